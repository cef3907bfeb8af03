package dev.lanyard.handover;

import java.time.Instant;
import java.util.Optional;

/** Sealed secrets waiting for the page that shows them, each for the browser session that made it. */
interface RevealStore {
    /**
     * Keeps a sealed secret for the page that shows it, and deletes every reveal expired by {@code now}.
     * Not repeatable (one reveal per id).
     */
    void insert(Reveal reveal, Instant now);

    /** Deletes every reveal expired by {@code now}: an unshown secret, sealed as it is, is kept no longer. */
    void deleteExpired(Instant now);

    /**
     * Takes the reveal {@code id} out for the browser session {@code viewer}: returns it and deletes it, once.
     * Empty if there is none with this id for this session, it expired by {@code now}, or another request took
     * it first; so a secret is shown at most once.
     */
    Optional<Reveal> take(String id, String viewer, Instant now);

    /** A secret, sealed under a key the browser that made it holds, for the session that made it. */
    record Reveal(String id, String viewer, String sealed, Instant expiresAt) {
    }
}
