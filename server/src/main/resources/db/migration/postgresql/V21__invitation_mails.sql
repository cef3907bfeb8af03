-- Each invitation mail a team sent (an invitation or a resend), kept for a day: a team sends at most
-- lanyard.mail.invitations-per-day of them in any 24 hours. Anyone can sign up and run a team, and an
-- invitation carries its admin's name and team name from Lanyard's own sender.
CREATE TABLE invitation_mails (
    team_id TEXT   NOT NULL,
    sent_at BIGINT NOT NULL
);
CREATE INDEX invitation_mails_team ON invitation_mails (team_id, sent_at);
