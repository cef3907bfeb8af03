package dev.lanyard.apps;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/** A member's consent to an app ({@link AppClient#id()}): the scopes they allowed, and when. */
public record Consent(String clientId, String accountId, Set<String> scopes, Instant consentedAt) {
    public Consent {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(accountId, "accountId");
        scopes = Set.copyOf(scopes);
        Objects.requireNonNull(consentedAt, "consentedAt");
    }
}
