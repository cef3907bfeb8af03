-- Device-bound sessions (PRODUCT.md V6, Device Bound Session Credentials; docs/decisions/0050).

-- When a bound session's cookie stops being accepted: its token is replaced at every refresh, which
-- only the browser holding the session's private key can make. NULL: the session is not bound.
ALTER TABLE sessions ADD COLUMN token_expires_at BIGINT;

-- The public key a session is bound to; the secret its refresh challenges are made with (a challenge
-- is its time and a MAC of it, so giving one writes nothing and a flood of them displaces none), and
-- the time of the last challenge answered, which a later answer must exceed (each answers once).
CREATE TABLE session_bindings (
    session_id     TEXT    NOT NULL PRIMARY KEY,
    algorithm      TEXT    NOT NULL,
    public_key     TEXT    NOT NULL,
    secret         TEXT    NOT NULL,
    bound_at       BIGINT  NOT NULL,
    refreshed_at   BIGINT  NOT NULL,
    last_answered  BIGINT  NOT NULL
);
