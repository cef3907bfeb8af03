package dev.lanyard.passkeys;

import java.util.List;
import java.util.Objects;

/**
 * Lanyard as a WebAuthn relying party for one ceremony: its id, the origins allowed to answer, and its name.
 * Kept with the ceremony's options, so both steps of a ceremony check against the same values.
 */
public record RelyingParty(String id, List<String> origins, String name) {
    public RelyingParty {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        origins = List.copyOf(origins);
        if (origins.isEmpty()) throw new IllegalArgumentException("at least one origin");
    }
}
