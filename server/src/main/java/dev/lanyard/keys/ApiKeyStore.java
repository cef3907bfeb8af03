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

    /**
     * Active keys that hold the admin scope though their owner is not an admin of their team, oldest first, at most
     * {@code limit}: keys whose owner was made a member before a change of role took the scope ({@link AdminScopes}). One
     * statement through the index of the keys that hold the admin scope (V37), whatever the number of keys.
     */
    List<ApiKey> adminScopeWithoutAdmin(int limit);

    /**
     * Sets the key's scopes to {@code left} (never none), without admin, if it still holds the admin scope and its owner is
     * not an admin; returns 1, or 0 if not (another node took it first, the owner is an admin again, no such key). Safe to
     * repeat, and on several nodes at once.
     */
    int removeAdminScope(SessionId id, java.util.Set<KeyScope> left);

    record Cursor(Instant createdAt, String id) {
    }
}
