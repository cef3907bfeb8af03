-- V23's api_key_reveals, made the one place for every secret shown once after a redirect: a new API key's
-- secret (under the key's id) and a member's new recovery codes (under rc_ and 128 random bits). Sealed
-- with AES-256-GCM under a key only the browser that made it holds (a cookie); taken out (deleted) when the
-- page shows it; five minutes at most. Renamed, not recreated, so a secret waiting during the upgrade is kept.
ALTER TABLE api_key_reveals RENAME TO secret_reveals;
ALTER TABLE secret_reveals RENAME COLUMN key_id TO reveal_id;
DROP INDEX api_key_reveals_expiry;
CREATE INDEX secret_reveals_expiry ON secret_reveals (expires_at);
