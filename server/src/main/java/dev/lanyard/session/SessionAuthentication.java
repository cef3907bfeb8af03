package dev.lanyard.session;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A request authenticated by a Lanyard session; its principal is the {@link CurrentSession}. */
final class SessionAuthentication extends AbstractAuthenticationToken {
    private final CurrentSession session;

    SessionAuthentication(CurrentSession session) {
        super(List.of(new SimpleGrantedAuthority("ROLE_" + session.account().role().name())));
        this.session = session;
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public CurrentSession getPrincipal() {
        return session;
    }

    @Override
    public String getName() {
        return session.account().id().value();
    }
}
