-- Schema 6: the finder searches notes through SQLite's full-text index,
-- never by reading every note.

-- One index per kind of note, each over the rows of its own table (the
-- text is not copied). Words are matched from their start, accents and
-- case aside; prefixes of one and two letters have their own entries so
-- the first keys typed are quick too. Triggers keep each index in step
-- with every insert, change and delete, whichever program makes it.
CREATE VIRTUAL TABLE judgement_search USING fts5(
    rationale, evidence, defer_note,
    content = 'judgements',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2'
);

CREATE VIRTUAL TABLE action_search USING fts5(
    title,
    content = 'actions', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2'
);

CREATE VIRTUAL TABLE checkin_search USING fts5(
    note, impact_note,
    content = 'checkins', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2'
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
    INSERT INTO action_search (rowid, title) VALUES (new.id, new.title);
END;

CREATE TRIGGER action_search_delete AFTER DELETE ON actions BEGIN
    INSERT INTO action_search (action_search, rowid, title) VALUES ('delete', old.id, old.title);
END;

CREATE TRIGGER action_search_update AFTER UPDATE OF title ON actions BEGIN
    INSERT INTO action_search (action_search, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO action_search (rowid, title) VALUES (new.id, new.title);
END;

CREATE TRIGGER checkin_search_insert AFTER INSERT ON checkins BEGIN
    INSERT INTO checkin_search (rowid, note, impact_note)
    VALUES (new.id, new.note, new.impact_note);
END;

CREATE TRIGGER checkin_search_delete AFTER DELETE ON checkins BEGIN
    INSERT INTO checkin_search (checkin_search, rowid, note, impact_note)
    VALUES ('delete', old.id, old.note, old.impact_note);
END;

CREATE TRIGGER checkin_search_update AFTER UPDATE OF note, impact_note ON checkins BEGIN
    INSERT INTO checkin_search (checkin_search, rowid, note, impact_note)
    VALUES ('delete', old.id, old.note, old.impact_note);
    INSERT INTO checkin_search (rowid, note, impact_note)
    VALUES (new.id, new.note, new.impact_note);
END;

-- What the file already holds, indexed once as it is upgraded (after the
-- copy taken before every upgrade).
INSERT INTO judgement_search (judgement_search) VALUES ('rebuild');
INSERT INTO action_search (action_search) VALUES ('rebuild');
INSERT INTO checkin_search (checkin_search) VALUES ('rebuild');

-- Where a tool found by the finder leads: its newest evaluation.
CREATE INDEX evaluations_by_tool ON evaluations(tool_id);
