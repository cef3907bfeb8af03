-- The outbox mail that carries an invitation's current link (set at the invitation and at each resend),
-- so that its admins see whether it went out: a mail given up after its last attempt is shown, where
-- before the invitation stayed "Pending" as if the person had it. Empty when mail is kept in the
-- development outbox (no SMTP server).
ALTER TABLE invitations ADD COLUMN mail_id INTEGER;
