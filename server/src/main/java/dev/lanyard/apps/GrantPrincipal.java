package dev.lanyard.apps;

import java.util.List;
import java.util.Optional;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The member behind a stored grant: their account id, and the browser session that authorized
 * the app (its device names the grant's session).
 */
final class GrantPrincipal extends AbstractAuthenticationToken {
    private final String accountId;
    private final Optional<String> browserSession;

    GrantPrincipal(String accountId, Optional<String> browserSession) {
        super(List.of(new SimpleGrantedAuthority("ROLE_MEMBER")));
        this.accountId = accountId;
        this.browserSession = browserSession;
        setAuthenticated(true);
    }

    Optional<String> browserSession() {
        return browserSession;
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Object getPrincipal() {
        return accountId;
    }

    @Override
    public String getName() {
        return accountId;
    }
}
