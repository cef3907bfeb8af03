-- Push and logout signals are claimed oldest first (by id), so that a stream's SETs go out in the order they were made
-- (decision 84). Only what is still to push is indexed: a claim reads the next rows in id order without stepping over
-- the delivered ones.
CREATE INDEX signal_outbox_unfinished ON signal_outbox (id) WHERE delivered_at IS NULL AND given_up_at IS NULL AND kind <> 'poll';
