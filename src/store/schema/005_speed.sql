-- Schema 5: what a screen shows is read through an index, never by a pass
-- over a whole table.

-- The day an open action's next check falls, worked out by the domain's
-- rule (a cadence after the last check-in, the start or the acceptance,
-- never after the due date) and kept in step by the store whenever an
-- action or its check-ins change. NULL for anything not open in the plan.
-- Filled for existing actions by the migration's hook. The check-in agenda
-- reads only the actions that are due.
ALTER TABLE actions ADD COLUMN next_check TEXT;

-- The agenda's order and its owner and checker filter come from the index
-- alone, without reading the actions' text.
CREATE INDEX actions_by_next_check ON actions(next_check, id, owner, checker)
    WHERE next_check IS NOT NULL;

-- The home screen counts each evaluation's progress from this index alone,
-- without reading the judgements' notes.
CREATE INDEX judgements_progress ON judgements(evaluation_id, level, deferred);
