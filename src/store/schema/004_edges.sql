-- Schema 4: text copied from a confidential note stays confidential.

-- An action drafted from a confidential judgement carries its notes (the
-- rationale as the reason, the evidence note as the impact check), so it
-- is marked too, and reports and exports leave those fields out.
ALTER TABLE actions ADD COLUMN confidential INTEGER NOT NULL DEFAULT 0
    CHECK (confidential IN (0, 1));

UPDATE actions SET confidential = 1
WHERE EXISTS (
    SELECT 1 FROM action_statements s
    JOIN judgements j
      ON j.evaluation_id = actions.evaluation_id AND j.statement_key = s.statement_key
    WHERE s.action_id = actions.id AND j.confidential = 1
);

-- Reading many actions reads their milestones by action.
CREATE INDEX milestones_by_action ON milestones(action_id);
