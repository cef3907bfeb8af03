-- Sign-ups waiting for their email to be confirmed (decision 61). With lanyard.sign-up.confirm-email on,
-- a sign-up creates no account: it keeps what was given here and mails a link; the account and its team
-- are created when the link is used. A sign-up with an email that already has an account keeps a row
-- without a token (and mails its owner instead), so that both count alike towards the mails one address
-- may be sent in an hour. Rows are deleted a day after they expire.
CREATE TABLE sign_ups (
    id            TEXT    NOT NULL PRIMARY KEY,
    email         TEXT    NOT NULL,
    token_hash    TEXT,
    name          TEXT,
    team_id       TEXT,
    team_name     TEXT,
    password_hash TEXT,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER
);
CREATE UNIQUE INDEX sign_ups_token ON sign_ups (token_hash);
CREATE INDEX sign_ups_email ON sign_ups (email, created_at);
CREATE INDEX sign_ups_expiry ON sign_ups (expires_at);
