-- Team session policy (PRODUCT.md L2, L3). idle_timeout_ms = 0 means never.
ALTER TABLE teams ADD COLUMN idle_timeout_ms BIGINT NOT NULL DEFAULT 604800000;
ALTER TABLE teams ADD COLUMN allow_remember_me BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE teams ADD COLUMN remembered_days INTEGER NOT NULL DEFAULT 30;
ALTER TABLE teams ADD COLUMN lifetime_days INTEGER NOT NULL DEFAULT 7;

-- A session's own activity timeline (PRODUCT.md S3).
CREATE TABLE session_events (
    id          BIGSERIAL PRIMARY KEY,
    session_id  TEXT   NOT NULL REFERENCES sessions (id),
    at          BIGINT NOT NULL,
    kind        TEXT   NOT NULL,
    detail      TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX session_events_session ON session_events (session_id, at);

CREATE INDEX sessions_ended ON sessions (ended_at);
