-- Teams take turns in a claim of the signal outbox (decision 87). A row now names the team whose turn it takes, written
-- when it is added: its app's team. Rows from before take it from their app, or, for an app deleted since, the app's own
-- id, as the claim did until now. The claim finds the teams with unfinished push or logout signals by stepping through
-- this index one team at a time, and reads only each team's first few due signals in id order, however many it has,
-- where it read and ranked every due signal.
ALTER TABLE signal_outbox ADD COLUMN team_id TEXT NOT NULL DEFAULT '';
UPDATE signal_outbox SET team_id = COALESCE((SELECT team_id FROM oauth_clients WHERE oauth_clients.id = signal_outbox.app_id),
    signal_outbox.app_id);
CREATE INDEX signal_outbox_team ON signal_outbox (team_id, id) WHERE delivered_at IS NULL AND given_up_at IS NULL AND kind <> 'poll';
-- The same rows by id alone and by due time: no claim reads them now, and while the table's statistics still say it holds
-- no unfinished rows (during a burst, until it is analysed), PostgreSQL took the one by due time for the claim's steps,
-- reading every due row. The backlog's count reads the index above as well.
DROP INDEX signal_outbox_unfinished;
DROP INDEX signal_outbox_due;
