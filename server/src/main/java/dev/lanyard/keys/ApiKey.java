package dev.lanyard.keys;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.account.AccountId;
import dev.lanyard.session.SessionId;

/**
 * An API key as stored: it is the session {@link #id()}, and what lists show of it ({@link #shown()}:
 * {@code lyk_} and 8 characters, never the secret).
 */
public record ApiKey(SessionId id, AccountId owner, String name, String shown, Set<KeyScope> scopes, Instant createdAt,
                     Optional<Instant> expiresAt) {
    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shown, "shown");
        Objects.requireNonNull(createdAt, "createdAt");
        scopes = Set.copyOf(scopes);
        expiresAt = Objects.requireNonNullElse(expiresAt, Optional.empty());
    }
}
