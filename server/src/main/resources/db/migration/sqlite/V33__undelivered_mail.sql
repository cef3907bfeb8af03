-- Mail given up (decision 73): the team's admins see theirs on /admin/outbox and health names the latest, each read
-- newest first without going through every mail ever sent.
CREATE INDEX mail_outbox_given_up ON mail_outbox (team_id, given_up_at) WHERE given_up_at IS NOT NULL;
