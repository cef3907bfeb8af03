-- Times are UTC epoch milliseconds. Ids are random, URL-safe strings.
CREATE TABLE teams (
    id          TEXT   NOT NULL PRIMARY KEY,
    name        TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE accounts (
    id             TEXT   NOT NULL PRIMARY KEY,
    team_id        TEXT   NOT NULL REFERENCES teams (id),
    email          TEXT   NOT NULL,
    name           TEXT   NOT NULL,
    password_hash  TEXT   NOT NULL,
    role           TEXT   NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX accounts_email ON accounts (email);
CREATE INDEX accounts_team ON accounts (team_id);

CREATE TABLE sessions (
    id               TEXT             NOT NULL PRIMARY KEY,
    token_hash       TEXT             NOT NULL,
    account_id       TEXT             NOT NULL REFERENCES accounts (id),
    name             TEXT             NOT NULL DEFAULT '',
    app_type         TEXT             NOT NULL,
    remember_me      BOOLEAN          NOT NULL,
    verified         BOOLEAN          NOT NULL DEFAULT FALSE,
    alerts           BOOLEAN          NOT NULL DEFAULT TRUE,
    user_agent       TEXT             NOT NULL DEFAULT '',
    browser          TEXT             NOT NULL DEFAULT '',
    browser_version  TEXT             NOT NULL DEFAULT '',
    os               TEXT             NOT NULL DEFAULT '',
    os_version       TEXT             NOT NULL DEFAULT '',
    device_type      TEXT             NOT NULL,
    device_model     TEXT             NOT NULL DEFAULT '',
    ip               TEXT             NOT NULL,
    city             TEXT             NOT NULL DEFAULT '',
    region           TEXT             NOT NULL DEFAULT '',
    country          TEXT             NOT NULL DEFAULT '',
    country_code     TEXT             NOT NULL DEFAULT '',
    isp              TEXT             NOT NULL DEFAULT '',
    latitude         DOUBLE PRECISION,
    longitude        DOUBLE PRECISION,
    local_network    BOOLEAN          NOT NULL DEFAULT FALSE,
    created_at       BIGINT           NOT NULL,
    last_active_at   BIGINT           NOT NULL,
    idle_timeout_ms  BIGINT           NOT NULL,
    expires_at       BIGINT           NOT NULL,
    sign_ins         INTEGER          NOT NULL DEFAULT 1,
    requests         BIGINT           NOT NULL DEFAULT 0,
    pages            BIGINT           NOT NULL DEFAULT 0,
    last_page        TEXT             NOT NULL DEFAULT '',
    ended_at         BIGINT,
    end_reason       TEXT,
    ended_by         TEXT,
    ended_by_session TEXT,
    end_note         TEXT
);
CREATE UNIQUE INDEX sessions_token_hash ON sessions (token_hash);
CREATE INDEX sessions_account_active ON sessions (account_id, ended_at, last_active_at);
CREATE INDEX sessions_active_expiry ON sessions (ended_at, expires_at);
