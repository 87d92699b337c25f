-- Schema 7: an action's latest check-in, its day and colour, comes from
-- this index alone. The check-in agenda and the plan read it for every
-- action they show, and reading the check-in rows themselves, notes and
-- all, was most of the agenda's cost. Ordered as the "latest" rule orders
-- check-ins: by day, then by when they were entered.
DROP INDEX checkins_by_action;
CREATE INDEX checkins_by_action ON checkins(action_id, checked_on, id, rag);
