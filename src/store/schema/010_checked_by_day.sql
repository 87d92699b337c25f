-- Schema 10: the check-ins of one day, found without reading every one:
-- the check-in screen lists what the meeting has already checked today.
CREATE INDEX checkins_by_day ON checkins(checked_on, action_id);
