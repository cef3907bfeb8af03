-- Mail waiting to go out over SMTP (issue 8, item 13). A row is written in the transaction of the
-- change that sends it and sent after the commit, with retries. The body (it can hold a
-- single-use link) is erased once the mail is sent or given up.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id         TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    claim           TEXT,
    claimed_until   INTEGER,
    sent_at         INTEGER,
    given_up_at     INTEGER
);
-- The drainer's question: what is due and unfinished.
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND given_up_at IS NULL;
