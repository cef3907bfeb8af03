-- The team sessions page counts the team's active sessions, and each member's active and flagged ones, from this index
-- alone: with what tells whether an open session has expired (its lifetime, its idle timeout) and its risk flag in the
-- index, a count no longer reads each session's row. An outside scale review measured /admin/sessions at 0.34 s on
-- SQLite for a team of 1,000 members with 18,700 active sessions, most of it reading those rows. The columns are added
-- after the old ones, so every query that used the index before still does. Activity already rewrites each entry
-- (last_active_at is in it), so the index costs the session's writes no more entries than before.
DROP INDEX sessions_account_active;
CREATE INDEX sessions_account_active ON sessions (account_id, ended_at, last_active_at, expires_at, idle_timeout_ms, concern);
