package dev.lanyard.signals;

import java.util.Arrays;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

import dev.lanyard.apps.AppClient;
import dev.lanyard.apps.AppGrants;
import dev.lanyard.apps.Issuers;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.stereotype.Component;

/**
 * Who calls the Shared Signals API: an app's own access token (client credentials, so its subject is
 * the app's client id and it names no session), signed by Lanyard, of one of its issuers ({@link Issuers}) and unexpired, with the scope
 * {@code ssf}, of an app an admin enabled Shared Signals for, and still active in the authorization
 * service: a token revoked (RFC 7009) is refused as introspection calls it inactive. A member's token
 * never is one, whatever its scopes: it carries the member as subject and a session.
 */
@Component
class Receivers {
    static final String SCOPE = "ssf";

    private final JwtDecoder tokens;
    private final AppGrants apps;
    private final StreamStore streams;
    private final OAuth2AuthorizationService authorizations;
    private final Issuers issuers;

    Receivers(JwtDecoder tokens, AppGrants apps, StreamStore streams, OAuth2AuthorizationService authorizations, Issuers issuers) {
        this.tokens = tokens;
        this.issuers = issuers;
        this.apps = apps;
        this.streams = streams;
        this.authorizations = authorizations;
    }

    /** The receiver an {@code Authorization} header proves, or {@link SignalProblem.Unauthorized}. */
    AppClient authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) throw new SignalProblem.Unauthorized();
        String token = authorization.substring(7).strip();
        Jwt jwt;
        try {
            jwt = tokens.decode(token);
        } catch (JwtException | IllegalArgumentException e) {
            throw new SignalProblem.Unauthorized();
        }
        if (!scopes(jwt).contains(SCOPE) || jwt.hasClaim("sid") || jwt.getSubject() == null) throw new SignalProblem.Unauthorized();
        // Its issuer, one Lanyard's tokens carry: not one a forged Host once put in (apps/IssuerHost).
        if (!issuers.issued(jwt.getClaimAsString("iss"))) throw new SignalProblem.Unauthorized();
        AppClient app = apps.byClientId(jwt.getSubject()).orElseThrow(SignalProblem.Unauthorized::new);
        // Lanyard issued an ssf token to this app only while it was a receiver: one that no longer is was switched off since.
        if (!streams.receiver(app.id())) throw SignalProblem.Unauthorized.signalsSwitchedOff();
        if (!active(token, app)) throw new SignalProblem.Unauthorized();
        return app;
    }

    /**
     * The token's scopes: a space-separated string (RFC 9068 §2.2.3), or a JSON array in a token issued before Lanyard wrote
     * them so (Spring's way; such a token lived five minutes at most). Spring's claim conversion would take the string for
     * a single scope.
     */
    static Set<String> scopes(Jwt jwt) {
        Object scope = jwt.getClaims().get("scope");
        if (scope instanceof String spaced) return Arrays.stream(spaced.split(" ")).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        if (scope instanceof Collection<?> each) return each.stream().map(String::valueOf).collect(Collectors.toSet());
        return Set.of();
    }

    /**
     * Whether the authorization service still holds the token, active (not revoked, not expired), in a grant of
     * this app: the lookup introspection makes, from memory on the node that issued the token (which every node
     * forgets when the grant ends, decision 26), otherwise one read.
     */
    private boolean active(String token, AppClient app) {
        OAuth2Authorization grant = authorizations.findByToken(token, OAuth2TokenType.ACCESS_TOKEN);
        if (grant == null || !app.id().equals(grant.getRegisteredClientId())) return false;
        OAuth2Authorization.Token<OAuth2AccessToken> access = grant.getAccessToken();
        return access != null && access.isActive();
    }
}
