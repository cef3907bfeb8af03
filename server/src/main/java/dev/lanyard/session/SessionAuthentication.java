package dev.lanyard.session;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A request authenticated by a Lanyard session; its principal is the {@link CurrentSession}. */
final class SessionAuthentication extends AbstractAuthenticationToken {
    private final CurrentSession session;
    private final boolean cookie;

    /** @param cookie whether the session's token came in the session cookie (a browser), not as a bearer token */
    SessionAuthentication(CurrentSession session, boolean cookie) {
        super(List.of(new SimpleGrantedAuthority("ROLE_" + session.account().role().name())));
        this.session = session;
        this.cookie = cookie;
        setAuthenticated(true);
    }

    /** Whether the session's token came in the session cookie, as a browser sends it. */
    boolean cookie() {
        return cookie;
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
