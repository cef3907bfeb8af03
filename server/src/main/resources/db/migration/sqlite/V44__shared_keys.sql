-- Random keys that every node of a cluster shares, by name, made once by whichever node needs one first
-- (INSERT ... ON CONFLICT DO NOTHING, then read back). "session-cursors" seals the session lists' page cursors, whose
-- parts name sessions (session.SealedCursors). secret is base64 of 32 random bytes; a key is never changed.
CREATE TABLE shared_keys (
    name       TEXT    PRIMARY KEY,
    secret     TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
