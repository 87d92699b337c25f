-- Schema 3: cycles that build on the last, and confidential notes.

-- The evaluation a judgement was carried forward from unchanged; NULL when
-- the meeting judged it afresh.
ALTER TABLE judgements ADD COLUMN carried_from INTEGER REFERENCES evaluations(id);

-- Confidential notes (about a person, say) stay out of reports and exports
-- unless they are asked for by name.
ALTER TABLE judgements ADD COLUMN confidential INTEGER NOT NULL DEFAULT 0
    CHECK (confidential IN (0, 1));
ALTER TABLE checkins ADD COLUMN confidential INTEGER NOT NULL DEFAULT 0
    CHECK (confidential IN (0, 1));

CREATE INDEX evaluations_by_series ON evaluations(school_id, tool_id, scope);
CREATE INDEX action_statements_by_key ON action_statements(statement_key);
