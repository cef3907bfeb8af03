-- API keys (issue 9, PRODUCT.md A1; decision 0018). Every key IS a session row (app type API) whose
-- token is the key's secret, so the validation cache, Sessions.finish and the two-node
-- notification serve keys unchanged. A key's own facts live in api_keys, keyed by that session.
ALTER TABLE sessions ADD COLUMN api_key BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE api_keys (
    session_id  TEXT    NOT NULL PRIMARY KEY,
    account_id  TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    prefix      TEXT    NOT NULL,
    scopes      TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT
);
CREATE INDEX api_keys_account ON api_keys (account_id, created_at);

-- Requests per session and hour (the start of the hour, epoch ms), written in batches by the
-- activity flush; kept for API keys only.
CREATE TABLE session_hourly_requests (
    session_id  TEXT    NOT NULL,
    hour        BIGINT  NOT NULL,
    requests    BIGINT  NOT NULL,
    PRIMARY KEY (session_id, hour)
);
