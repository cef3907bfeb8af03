-- A sign-out of a whole team, recorded as started in the transaction that checks the admin, so that one cut short by a
-- crash is finished after it: at the next start, or by the sweep of any node once the claim of the node that ran it has
-- run out (claimed_until, renewed by each batch). ended counts the sessions ended so far, in each batch's transaction;
-- kept_session_id is the admin's own sign-in, which stays (none when an API key asked). A finished row is kept until
-- the history retention purges it; the audit log holds the admin's action.
CREATE TABLE team_sign_outs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id          TEXT    NOT NULL REFERENCES teams (id),
    admin_id         TEXT    NOT NULL,
    admin_session_id TEXT    NOT NULL,
    kept_session_id  TEXT,
    reason           TEXT    NOT NULL,
    started_at       INTEGER NOT NULL,
    ended            INTEGER NOT NULL DEFAULT 0,
    claimed_until    INTEGER NOT NULL,
    finished_at      INTEGER
);
CREATE INDEX team_sign_outs_unfinished ON team_sign_outs (claimed_until) WHERE finished_at IS NULL;
