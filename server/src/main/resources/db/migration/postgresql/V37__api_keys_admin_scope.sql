-- The admin scope follows a key's owner's role down (decision 0018, last bullet). Keys whose owner was made a member
-- before a change of role took the scope from them are found by a regular check (keys/AdminScopes), which reads this
-- index of the keys that hold the admin scope, a few of the team's admins' keys, rather than every key: one query that
-- finds nothing, every sweep interval, on every node. The check's query repeats this condition word for word, so that
-- SQLite, which proves a partial index usable only from the same expression, takes it.
CREATE INDEX api_keys_admin_scope ON api_keys (created_at, session_id) WHERE ' ' || scopes || ' ' LIKE '% admin %';
