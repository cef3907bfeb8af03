package dev.lanyard.apps;

import java.net.URI;
import java.util.Set;
import java.util.function.Consumer;

import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationValidator;

/**
 * A native app's loopback address after RP-initiated logout, on any port, as the authorize endpoint takes its redirect
 * URI (RFC 8252 7.3: the app listens on a port the system gives it each time). Only {@code http} on the loopback IP
 * literals {@code 127.0.0.1} and {@code [::1]}, whose scheme, host, path and query match a registered address; anything
 * else goes to Spring's exact check.
 */
final class LoopbackLogout {
    private static final Consumer<OidcLogoutAuthenticationContext> EXACT = new OidcLogoutAuthenticationValidator();

    private LoopbackLogout() {
    }

    static Consumer<OidcLogoutAuthenticationContext> validator() {
        return context -> {
            OidcLogoutAuthenticationToken logout = context.getAuthentication();
            String presented = logout.getPostLogoutRedirectUri();
            if (presented != null && context.getRegisteredClient() != null
                    && matchesAnyPort(presented, context.getRegisteredClient().getPostLogoutRedirectUris())) return;
            EXACT.accept(context);
        };
    }

    static boolean matchesAnyPort(String presented, Set<String> registered) {
        URI asked = loopback(presented);
        if (asked == null) return false;
        for (String each : registered) {
            URI known = loopback(each);
            if (known != null && known.getHost().equals(asked.getHost()) && same(known.getRawPath(), asked.getRawPath())
                    && same(known.getRawQuery(), asked.getRawQuery())) return true;
        }
        return false;
    }

    /** {@code uri} if it is an http URI on a loopback IP literal without user info or fragment, else null. */
    private static URI loopback(String uri) {
        try {
            URI parsed = new URI(uri);
            if (!"http".equals(parsed.getScheme()) || parsed.getRawUserInfo() != null || parsed.getRawFragment() != null) return null;
            return "127.0.0.1".equals(parsed.getHost()) || "[::1]".equals(parsed.getHost()) ? parsed : null;
        } catch (java.net.URISyntaxException unparsable) {
            return null;
        }
    }

    private static boolean same(String a, String b) {
        return (a == null || a.isEmpty()) ? (b == null || b.isEmpty()) : a.equals(b);
    }
}
