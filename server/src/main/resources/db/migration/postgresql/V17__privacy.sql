-- Privacy (PRODUCT.md D6, docs/decisions/0049): client addresses are reduced to their network once
-- they are older than lanyard.privacy.ip-retention, and the audit log's oldest entries are removed
-- after lanyard.audit.retention, if set.

-- Audit entries from now on are hashed with version 2 (audit/ChainHash): the hash covers the
-- address's network and a commitment to the full address, SHA-256(ip_salt ‖ ip), so the full address
-- can later be replaced by its network (ip_salt removed) and the chain still verifies. Entries written
-- before keep version 1, whose hash covers the full address: theirs stay until the entry is removed.
ALTER TABLE audit_entries ADD COLUMN hash_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE audit_entries ADD COLUMN ip_commit TEXT;
ALTER TABLE audit_entries ADD COLUMN ip_salt TEXT;
CREATE INDEX audit_entries_ip_kept ON audit_entries (at) WHERE ip_salt IS NOT NULL;

-- Where a team's chain starts once its oldest entries were removed: the last removed entry's seq and
-- hash, which the first remaining entry must follow.
CREATE TABLE audit_anchors (
    team_id  TEXT    NOT NULL PRIMARY KEY,
    seq      BIGINT  NOT NULL,
    hash     TEXT    NOT NULL,
    at       BIGINT  NOT NULL
);

-- What the address reduction looks for, each an index of only the rows still holding a full address.
CREATE INDEX sessions_ip_kept ON sessions (last_active_at) WHERE ip <> '' AND ip NOT LIKE '%/%';
CREATE INDEX session_events_ip_kept ON session_events (at) WHERE kind = 'address-changed' AND detail NOT LIKE '%/%';
CREATE INDEX risk_seen_addresses ON risk_seen (seen_at) WHERE kind = 'address';
