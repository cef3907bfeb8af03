-- When a receiver last asked for a verification event on the stream (SSF 1.0 §8.1.4.2): another is
-- refused with 429 until min_verification_interval has passed, so a receiver cannot fill the outbox.
ALTER TABLE ssf_streams ADD COLUMN verification_requested_at BIGINT;
