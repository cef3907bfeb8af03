package dev.lanyard.apps;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Token signing keys, shared by every node through the database. */
interface SigningKeyStore {
    record StoredKey(String kid, String jwk, Instant createdAt, Optional<Instant> retiredAt) {
    }

    /** Adds a key; returns false if the kid exists. Safe to repeat. */
    boolean add(StoredKey key);

    /** Keys not retired, or retired after {@code publishedSince}: newest first. */
    List<StoredKey> published(Instant publishedSince);

    /**
     * Retires the key {@code kid} at {@code at} if it is still active: 1 if this call retired it, 0 if it
     * was retired already (by another node's rotation, which this call then must not repeat).
     */
    int retire(String kid, Instant at);

    /** Marks every active key but {@code keep} retired at {@code at}; returns how many. Safe to repeat. */
    int retireAllBut(String keep, Instant at);
}
