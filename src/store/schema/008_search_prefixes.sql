-- Schema 8: the search indexes hold word beginnings of one, two and three
-- letters. A longer word typed into the finder is looked up by its first
-- three letters, which reads only the newest matches; asking the index for
-- a longer beginning made it gather every match in the file first.
-- FTS5 fixes its prefixes when a table is made, so each index is made
-- again and rebuilt from its table. Its triggers name it, and stay.
DROP TABLE judgement_search;
CREATE VIRTUAL TABLE judgement_search USING fts5(
    rationale, evidence, defer_note,
    content = 'judgements',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
DROP TABLE action_search;
CREATE VIRTUAL TABLE action_search USING fts5(
    title,
    content = 'actions', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
DROP TABLE checkin_search;
CREATE VIRTUAL TABLE checkin_search USING fts5(
    note, impact_note,
    content = 'checkins', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
INSERT INTO judgement_search (judgement_search) VALUES ('rebuild');
INSERT INTO action_search (action_search) VALUES ('rebuild');
INSERT INTO checkin_search (checkin_search) VALUES ('rebuild');
