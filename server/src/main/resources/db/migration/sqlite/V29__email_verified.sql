-- When Lanyard learned that the account's holder reads mail at its address (a confirmed sign-up, an invitation or a
-- password reset link that a mail server delivered): OpenID Connect's email_verified. Accounts made before are unknown
-- (NULL, shown as not verified) until one of those happens.
ALTER TABLE accounts ADD COLUMN email_verified_at INTEGER;
