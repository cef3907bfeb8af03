-- Who made a password reset link (decision 67, addendum): 'mail' for one asked for on /login/forgot and mailed to the
-- account's address, 'operator' for one the server's operator made with `reset-link` and handed over themselves.
-- An operator's link works without a mail server, does not count towards the email's mails an hour, and does not
-- show that the member reads mail at the address.
ALTER TABLE password_resets ADD COLUMN origin TEXT NOT NULL DEFAULT 'mail';
