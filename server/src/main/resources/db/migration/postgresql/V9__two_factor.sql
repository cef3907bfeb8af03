-- Two-factor sign-in (issue 10, V1). Times are UTC epoch milliseconds.
-- A team may require every member to have a second factor.
ALTER TABLE teams ADD COLUMN require_second_factor BOOLEAN NOT NULL DEFAULT FALSE;

-- One authenticator app (TOTP, RFC 6238) per account. The seed must be read back to check codes:
-- it is stored encrypted when lanyard.factors.seed-key is set (docs/decisions/0022-two-factor.md).
-- confirmed_at is empty while enrolment waits for its first code; last_step is the time step of the
-- last accepted code, so no code is accepted twice.
CREATE TABLE totp_factors (
    account_id   TEXT   NOT NULL PRIMARY KEY REFERENCES accounts (id),
    seed         TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    confirmed_at BIGINT,
    last_step    BIGINT NOT NULL DEFAULT -1
);

-- Single-use recovery codes: only SHA-256 of each code is kept.
CREATE TABLE recovery_codes (
    account_id TEXT   NOT NULL REFERENCES accounts (id),
    code_hash  TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    used_at    BIGINT,
    PRIMARY KEY (account_id, code_hash)
);

-- A sign-in whose password was right, waiting for its second factor. Only SHA-256 of the challenge id
-- (held by the browser in a cookie, or by an API client) is kept.
CREATE TABLE sign_in_challenges (
    id_hash     TEXT    NOT NULL PRIMARY KEY,
    account_id  TEXT    NOT NULL REFERENCES accounts (id),
    remember_me BOOLEAN NOT NULL,
    app_type    TEXT    NOT NULL,
    bearer      BOOLEAN NOT NULL,
    return_path TEXT    NOT NULL DEFAULT '',
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    failures    INTEGER NOT NULL DEFAULT 0,
    used_at     BIGINT
);
CREATE INDEX sign_in_challenges_expiry ON sign_in_challenges (expires_at);
