-- Lanyard as an OAuth 2.1 / OpenID Connect provider (issue 9, A2). Times are UTC epoch milliseconds.
-- Apps registered by a team's admins. Only a hash of a confidential client's secret is kept.
CREATE TABLE oauth_clients (
    id                     TEXT    NOT NULL PRIMARY KEY,
    team_id                TEXT    NOT NULL REFERENCES teams (id),
    client_id              TEXT    NOT NULL,
    name                   TEXT    NOT NULL,
    description            TEXT    NOT NULL DEFAULT '',
    logo_url               TEXT    NOT NULL DEFAULT '',
    redirect_uris          TEXT    NOT NULL,
    confidential           BOOLEAN NOT NULL,
    secret_hash            TEXT,
    scopes                 TEXT    NOT NULL,
    backchannel_logout_uri TEXT    NOT NULL DEFAULT '',
    created_at             BIGINT  NOT NULL,
    updated_at             BIGINT  NOT NULL
);
CREATE UNIQUE INDEX oauth_clients_client_id ON oauth_clients (client_id);
CREATE INDEX oauth_clients_team ON oauth_clients (team_id, name);

-- One row per authorization (grant). Tokens are stored only as SHA-256 hashes; body holds what
-- is no secret (the authorization request, the tokens' times and claims).
CREATE TABLE oauth_authorizations (
    id            TEXT    NOT NULL PRIMARY KEY,
    client_id     TEXT    NOT NULL,
    account_id    TEXT    NOT NULL,
    session_id    TEXT,
    session_key   TEXT,
    state_hash    TEXT,
    code_hash     TEXT,
    access_hash   TEXT,
    refresh_hash  TEXT,
    id_token_hash TEXT,
    body          TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE INDEX oauth_authorizations_state ON oauth_authorizations (state_hash);
CREATE INDEX oauth_authorizations_code ON oauth_authorizations (code_hash);
CREATE INDEX oauth_authorizations_access ON oauth_authorizations (access_hash);
CREATE INDEX oauth_authorizations_refresh ON oauth_authorizations (refresh_hash);
CREATE INDEX oauth_authorizations_id_token ON oauth_authorizations (id_token_hash);
CREATE INDEX oauth_authorizations_session ON oauth_authorizations (session_id);
CREATE INDEX oauth_authorizations_member ON oauth_authorizations (account_id, client_id);

-- Refresh tokens already exchanged: presenting one again ends its grant (reuse detection).
CREATE TABLE oauth_used_refresh_tokens (
    token_hash       TEXT    NOT NULL PRIMARY KEY,
    authorization_id TEXT    NOT NULL,
    used_at          BIGINT  NOT NULL
);

CREATE TABLE oauth_consents (
    client_id    TEXT    NOT NULL,
    account_id   TEXT    NOT NULL,
    scopes       TEXT    NOT NULL,
    consented_at BIGINT  NOT NULL,
    PRIMARY KEY (client_id, account_id)
);
CREATE INDEX oauth_consents_account ON oauth_consents (account_id);

-- Token signing keys (JWK JSON with the private part), shared by every node. The newest active
-- key signs; retired keys stay published in the JWKS until the tokens they signed expire.
CREATE TABLE oauth_signing_keys (
    kid        TEXT    NOT NULL PRIMARY KEY,
    jwk        TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    retired_at BIGINT
);
