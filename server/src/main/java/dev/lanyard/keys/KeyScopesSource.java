package dev.lanyard.keys;

import java.util.Optional;
import java.util.Set;

import dev.lanyard.session.CredentialScopes;
import dev.lanyard.session.SessionId;
import org.springframework.stereotype.Component;

/** Tells the validation cache what a key may do; asked once per load, never per request. */
@Component
class KeyScopesSource implements CredentialScopes {
    private final ApiKeyStore store;

    KeyScopesSource(ApiKeyStore store) {
        this.store = store;
    }

    @Override
    public Optional<Set<String>> of(SessionId id) {
        return store.find(id).map(k -> k.scopes().stream().map(KeyScope::code)
                .collect(java.util.stream.Collectors.toUnmodifiableSet()));
    }
}
