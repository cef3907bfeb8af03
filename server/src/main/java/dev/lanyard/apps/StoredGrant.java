package dev.lanyard.apps;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An authorization (grant) as stored: whose, for which app, the Lanyard session it lives in, the
 * hashes of its state and tokens (never the tokens), and a JSON body with what is no secret.
 */
record StoredGrant(String id, String clientId, String accountId, Optional<String> sessionId, Optional<String> sessionKey,
                   Optional<String> stateHash, Optional<String> codeHash, Optional<String> accessHash,
                   Optional<String> refreshHash, Optional<String> idTokenHash, String body, Instant createdAt,
                   Instant updatedAt) {
    StoredGrant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(body, "body");
    }
}
