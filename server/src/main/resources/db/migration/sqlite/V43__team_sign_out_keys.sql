-- How many of the sessions a team sign-out ended (ended) were API keys, added in each batch's transaction as ended is,
-- so that the admin's audit entry says "826 sessions and 1 API key" rather than "827 sessions", in its first run as
-- after a restart. A sign-out left unfinished before this counted its keys among its sessions, and still does.
ALTER TABLE team_sign_outs ADD COLUMN ended_keys INTEGER NOT NULL DEFAULT 0;
