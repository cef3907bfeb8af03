package dev.lanyard.passkeys;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import dev.lanyard.account.AccountId;

/**
 * A passkey as its owner sees it.
 *
 * @param id       the credential id, base64url: public, the authenticator sends it with every assertion
 * @param synced   whether the authenticator says the key is backed up (a synced passkey, BS flag)
 */
public record Passkey(String id, AccountId owner, String name, Instant createdAt, Optional<Instant> lastUsedAt,
                      boolean synced) {
    public Passkey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        lastUsedAt = Objects.requireNonNullElse(lastUsedAt, Optional.empty());
    }

    /** The first characters of the id, enough to tell two passkeys apart in the audit log. */
    public String shortId() {
        return id.length() <= 8 ? id : id.substring(0, 8);
    }
}
