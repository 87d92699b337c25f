-- Schema 11: every row that travels between copies gets an identity that
-- is the same in every copy, a UUIDv7. The migration's hook gives each
-- existing row one, oldest first; schema 12 makes them the tables' keys.
ALTER TABLE schools ADD COLUMN uuid TEXT;
ALTER TABLE evaluations ADD COLUMN uuid TEXT;
ALTER TABLE revisions ADD COLUMN uuid TEXT;
ALTER TABLE actions ADD COLUMN uuid TEXT;
ALTER TABLE milestones ADD COLUMN uuid TEXT;
ALTER TABLE checkins ADD COLUMN uuid TEXT;
ALTER TABLE action_revisions ADD COLUMN uuid TEXT;
