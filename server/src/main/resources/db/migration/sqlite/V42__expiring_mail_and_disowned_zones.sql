-- A mail that carries a link which expires (a password reset, an invitation, a sign-up's confirmation, a sign-in alert's
-- "This wasn't me") is worth sending only until then: the outbox gives it up after that, never delivering a dead link.
-- NULL: the mail is worth sending whenever it goes.
ALTER TABLE mail_outbox ADD COLUMN valid_until INTEGER;
-- The account's latest time zone notes, one per sign-in (or password reset) that reported a zone, the zone changed or
-- not, so that sign-ins the member disowns with "This wasn't me", in any number and order, give back the zone of the
-- latest sign-in they did not disown: session_id the sign-in's session (NULL: none, which no one can disown), zone the
-- zone it reported (NULL: one Java does not know, mails say UTC), zone_before the account's zone when it was noted,
-- which the account gets back when every note kept is disowned. accounts.time_zone stays the zone mails use; at most
-- the latest 20 notes of an account are kept (account.JdbcAccountStore).
CREATE TABLE time_zone_notes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  TEXT    NOT NULL REFERENCES accounts (id),
    session_id  TEXT,
    zone        TEXT,
    zone_before TEXT,
    disowned    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX time_zone_notes_account ON time_zone_notes (account_id, id);
