-- Schema 13: two copies, one record. Every user change is recorded as it
-- is made, in the same transaction, as the changeset SQLite's session
-- extension gives; changes that arrive from a partner copy are kept the
-- same way. Each belongs to one school, so a school's changes go to that
-- school's partner and to no other, and is named by the copy that made it
-- and that copy's count of its changes to the school: the same change is
-- never applied twice, and a change that arrives before one it follows waits.
CREATE TABLE changes (
    copy         TEXT NOT NULL,
    school_uuid  TEXT NOT NULL,
    seq          INTEGER NOT NULL CHECK (seq >= 1),
    changeset    BLOB NOT NULL,
    made_at      TEXT NOT NULL,
    -- When it was made, in nanoseconds since 1970, on a clock that never
    -- goes back past a change this copy has seen: a change made after
    -- another arrived is always later than it, whatever the machines'
    -- clocks say. Where two copies changed one field, the later stands.
    stamp        INTEGER NOT NULL,
    -- When it arrived here; NULL for this copy's own changes.
    arrived_at   TEXT,
    PRIMARY KEY (copy, school_uuid, seq)
) STRICT;

-- A school's changes in the order this copy took them in (the rowid).
CREATE INDEX changes_by_school ON changes(school_uuid);
CREATE INDEX changes_by_stamp ON changes(stamp);

-- A school linked to a partner copy through a folder both can reach.
CREATE TABLE links (
    school_uuid   TEXT PRIMARY KEY NOT NULL,
    folder        TEXT NOT NULL,
    -- The partner copy's identity, once a bundle from it has arrived: its
    -- own changes are not sent back to it.
    partner       TEXT,
    -- Whether notes marked confidential travel to the partner.
    confidential  INTEGER NOT NULL DEFAULT 1 CHECK (confidential IN (0, 1)),
    -- The last of this school's changes (changes.rowid) written out.
    sent_upto     INTEGER NOT NULL DEFAULT 0,
    exchanged_at  TEXT,
    -- What came in at the last exchange, in words.
    last_arrived  TEXT NOT NULL DEFAULT ''
) STRICT;

-- A field both copies changed since they last exchanged. The value kept
-- for now is the later edit's; the other waits here, with it, for a person
-- to choose. Both copies find the same conflict under the same key.
CREATE TABLE conflicts (
    uuid         TEXT PRIMARY KEY NOT NULL,
    school_uuid  TEXT NOT NULL,
    table_name   TEXT NOT NULL,
    row_uuid     TEXT NOT NULL,
    -- The statement, for a judgement (whose key is the evaluation and it).
    statement_key TEXT NOT NULL DEFAULT '',
    field        TEXT NOT NULL,
    kept         TEXT,
    other        TEXT,
    found_at     TEXT NOT NULL,
    settled_at   TEXT
) STRICT;

CREATE INDEX conflicts_open ON conflicts(settled_at, school_uuid);

-- When a judgement's mark (its level, or left until next time) last
-- changed. Every change of the mark changes it too, so a mark changed on
-- both copies always meets as a conflict, and is settled as one value.
ALTER TABLE judgements ADD COLUMN marked_at TEXT;

-- In a trust's file: the roll-up each school's record came from. A later
-- roll-up from the same copy replaces the school's rows whole.
CREATE TABLE rollups (
    school_uuid  TEXT PRIMARY KEY NOT NULL,
    from_copy    TEXT NOT NULL,
    upto         INTEGER NOT NULL,
    -- The roll-up's rows, as a SHA-256: the same changes rolled up with
    -- notes and without are two roll-ups.
    digest       TEXT NOT NULL DEFAULT '',
    taken_at     TEXT NOT NULL
) STRICT;
