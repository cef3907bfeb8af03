-- How a session ended (when, why) is on its own row, and its timeline's last line is read from there
-- (docs/decisions/0035): the "ended" lines written until now would show twice.
DELETE FROM session_events WHERE kind = 'ended';
