-- The audit log (PRODUCT.md T6): one hash chain per team, see docs/decisions/0010-audit-log.md.
-- Rows are only ever inserted. No foreign keys: entries outlive the accounts, sessions and
-- teams they name, and must never block their removal.
CREATE TABLE audit_entries (
    team_id          TEXT    NOT NULL,
    seq              BIGINT  NOT NULL,
    at               BIGINT  NOT NULL,
    actor_id         TEXT,
    actor_email      TEXT    NOT NULL DEFAULT '',
    actor_name       TEXT    NOT NULL DEFAULT '',
    actor_session_id TEXT,
    subject_id       TEXT,
    session_id       TEXT,
    action           TEXT    NOT NULL,
    detail           TEXT    NOT NULL,
    ip               TEXT,
    prev_hash        TEXT    NOT NULL,
    hash             TEXT    NOT NULL,
    PRIMARY KEY (team_id, seq)
);
-- One index per filter, each ending in seq so that a page is one range scan in seq order.
CREATE INDEX audit_entries_actor ON audit_entries (team_id, actor_id, seq);
CREATE INDEX audit_entries_actor_email ON audit_entries (team_id, actor_email, seq);
CREATE INDEX audit_entries_subject ON audit_entries (team_id, subject_id, seq);
CREATE INDEX audit_entries_action ON audit_entries (team_id, action, seq);
CREATE INDEX audit_entries_at ON audit_entries (team_id, at, seq);

-- The newest entry of each team's chain, moved with an optimistic compare on seq.
CREATE TABLE audit_heads (
    team_id  TEXT    NOT NULL PRIMARY KEY,
    seq      BIGINT  NOT NULL,
    hash     TEXT    NOT NULL,
    at       BIGINT  NOT NULL
);
