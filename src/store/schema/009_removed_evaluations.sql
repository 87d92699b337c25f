-- Schema 9: an evaluation started by mistake can be removed. Its row and
-- everything under it stay in the file, with the time it was removed, so
-- nothing is lost; lists, the finder, reports and exports leave it out.
ALTER TABLE evaluations ADD COLUMN removed_at TEXT;
