-- A mail that carries a link which expires (a password reset, an invitation, a sign-up's confirmation, a sign-in alert's
-- "This wasn't me") is worth sending only until then: the outbox gives it up after that, never delivering a dead link.
-- NULL: the mail is worth sending whenever it goes.
ALTER TABLE mail_outbox ADD COLUMN valid_until INTEGER;
