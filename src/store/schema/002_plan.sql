-- Schema 2: improvement-plan actions, milestones, check-ins and settings.

CREATE TABLE actions (
    id                INTEGER PRIMARY KEY,
    evaluation_id     INTEGER NOT NULL REFERENCES evaluations(id),
    stage             TEXT NOT NULL DEFAULT 'draft'
                      CHECK (stage IN ('draft', 'accepted', 'discarded', 'merged')),
    merged_into       INTEGER REFERENCES actions(id),
    -- The day (headway's today) the action was accepted into the plan.
    accepted_on       TEXT CHECK (accepted_on IS NULL OR date(accepted_on) IS accepted_on),
    title             TEXT NOT NULL CHECK (length(trim(title)) > 0),
    description       TEXT NOT NULL DEFAULT '',
    reason            TEXT NOT NULL DEFAULT '',
    owner             TEXT NOT NULL DEFAULT '',
    owner_role        TEXT CHECK (owner_role IS NULL OR owner_role IN
                      ('senior leader', 'middle leader', 'teacher', 'governor', 'other')),
    checker           TEXT NOT NULL DEFAULT '',
    start_date        TEXT CHECK (start_date IS NULL OR date(start_date) IS start_date),
    due_date          TEXT CHECK (due_date IS NULL OR date(due_date) IS due_date),
    success_criteria  TEXT NOT NULL DEFAULT '',
    impact_check      TEXT NOT NULL DEFAULT '',
    cadence           TEXT NOT NULL DEFAULT 'fortnightly'
                      CHECK (cadence IN ('weekly', 'fortnightly', 'monthly', 'half-termly')),
    target_group      TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL DEFAULT 'not started'
                      CHECK (status IN ('not started', 'in progress', 'done', 'dropped')),
    impact            TEXT NOT NULL DEFAULT 'not yet known'
                      CHECK (impact IN ('not yet known', 'none seen', 'some', 'strong')),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;

CREATE INDEX actions_by_evaluation ON actions(evaluation_id);

CREATE TABLE action_statements (
    action_id      INTEGER NOT NULL REFERENCES actions(id),
    statement_key  TEXT NOT NULL,
    position       INTEGER NOT NULL,
    PRIMARY KEY (action_id, statement_key)
) STRICT;

CREATE TABLE milestones (
    id         INTEGER PRIMARY KEY,
    action_id  INTEGER NOT NULL REFERENCES actions(id),
    due_date   TEXT NOT NULL CHECK (date(due_date) IS due_date),
    text       TEXT NOT NULL
) STRICT;

CREATE TABLE checkins (
    id           INTEGER PRIMARY KEY,
    action_id    INTEGER NOT NULL REFERENCES actions(id),
    checked_on   TEXT NOT NULL CHECK (date(checked_on) IS checked_on),
    rag          TEXT NOT NULL CHECK (rag IN ('green', 'amber', 'red')),
    note         TEXT NOT NULL DEFAULT '',
    impact_note  TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
) STRICT;

CREATE INDEX checkins_by_action ON checkins(action_id, checked_on);

-- Values that edits to an action replaced, oldest first.
CREATE TABLE action_revisions (
    id           INTEGER PRIMARY KEY,
    action_id    INTEGER NOT NULL REFERENCES actions(id),
    field        TEXT NOT NULL,
    old_value    TEXT NOT NULL,
    replaced_at  TEXT NOT NULL
) STRICT;

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) STRICT;
