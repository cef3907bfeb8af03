-- Issue 12: the expiry sweep (every minute, on every node) reads only the sessions that expired,
-- through one small index per way of expiring, instead of every active session (a million at scale).
-- JdbcSessionStore.expired repeats "ended_at IS NULL" inside each OR branch so that SQLite, which
-- keeps no statistics, picks these (MULTI-INDEX OR) rather than an index on ended_at.
DROP INDEX sessions_active_expiry;
CREATE INDEX sessions_lifetime_deadline ON sessions (expires_at) WHERE ended_at IS NULL;
CREATE INDEX sessions_idle_deadline ON sessions ((last_active_at + idle_timeout_ms))
    WHERE ended_at IS NULL AND idle_timeout_ms > 0;
-- Only ended sessions are looked up by ended_at (the purge of old history): the active million
-- no longer sit in this index, and an "ended_at IS NULL" lookup can no longer take it.
DROP INDEX sessions_ended;
CREATE INDEX sessions_ended ON sessions (ended_at) WHERE ended_at IS NOT NULL;
