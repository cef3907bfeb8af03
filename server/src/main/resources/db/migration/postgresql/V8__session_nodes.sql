-- Nodes that serve session checks from their cache (decision 0021), PostgreSQL only: SQLite has one node.
-- A node writes its row when it starts listening for endings and renews trusted_until while it listens;
-- a node that ends a session waits, after the commit, until every other node with a lease has dropped it.
CREATE TABLE session_nodes (
    node               TEXT        NOT NULL PRIMARY KEY,
    -- Taken just after LISTEN: an ending committed before it may have been missed, and was cleared for.
    listening_snapshot pg_snapshot NOT NULL,
    trusted_until      TIMESTAMPTZ NOT NULL,
    -- The listening connection's backend, to find it in pg_stat_activity.
    backend_pid        INTEGER     NOT NULL
);
