-- Hashes of the ID tokens a grant issued before its newest (oauth_authorizations.id_token_hash), the last 20 of
-- each grant: RP-initiated logout takes any ID token the grant issued as its id_token_hint, not only the newest
-- (RP-Initiated Logout 1.0 section 4; docs/decisions/0052, "earlier ID tokens"). Deleted with their grant.
CREATE TABLE oauth_earlier_id_tokens (
    token_hash       TEXT    NOT NULL PRIMARY KEY,
    authorization_id TEXT    NOT NULL,
    replaced_at      INTEGER NOT NULL
);
CREATE INDEX oauth_earlier_id_tokens_grant ON oauth_earlier_id_tokens (authorization_id, replaced_at);
