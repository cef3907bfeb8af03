-- A new API key's secret between the POST that creates it and the one page that shows it (there is no
-- HttpSession, and any node may take the next request). The secret is sealed with AES-256-GCM under a
-- key that only the creating browser holds (a cookie); this row alone cannot be opened, the cookie alone
-- holds no secret. Taken out (deleted) when the page is shown, so it shows once; five minutes at most.
CREATE TABLE api_key_reveals (
    key_id      TEXT    NOT NULL PRIMARY KEY,
    session_id  TEXT    NOT NULL,
    sealed      TEXT    NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX api_key_reveals_expiry ON api_key_reveals (expires_at);
