-- Schema 12: the tables that travel between copies are keyed by their
-- UUIDs, and refer to each other by them. A changeset names a row by its
-- table's declared key, so the same row is the same key in every copy.
--
-- Each copy still numbers its rows for its own use: that number is the
-- table's rowid, which is not a declared column, so it never travels and
-- nothing stored refers to it. The rows keep the numbers they had.
--
-- The new tables are built beside the old, filled, and renamed into their
-- places; the search indexes are made again over them.

CREATE TABLE schools_next (
    uuid        TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
    created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE evaluations_next (
    uuid          TEXT PRIMARY KEY NOT NULL,
    school_uuid   TEXT NOT NULL REFERENCES schools_next(uuid),
    tool_id       TEXT NOT NULL,
    tool_version  INTEGER NOT NULL,
    scope         TEXT NOT NULL CHECK (length(trim(scope)) > 0),
    cycle         TEXT NOT NULL CHECK (length(trim(cycle)) > 0),
    attendees     TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    removed_at    TEXT,
    FOREIGN KEY (tool_id, tool_version) REFERENCES tools(tool_id, version)
) STRICT;

CREATE TABLE judgements_next (
    evaluation_uuid  TEXT NOT NULL REFERENCES evaluations_next(uuid),
    statement_key    TEXT NOT NULL,
    level            INTEGER CHECK (level IS NULL OR level BETWEEN 1 AND 9),
    deferred         INTEGER NOT NULL DEFAULT 0 CHECK (deferred IN (0, 1)),
    rationale        TEXT NOT NULL DEFAULT '',
    evidence         TEXT NOT NULL DEFAULT '',
    defer_note       TEXT NOT NULL DEFAULT '',
    updated_at       TEXT NOT NULL,
    -- The evaluation this judgement was carried forward from unchanged.
    carried_from     TEXT REFERENCES evaluations_next(uuid),
    confidential     INTEGER NOT NULL DEFAULT 0 CHECK (confidential IN (0, 1)),
    PRIMARY KEY (evaluation_uuid, statement_key),
    CHECK (NOT (deferred = 1 AND level IS NOT NULL))
) STRICT;

CREATE TABLE revisions_next (
    uuid             TEXT PRIMARY KEY NOT NULL,
    evaluation_uuid  TEXT NOT NULL REFERENCES evaluations_next(uuid),
    statement_key    TEXT NOT NULL,
    field            TEXT NOT NULL
                     CHECK (field IN ('level', 'deferred', 'rationale', 'evidence', 'defer_note')),
    old_value        TEXT NOT NULL,
    replaced_at      TEXT NOT NULL
) STRICT;

CREATE TABLE actions_next (
    uuid              TEXT PRIMARY KEY NOT NULL,
    evaluation_uuid   TEXT NOT NULL REFERENCES evaluations_next(uuid),
    stage             TEXT NOT NULL DEFAULT 'draft'
                      CHECK (stage IN ('draft', 'accepted', 'discarded', 'merged')),
    merged_into       TEXT REFERENCES actions_next(uuid),
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
    updated_at        TEXT NOT NULL,
    confidential      INTEGER NOT NULL DEFAULT 0 CHECK (confidential IN (0, 1)),
    next_check        TEXT
) STRICT;

CREATE TABLE action_statements_next (
    action_uuid    TEXT NOT NULL REFERENCES actions_next(uuid),
    statement_key  TEXT NOT NULL,
    position       INTEGER NOT NULL,
    PRIMARY KEY (action_uuid, statement_key)
) STRICT;

CREATE TABLE milestones_next (
    uuid         TEXT PRIMARY KEY NOT NULL,
    action_uuid  TEXT NOT NULL REFERENCES actions_next(uuid),
    due_date     TEXT NOT NULL CHECK (date(due_date) IS due_date),
    text         TEXT NOT NULL
) STRICT;

CREATE TABLE checkins_next (
    uuid         TEXT PRIMARY KEY NOT NULL,
    action_uuid  TEXT NOT NULL REFERENCES actions_next(uuid),
    checked_on   TEXT NOT NULL CHECK (date(checked_on) IS checked_on),
    rag          TEXT NOT NULL CHECK (rag IN ('green', 'amber', 'red')),
    note         TEXT NOT NULL DEFAULT '',
    impact_note  TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    confidential INTEGER NOT NULL DEFAULT 0 CHECK (confidential IN (0, 1))
) STRICT;

CREATE TABLE action_revisions_next (
    uuid         TEXT PRIMARY KEY NOT NULL,
    action_uuid  TEXT NOT NULL REFERENCES actions_next(uuid),
    field        TEXT NOT NULL,
    old_value    TEXT NOT NULL,
    replaced_at  TEXT NOT NULL
) STRICT;

INSERT INTO schools_next (rowid, uuid, name, created_at)
SELECT id, uuid, name, created_at FROM schools;

INSERT INTO evaluations_next (rowid, uuid, school_uuid, tool_id, tool_version, scope, cycle,
                              attendees, created_at, removed_at)
SELECT e.id, e.uuid, s.uuid, e.tool_id, e.tool_version, e.scope, e.cycle,
       e.attendees, e.created_at, e.removed_at
FROM evaluations e JOIN schools s ON s.id = e.school_id;

INSERT INTO judgements_next (rowid, evaluation_uuid, statement_key, level, deferred, rationale,
                             evidence, defer_note, updated_at, carried_from, confidential)
SELECT j.rowid, e.uuid, j.statement_key, j.level, j.deferred, j.rationale,
       j.evidence, j.defer_note, j.updated_at,
       (SELECT c.uuid FROM evaluations c WHERE c.id = j.carried_from), j.confidential
FROM judgements j JOIN evaluations e ON e.id = j.evaluation_id;

INSERT INTO revisions_next (rowid, uuid, evaluation_uuid, statement_key, field, old_value,
                            replaced_at)
SELECT r.id, r.uuid, e.uuid, r.statement_key, r.field, r.old_value, r.replaced_at
FROM revisions r JOIN evaluations e ON e.id = r.evaluation_id;

INSERT INTO actions_next (rowid, uuid, evaluation_uuid, stage, merged_into, accepted_on, title,
                          description, reason, owner, owner_role, checker, start_date, due_date,
                          success_criteria, impact_check, cadence, target_group, status, impact,
                          created_at, updated_at, confidential, next_check)
SELECT a.id, a.uuid, e.uuid, a.stage, (SELECT m.uuid FROM actions m WHERE m.id = a.merged_into),
       a.accepted_on, a.title, a.description, a.reason, a.owner, a.owner_role, a.checker,
       a.start_date, a.due_date, a.success_criteria, a.impact_check, a.cadence, a.target_group,
       a.status, a.impact, a.created_at, a.updated_at, a.confidential, a.next_check
FROM actions a JOIN evaluations e ON e.id = a.evaluation_id;

INSERT INTO action_statements_next (rowid, action_uuid, statement_key, position)
SELECT x.rowid, a.uuid, x.statement_key, x.position
FROM action_statements x JOIN actions a ON a.id = x.action_id;

INSERT INTO milestones_next (rowid, uuid, action_uuid, due_date, text)
SELECT m.id, m.uuid, a.uuid, m.due_date, m.text
FROM milestones m JOIN actions a ON a.id = m.action_id;

INSERT INTO checkins_next (rowid, uuid, action_uuid, checked_on, rag, note, impact_note,
                           created_at, confidential)
SELECT c.id, c.uuid, a.uuid, c.checked_on, c.rag, c.note, c.impact_note,
       c.created_at, c.confidential
FROM checkins c JOIN actions a ON a.id = c.action_id;

INSERT INTO action_revisions_next (rowid, uuid, action_uuid, field, old_value, replaced_at)
SELECT r.id, r.uuid, a.uuid, r.field, r.old_value, r.replaced_at
FROM action_revisions r JOIN actions a ON a.id = r.action_id;

-- The search indexes and their triggers name the old tables' columns.
DROP TABLE judgement_search;
DROP TABLE action_search;
DROP TABLE checkin_search;

-- Children before parents, so no reference is left pointing at a dropped row.
-- Dropping a table deletes its rows, and each deleted action is looked up
-- among the actions merged into it: an index makes that a lookup, not a
-- pass over every action.
CREATE INDEX old_actions_by_merged_into ON actions(merged_into);
DROP TABLE action_revisions;
DROP TABLE checkins;
DROP TABLE milestones;
DROP TABLE action_statements;
DROP TABLE revisions;
DROP TABLE judgements;
DROP TABLE actions;
DROP TABLE evaluations;
DROP TABLE schools;

ALTER TABLE schools_next RENAME TO schools;
ALTER TABLE evaluations_next RENAME TO evaluations;
ALTER TABLE judgements_next RENAME TO judgements;
ALTER TABLE revisions_next RENAME TO revisions;
ALTER TABLE actions_next RENAME TO actions;
ALTER TABLE action_statements_next RENAME TO action_statements;
ALTER TABLE milestones_next RENAME TO milestones;
ALTER TABLE checkins_next RENAME TO checkins;
ALTER TABLE action_revisions_next RENAME TO action_revisions;

-- The indexes of schemas 1 to 10, over the keys that now join the tables.
-- Each index ends with the rowid, so "newest first" comes from it too.
CREATE INDEX evaluations_by_school ON evaluations(school_uuid);
CREATE INDEX evaluations_by_series ON evaluations(school_uuid, tool_id, scope);
CREATE INDEX evaluations_by_tool ON evaluations(tool_id);
CREATE INDEX revisions_by_statement ON revisions(evaluation_uuid, statement_key);
CREATE INDEX judgements_progress ON judgements(evaluation_uuid, level, deferred);
CREATE INDEX actions_by_evaluation ON actions(evaluation_uuid);
CREATE INDEX actions_by_next_check ON actions(next_check, owner, checker)
    WHERE next_check IS NOT NULL;
CREATE INDEX action_statements_by_key ON action_statements(statement_key);
CREATE INDEX milestones_by_action ON milestones(action_uuid);
CREATE INDEX checkins_by_action ON checkins(action_uuid, checked_on);
CREATE INDEX checkins_by_day ON checkins(checked_on, action_uuid);
CREATE INDEX action_revisions_by_action ON action_revisions(action_uuid);
-- Removing an evaluation or an action (a trust's file replacing a school's
-- roll-up) looks up what refers to it through these.
CREATE INDEX judgements_by_carried_from ON judgements(carried_from)
    WHERE carried_from IS NOT NULL;
CREATE INDEX actions_by_merged_into ON actions(merged_into)
    WHERE merged_into IS NOT NULL;

CREATE VIRTUAL TABLE judgement_search USING fts5(
    rationale, evidence, defer_note,
    content = 'judgements',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
CREATE VIRTUAL TABLE action_search USING fts5(
    title,
    content = 'actions',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
CREATE VIRTUAL TABLE checkin_search USING fts5(
    note, impact_note,
    content = 'checkins',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);

CREATE TRIGGER judgement_search_insert AFTER INSERT ON judgements BEGIN
    INSERT INTO judgement_search (rowid, rationale, evidence, defer_note)
    VALUES (new.rowid, new.rationale, new.evidence, new.defer_note);
END;

CREATE TRIGGER judgement_search_delete AFTER DELETE ON judgements BEGIN
    INSERT INTO judgement_search (judgement_search, rowid, rationale, evidence, defer_note)
    VALUES ('delete', old.rowid, old.rationale, old.evidence, old.defer_note);
END;

CREATE TRIGGER judgement_search_update
AFTER UPDATE OF rationale, evidence, defer_note ON judgements BEGIN
    INSERT INTO judgement_search (judgement_search, rowid, rationale, evidence, defer_note)
    VALUES ('delete', old.rowid, old.rationale, old.evidence, old.defer_note);
    INSERT INTO judgement_search (rowid, rationale, evidence, defer_note)
    VALUES (new.rowid, new.rationale, new.evidence, new.defer_note);
END;

CREATE TRIGGER action_search_insert AFTER INSERT ON actions BEGIN
    INSERT INTO action_search (rowid, title) VALUES (new.rowid, new.title);
END;

CREATE TRIGGER action_search_delete AFTER DELETE ON actions BEGIN
    INSERT INTO action_search (action_search, rowid, title)
    VALUES ('delete', old.rowid, old.title);
END;

CREATE TRIGGER action_search_update AFTER UPDATE OF title ON actions BEGIN
    INSERT INTO action_search (action_search, rowid, title)
    VALUES ('delete', old.rowid, old.title);
    INSERT INTO action_search (rowid, title) VALUES (new.rowid, new.title);
END;

CREATE TRIGGER checkin_search_insert AFTER INSERT ON checkins BEGIN
    INSERT INTO checkin_search (rowid, note, impact_note)
    VALUES (new.rowid, new.note, new.impact_note);
END;

CREATE TRIGGER checkin_search_delete AFTER DELETE ON checkins BEGIN
    INSERT INTO checkin_search (checkin_search, rowid, note, impact_note)
    VALUES ('delete', old.rowid, old.note, old.impact_note);
END;

CREATE TRIGGER checkin_search_update AFTER UPDATE OF note, impact_note ON checkins BEGIN
    INSERT INTO checkin_search (checkin_search, rowid, note, impact_note)
    VALUES ('delete', old.rowid, old.note, old.impact_note);
    INSERT INTO checkin_search (rowid, note, impact_note)
    VALUES (new.rowid, new.note, new.impact_note);
END;

INSERT INTO judgement_search (judgement_search) VALUES ('rebuild');
INSERT INTO action_search (action_search) VALUES ('rebuild');
INSERT INTO checkin_search (checkin_search) VALUES ('rebuild');
