-- A team's concurrent session limit (PRODUCT.md L5, docs/decisions/0048): at most session_limit sign-ins
-- per member at once, 0 for no limit; at the limit the member's oldest sign-in ends (refuse_at_limit = 0)
-- or the new sign-in is refused (1).
ALTER TABLE teams ADD COLUMN session_limit INTEGER NOT NULL DEFAULT 0;
ALTER TABLE teams ADD COLUMN refuse_at_limit INTEGER NOT NULL DEFAULT 0;
-- A member's own limit, which replaces the team's for them: NULL for the team's, 0 for none.
ALTER TABLE accounts ADD COLUMN session_limit INTEGER;
-- A high-security account (PRODUCT.md L3): "Remember me" is not allowed for this member, whatever the team allows.
ALTER TABLE accounts ADD COLUMN remember_me_forbidden INTEGER NOT NULL DEFAULT 0;
