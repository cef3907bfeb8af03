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
     * keeps), with the change of role {@code by} made.
     */
    record AdminScopeRemoved(ApiKey key, java.util.Set<KeyScope> now, AccountId by, Instant at) implements ApiKeyEvent {
        public AdminScopeRemoved {
            now = java.util.Set.copyOf(now);
        }
    }
}
