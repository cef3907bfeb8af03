-- A mail that carries a link which expires (a password reset, an invitation, a sign-up's confirmation, a sign-in alert's
-- "This wasn't me") is worth sending only until then: the outbox gives it up after that, never delivering a dead link.
-- NULL: the mail is worth sending whenever it goes.
ALTER TABLE mail_outbox ADD COLUMN valid_until INTEGER;
-- The sign-in (its session's id) that last changed the account's time zone, and the zone the account had before it
-- (NULL: none, mails said UTC), so that a sign-in the member disowns with "This wasn't me" gives the zone back.
ALTER TABLE accounts ADD COLUMN time_zone_session TEXT;
ALTER TABLE accounts ADD COLUMN time_zone_before TEXT;
