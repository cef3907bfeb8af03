package dev.lanyard.keys;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.session.SessionId;

/** API keys' own facts; whether a key is active is its session's business. */
interface ApiKeyStore {
    /** Inserts a new key. Not repeatable (the id is its new session's). */
    void insert(ApiKey key);

    /** The key with this id, whoever owns it. */
    Optional<ApiKey> find(SessionId id);

    /** The keys among {@code ids}, whoever owns them, in one statement (no order); ids of other sessions are left out. */
    List<ApiKey> find(java.util.Collection<SessionId> ids);

    /**
     * Keys of {@code owner} whose session is still active, newest first, after the cursor
     * (created at, id), at most {@code limit}.
     */
    List<ApiKey> active(AccountId owner, int limit, Optional<Cursor> after);

    record Cursor(Instant createdAt, String id) {
    }

    /**
     * Keeps a new key's sealed secret for the page that shows it, and deletes every reveal expired by
     * {@code now}. Not repeatable (one reveal per key).
     */
    void insertReveal(Reveal reveal, Instant now);

    /** Deletes every reveal expired by {@code now}: an unshown secret, sealed as it is, is kept no longer. */
    void deleteExpiredReveals(Instant now);

    /**
     * Takes the reveal of {@code key} out for the browser session {@code viewer}: returns it and deletes it,
     * once. Empty if there is none for this key and session, it expired by {@code now}, or another request
     * took it first; so a secret is shown at most once.
     */
    Optional<Reveal> takeReveal(SessionId key, SessionId viewer, Instant now);

    /** A new key's secret, sealed under a key its creating browser holds, for the session that created it. */
    record Reveal(SessionId key, SessionId viewer, String sealed, Instant expiresAt) {
    }
}
