-- Password resets by a mailed link (decision 67). A request for an email with an account keeps a row with the
-- hash of the link's token; one for an email without an account keeps a row without a token (nothing is mailed),
-- so that both count alike towards the mails one address may be asked for in an hour. A used link is marked;
-- rows are deleted a day after they expire.
CREATE TABLE password_resets (
    id          TEXT    NOT NULL PRIMARY KEY,
    email       TEXT    NOT NULL,
    account_id  TEXT,
    token_hash  TEXT,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE UNIQUE INDEX password_resets_token ON password_resets (token_hash);
CREATE INDEX password_resets_email ON password_resets (email, created_at);
CREATE INDEX password_resets_account ON password_resets (account_id);
CREATE INDEX password_resets_expiry ON password_resets (expires_at);
