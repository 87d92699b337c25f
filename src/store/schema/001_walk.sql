-- Schema 1: schools, tools, evaluations, judgements and their history.

CREATE TABLE schools (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
    created_at  TEXT NOT NULL
) STRICT;

-- Every version of every tool ever used stays here, so an evaluation can
-- always be read with the version it was made with.
CREATE TABLE tools (
    tool_id      TEXT NOT NULL,
    version      INTEGER NOT NULL CHECK (version >= 1),
    title        TEXT NOT NULL,
    area         TEXT NOT NULL,
    source       TEXT NOT NULL,
    origin       TEXT NOT NULL CHECK (origin IN ('shipped', 'imported')),
    added_at     TEXT NOT NULL,
    PRIMARY KEY (tool_id, version)
) STRICT;

CREATE TABLE evaluations (
    id            INTEGER PRIMARY KEY,
    school_id     INTEGER NOT NULL REFERENCES schools(id),
    tool_id       TEXT NOT NULL,
    tool_version  INTEGER NOT NULL,
    scope         TEXT NOT NULL CHECK (length(trim(scope)) > 0),
    cycle         TEXT NOT NULL CHECK (length(trim(cycle)) > 0),
    attendees     TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    FOREIGN KEY (tool_id, tool_version) REFERENCES tools(tool_id, version)
) STRICT;

CREATE INDEX evaluations_by_school ON evaluations(school_id);

CREATE TABLE judgements (
    evaluation_id  INTEGER NOT NULL REFERENCES evaluations(id),
    statement_key  TEXT NOT NULL,
    level          INTEGER CHECK (level IS NULL OR level BETWEEN 1 AND 9),
    deferred       INTEGER NOT NULL DEFAULT 0 CHECK (deferred IN (0, 1)),
    rationale      TEXT NOT NULL DEFAULT '',
    evidence       TEXT NOT NULL DEFAULT '',
    defer_note     TEXT NOT NULL DEFAULT '',
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (evaluation_id, statement_key),
    CHECK (NOT (deferred = 1 AND level IS NOT NULL))
) STRICT;

-- The values that user changes replaced, oldest first.
CREATE TABLE revisions (
    id             INTEGER PRIMARY KEY,
    evaluation_id  INTEGER NOT NULL REFERENCES evaluations(id),
    statement_key  TEXT NOT NULL,
    field          TEXT NOT NULL
                   CHECK (field IN ('level', 'deferred', 'rationale', 'evidence', 'defer_note')),
    old_value      TEXT NOT NULL,
    replaced_at    TEXT NOT NULL
) STRICT;

CREATE INDEX revisions_by_statement ON revisions(evaluation_id, statement_key);
