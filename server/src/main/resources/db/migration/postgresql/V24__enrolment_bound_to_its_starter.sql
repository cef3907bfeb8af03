-- A pending authenticator-app enrolment belongs to the session and the browser that started it
-- (docs/decisions/0022-two-factor.md, addendum of 2026-12-04): only they are shown its secret and may
-- confirm it. enrolling_session is the session's public id; enrolling_key_hash is SHA-256 of a random key
-- held by that browser in a cookie (lanyard_enrolment), so a copy of the session cookie alone is not enough.
-- Both are cleared when the enrolment is confirmed. An enrolment started before this migration has
-- neither: nobody is shown its secret and any session may start again, which replaces it.
ALTER TABLE totp_factors ADD COLUMN enrolling_session TEXT;
ALTER TABLE totp_factors ADD COLUMN enrolling_key_hash TEXT;

-- No schema change, a change of meaning: recovery_codes.code_hash of codes made from now on is
-- 'a1:' + hex HMAC-SHA256 over the account id and the code under a fixed key (bound to the account, never to
-- lanyard.factors.seed-key). Rows made before keep plain SHA-256 (64 hex) and still work once each.
