-- Team membership (PRODUCT.md T1, T5).
ALTER TABLE teams ADD COLUMN members_see_sessions BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE accounts ADD COLUMN removed_at BIGINT;

-- A removed member's email may join a team again.
DROP INDEX accounts_email;
CREATE UNIQUE INDEX accounts_email ON accounts (email) WHERE removed_at IS NULL;
CREATE INDEX accounts_team_email ON accounts (team_id, email);

CREATE TABLE invitations (
    id           TEXT   NOT NULL PRIMARY KEY,
    team_id      TEXT   NOT NULL REFERENCES teams (id),
    email        TEXT   NOT NULL,
    role         TEXT   NOT NULL,
    token_hash   TEXT   NOT NULL,
    invited_by   TEXT   NOT NULL REFERENCES accounts (id),
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    accepted_at  BIGINT,
    cancelled_at BIGINT
);
CREATE UNIQUE INDEX invitations_token ON invitations (token_hash);
CREATE INDEX invitations_team ON invitations (team_id, created_at);

-- Mail kept for the developer when no SMTP server is configured.
CREATE TABLE outbox (
    id         BIGSERIAL PRIMARY KEY,
    team_id    TEXT   NOT NULL,
    recipient  TEXT   NOT NULL,
    subject    TEXT   NOT NULL,
    body       TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX outbox_team ON outbox (team_id, id);
