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
     * Keys of {@code owner} whose session is still active at {@code now}: neither ended nor expired and waiting for the
     * sweep. Newest first, after the cursor (created at, id), at most {@code limit}.
     */
    List<ApiKey> active(AccountId owner, Instant now, int limit, Optional<Cursor> after);

    /** Keys of {@code owner} whose session is still active and that hold {@code scope}, oldest first. */
    List<ApiKey> activeWith(AccountId owner, KeyScope scope);

    /** Sets the key's scopes (never none); returns 1, or 0 for no such key. Safe to repeat. */
    int setScopes(SessionId id, java.util.Set<KeyScope> scopes);

    record Cursor(Instant createdAt, String id) {
    }
}
