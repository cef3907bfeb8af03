-- Push and logout signals are claimed oldest first (by id), and none of a stream while one of its signals waits for its
-- retry, so that a stream's SETs go out in the order they were made (decision 84). The first index holds what is still
-- to push, read in id order without stepping over the delivered rows; the second only the signals that failed and wait,
-- which each claim reads whole to know the streams held.
CREATE INDEX signal_outbox_unfinished ON signal_outbox (id) WHERE delivered_at IS NULL AND given_up_at IS NULL AND kind <> 'poll';
CREATE INDEX signal_outbox_failing ON signal_outbox (stream_id, next_attempt_at)
    WHERE delivered_at IS NULL AND given_up_at IS NULL AND kind <> 'poll' AND last_error IS NOT NULL;
