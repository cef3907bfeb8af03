package dev.lanyard.session;

import java.time.Instant;
import java.util.Optional;

/** The keys device-bound sessions are bound to (PRODUCT.md V6), and what their refreshes need. */
interface DeviceBindingStore {

    /**
     * A session's binding: its key, the secret its challenges are made with, and the time of the last
     * challenge it answered.
     */
    record Binding(SessionId session, DeviceProof.BoundKey key, String secret, long lastAnswered) {
    }

    /**
     * Binds an active session that is not bound yet and started at or after {@code signedInSince} to
     * {@code key}, and replaces its token with the one whose hash is {@code tokenHash}, accepted until
     * {@code until}. Returns 1, or 0 if the session is ended, unknown, an API key, already bound or older
     * (the caller's transaction must then roll back).
     */
    int bind(SessionId id, DeviceProof.BoundKey key, String secret, String tokenHash, Instant until, Instant at,
             Instant signedInSince);

    /** The binding of a session that is still active; empty for one that ended or was never bound. */
    Optional<Binding> findActive(SessionId id);

    /** The binding of a session, ended or not (until the session's row is deleted). */
    Optional<Binding> find(SessionId id);

    /**
     * Records that the challenge made at {@code challengedAt} (epoch milliseconds) was answered, if no later
     * or equal one was, and replaces the still active session's token as {@link #bind} does. Returns 1, or 0
     * if nothing changed. Safe to repeat: a challenge answers once.
     */
    int refresh(SessionId id, long challengedAt, String tokenHash, Instant until, Instant at);
}
