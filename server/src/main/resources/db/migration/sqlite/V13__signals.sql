-- Shared Signals and back-channel logout (issue 11, D4/D5). Times are UTC epoch milliseconds.

-- Apps an admin allowed to receive Shared Signals: they may get tokens with the scope ssf
-- (client credentials) and manage streams.
CREATE TABLE ssf_receivers (
    app_id     TEXT   NOT NULL PRIMARY KEY REFERENCES oauth_clients (id) ON DELETE CASCADE,
    team_id    TEXT   NOT NULL,
    enabled_by TEXT   NOT NULL,
    enabled_at INTEGER NOT NULL
);

-- A receiver's streams (SSF 1.0). config is the stream configuration as JSON: events requested,
-- delivery method and endpoint, description. The push authorization header is what the receiver
-- gave Lanyard to present to it: it is kept as given (Lanyard must send it), in its own column.
CREATE TABLE ssf_streams (
    id                   TEXT   NOT NULL PRIMARY KEY,
    app_id               TEXT   NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    team_id              TEXT   NOT NULL,
    config               TEXT   NOT NULL,
    push_authorization   TEXT,
    status               TEXT   NOT NULL,
    status_reason        TEXT   NOT NULL DEFAULT '',
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    last_delivery_at     INTEGER,
    last_error           TEXT
);
CREATE INDEX ssf_streams_app ON ssf_streams (app_id);
CREATE INDEX ssf_streams_team ON ssf_streams (team_id);

-- The outbox of signals: a SET for a stream, or a logout token for a client's back-channel logout URI.
-- A row is written in the transaction of the change it tells about and delivered after the commit:
-- pushed (with retries and a doubling delay), or handed out by poll until the receiver acknowledges it.
-- claims holds the token's claims (JSON) until it is delivered or given up, then is erased.
CREATE TABLE signal_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT    NOT NULL,
    stream_id       TEXT,
    app_id          TEXT    NOT NULL,
    target          TEXT    NOT NULL DEFAULT '',
    jti             TEXT    NOT NULL,
    claims          TEXT    NOT NULL,
    created_at      INTEGER  NOT NULL,
    next_attempt_at INTEGER  NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    claim           TEXT,
    claimed_until   INTEGER,
    delivered_at    INTEGER,
    given_up_at     INTEGER
);
CREATE UNIQUE INDEX signal_outbox_jti ON signal_outbox (jti);
-- The push drainer's question: what is due and unfinished (poll streams' rows have kind 'poll').
CREATE INDEX signal_outbox_due ON signal_outbox (next_attempt_at) WHERE delivered_at IS NULL AND given_up_at IS NULL AND kind <> 'poll';
-- A poll and a stream's queue length.
CREATE INDEX signal_outbox_stream ON signal_outbox (stream_id, id) WHERE delivered_at IS NULL AND given_up_at IS NULL;
