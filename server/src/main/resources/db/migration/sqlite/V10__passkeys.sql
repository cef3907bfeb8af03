-- Passkeys (issue 10, PRODUCT.md V1; docs/decisions/0023-passkeys.md). Byte strings (handles,
-- credential ids, keys, attestation) are stored as base64url text, which reads the same on both databases.

-- The WebAuthn user handle of an account: random, opaque, never the account id or the email.
CREATE TABLE passkey_users (
    account_id   TEXT    NOT NULL PRIMARY KEY REFERENCES accounts (id),
    user_handle  TEXT    NOT NULL UNIQUE
);

-- One registered passkey. Holds only public material: the public key and its attestation.
CREATE TABLE passkeys (
    credential_id       TEXT    NOT NULL PRIMARY KEY,
    account_id          TEXT    NOT NULL REFERENCES accounts (id),
    name                TEXT    NOT NULL,
    credential_type     TEXT    NOT NULL,
    public_key          TEXT    NOT NULL,
    signature_count     INTEGER NOT NULL,
    uv_initialized      INTEGER NOT NULL,
    backup_eligible     INTEGER NOT NULL,
    backup_state        INTEGER NOT NULL,
    transports          TEXT    NOT NULL,
    attestation_object  TEXT    NOT NULL,
    attestation_client_data TEXT NOT NULL,
    created_at          INTEGER NOT NULL,
    last_used_at        INTEGER
);
CREATE INDEX passkeys_account ON passkeys (account_id, created_at);

-- The options of a ceremony between its two steps (the security chain keeps no HttpSession):
-- single-use, five minutes at most.
CREATE TABLE passkey_ceremonies (
    id          TEXT    NOT NULL PRIMARY KEY,
    purpose     TEXT    NOT NULL,
    account_id  TEXT,
    challenge   TEXT    NOT NULL,
    rp_id       TEXT    NOT NULL,
    origins     TEXT    NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX passkey_ceremonies_expiry ON passkey_ceremonies (expires_at);
