-- Suspicious sessions and sign-in alerts (issue 10, V3 and V5; docs/decisions/0024).

-- A session's flags, as the risk assessment left them: its highest concern (0 none, 1 low,
-- 2 medium, 3 high), which the "Flagged" filter reads, and the flags themselves, one a line
-- (code, level, reason separated by tabs).
ALTER TABLE sessions ADD COLUMN concern INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN flags TEXT NOT NULL DEFAULT '';

-- What each account has been seen with: devices (browser family|os|type), countries, addresses,
-- places (latitude,longitude,country). A sign-in's assessment reads the few rows it asks about in
-- one indexed query and writes what it saw in one upsert.
CREATE TABLE risk_seen (
    account_id TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    seen_at    BIGINT  NOT NULL,
    PRIMARY KEY (account_id, kind, value)
);
CREATE INDEX risk_seen_latest ON risk_seen (account_id, kind, seen_at);

-- What the sessions before this version had seen, so none of it counts as new.
INSERT INTO risk_seen (account_id, kind, value, seen_at)
SELECT account_id, 'account', '', MAX(created_at) FROM sessions WHERE api_key = FALSE AND app_type <> 'OAUTH' GROUP BY account_id;
INSERT INTO risk_seen (account_id, kind, value, seen_at)
SELECT account_id, 'device', lower(browser) || '|' || lower(os) || '|' || device_type, MAX(created_at)
FROM sessions WHERE api_key = FALSE AND app_type <> 'OAUTH' GROUP BY account_id, lower(browser) || '|' || lower(os) || '|' || device_type;
INSERT INTO risk_seen (account_id, kind, value, seen_at)
SELECT account_id, 'country', country_code, MAX(created_at)
FROM sessions WHERE api_key = FALSE AND country_code <> '' GROUP BY account_id, country_code;
INSERT INTO risk_seen (account_id, kind, value, seen_at)
SELECT account_id, 'address', ip, MAX(created_at)
FROM sessions WHERE api_key = FALSE AND ip <> '' GROUP BY account_id, ip;

-- "Email me when a new device signs in": a row only when the member turned it off or on again.
CREATE TABLE alert_settings (
    account_id        TEXT    NOT NULL PRIMARY KEY,
    new_device_emails BOOLEAN NOT NULL
);

-- "This wasn't me" links of sign-in alerts: only the SHA-256 of the token is kept. The link ends
-- its session once (used_at), then may end the member's other sessions once (all_at).
CREATE TABLE alert_links (
    token_hash TEXT    NOT NULL PRIMARY KEY,
    session_id TEXT    NOT NULL,
    account_id TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    used_at    BIGINT ,
    all_at     BIGINT 
);
CREATE INDEX alert_links_expiry ON alert_links (expires_at);
