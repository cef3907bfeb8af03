-- A session's last page kept the path of a "this wasn't me" or invitation link opened while signed in,
-- and with it the link's token: a credential readable wherever the session is shown (the API with a
-- sessions:read key, an admin's view of the member). Such paths are now kept as /not-me/[redacted]
-- and /invite/[redacted] (account.LinkTokens); the ones already kept are redacted here.
UPDATE sessions SET last_page = '/not-me/[redacted]' WHERE last_page LIKE '/not-me/%' AND last_page <> '/not-me/[redacted]';
UPDATE sessions SET last_page = '/invite/[redacted]' WHERE last_page LIKE '/invite/%' AND last_page <> '/invite/[redacted]';
