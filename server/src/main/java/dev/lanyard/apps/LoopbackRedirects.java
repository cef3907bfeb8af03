package dev.lanyard.apps;

import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationValidator;

/**
 * A native app's loopback address on any port (RFC 8252 7.3: the app listens on a port the system gives it each time), as
 * its redirect URI at the authorize endpoint and its return address after RP-initiated logout. Only {@code http} on the
 * loopback IP literals {@code 127.0.0.1} and {@code [::1]}, with no port or one of 1 to 65535 in digits, and otherwise
 * exactly a registered address, character for character. Anything else must be a registered address exactly.
 *
 * <p>Spring's own check at the authorize endpoint compares the two after parsing them, which collapsed a path's slashes
 * ({@code :5555//cb} was taken, and its code sent to {@code :5555/cb}) and took ports 0, 99999 and an empty one (outside
 * review). It still runs after this one, which only narrows what it takes.
 */
final class LoopbackRedirects {
    private static final Consumer<OidcLogoutAuthenticationContext> EXACT = new OidcLogoutAuthenticationValidator();
    /** An http loopback address: what precedes the port, the port (perhaps empty), and everything after it. */
    private static final Pattern LOOPBACK = Pattern.compile("(http://(?:127\\.0\\.0\\.1|\\[::1]))(?::([^/?#]*))?([/?][^#]*)?");

    private LoopbackRedirects() {
    }

    /** RP-initiated logout's return address: a loopback one on any port, otherwise Spring's exact check. */
    static Consumer<OidcLogoutAuthenticationContext> logout() {
        return context -> {
            OidcLogoutAuthenticationToken logout = context.getAuthentication();
            String presented = logout.getPostLogoutRedirectUri();
            if (presented != null && context.getRegisteredClient() != null
                    && matchesAnyPort(presented, context.getRegisteredClient().getPostLogoutRedirectUris())) return;
            EXACT.accept(context);
        };
    }

    /**
     * The authorize endpoint's redirect URI, before Spring's own check: a redirect URI that is no registered one exactly
     * must be a loopback one, on any port, or it is refused as Spring refuses an unregistered one ({@code invalid_request}
     * naming {@code redirect_uri}, with no address to send it to, so Lanyard's page shows it).
     */
    static Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> authorize() {
        return context -> {
            OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
            String asked = request.getRedirectUri();
            Set<String> registered = context.getRegisteredClient().getRedirectUris();
            if (asked == null || asked.isEmpty() || registered.contains(asked) || matchesAnyPort(asked, registered)) return;
            throw new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                    AuthorizeRefusals.SPRINGS + OAuth2ParameterNames.REDIRECT_URI, null),
                    new OAuth2AuthorizationCodeRequestAuthenticationToken(request.getAuthorizationUri(), request.getClientId(),
                            (Authentication) request.getPrincipal(), null, request.getState(), request.getScopes(),
                            request.getAdditionalParameters()));
        };
    }

    /** Lanyard's check of an authorization request's redirect URI: {@link #authorize()}, then Spring's. */
    static Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> redirectUri() {
        return authorize().andThen(OAuth2AuthorizationCodeRequestAuthenticationValidator.DEFAULT_REDIRECT_URI_VALIDATOR);
    }

    /** Whether {@code presented} is a loopback address that is one of {@code registered} but for the port. */
    static boolean matchesAnyPort(String presented, Set<String> registered) {
        String asked = withoutPort(presented);
        if (asked == null) return false;
        for (String each : registered) {
            if (asked.equals(withoutPort(each))) return true;
        }
        return false;
    }

    /**
     * {@code uri} without its port if it is an http address on a loopback IP literal, with no user info or fragment and
     * no port or one of 1 to 65535 in digits; null otherwise.
     */
    private static String withoutPort(String uri) {
        Matcher loopback = LOOPBACK.matcher(uri);
        if (!loopback.matches()) return null;
        if (loopback.group(2) != null && !port(loopback.group(2))) return null;
        return loopback.group(1) + (loopback.group(3) == null ? "" : loopback.group(3));
    }

    /** Whether {@code port} is a TCP port a browser can be sent to: 1 to 65535, in digits. */
    private static boolean port(String port) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) return false;
        int number = Integer.parseInt(port);
        return number >= 1 && number <= 65535;
    }
}
