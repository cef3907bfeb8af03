-- V29 left email_verified_at unknown (NULL) for every account made before it, also for those whose holder had just
-- confirmed a sign-up by its mailed link (V27, the same day): such a link, used, made the account's team with this
-- email as its admin, so its holder read mail at that address when the sign-up was used (review AM). Invitations and
-- password resets from before V29 stay unknown: the outbox kept no sign of whether their link went by mail.
UPDATE accounts SET email_verified_at = (
    SELECT MIN(s.used_at) FROM sign_ups s
     WHERE s.email = accounts.email AND s.team_id = accounts.team_id AND s.used_at IS NOT NULL)
 WHERE email_verified_at IS NULL
   AND EXISTS (SELECT 1 FROM sign_ups s
                WHERE s.email = accounts.email AND s.team_id = accounts.team_id AND s.used_at IS NOT NULL);
