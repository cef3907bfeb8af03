package dev.lanyard.keys;

import java.time.Instant;

import dev.lanyard.account.AccountId;
import dev.lanyard.session.SessionId;

/**
 * What happened to API keys. Published inside the transaction that made the change. A key's end
 * is its session's ending ({@code SessionsEnded}): whoever ends it, it ends one way.
 */
public sealed interface ApiKeyEvent {
    record Created(ApiKey key, AccountId by, SessionId fromSession, Instant at) implements ApiKeyEvent {
    }

    /**
     * The admin scope taken from a key whose owner is no longer an admin ({@code key} as it was, {@code now} the scopes it
     * keeps), with the change of role {@code by} made; {@code by} empty: found by the regular check of keys whose owner was
     * made a member by an earlier build, which left the scope ({@code AdminScopes}).
     */
    record AdminScopeRemoved(ApiKey key, java.util.Set<KeyScope> now, java.util.Optional<AccountId> by, Instant at)
            implements ApiKeyEvent {
        public AdminScopeRemoved {
            now = java.util.Set.copyOf(now);
            by = java.util.Objects.requireNonNullElse(by, java.util.Optional.empty());
        }
    }
}
