-- Whether the session was signed in for a bearer token (POST /api/v1/login with tokenType=bearer): a program's, which
-- may not authorize or consent to an app however its token is presented (decision 65, addendum). Sessions signed in
-- before are taken for browsers' (0) until they end.
ALTER TABLE sessions ADD COLUMN bearer INTEGER NOT NULL DEFAULT 0;
