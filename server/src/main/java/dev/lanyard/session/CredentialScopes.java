package dev.lanyard.session;

import java.util.Optional;
import java.util.Set;

/**
 * What an API key may do, asked once when its session is loaded into the validation cache (the
 * keys module answers). A key with no answer may do nothing.
 */
public interface CredentialScopes {
    /** The scopes of the key that is session {@code id}, if it is one. */
    Optional<Set<String>> of(SessionId id);
}
