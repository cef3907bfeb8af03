package dev.lanyard.signals;

import java.util.List;

import dev.lanyard.apps.AppClient;
import dev.lanyard.apps.AppGrants;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.stereotype.Component;

/**
 * Who calls the Shared Signals API: an app's own access token (client credentials, so its subject is
 * the app's client id and it names no session), signed by Lanyard and unexpired, with the scope
 * {@code ssf}, of an app an admin enabled Shared Signals for. A member's token never is one, whatever
 * its scopes: it carries the member as subject and a session.
 */
@Component
class Receivers {
    static final String SCOPE = "ssf";

    private final JwtDecoder tokens;
    private final AppGrants apps;
    private final StreamStore streams;

    Receivers(JwtDecoder tokens, AppGrants apps, StreamStore streams) {
        this.tokens = tokens;
        this.apps = apps;
        this.streams = streams;
    }

    /** The receiver an {@code Authorization} header proves, or {@link SignalProblem.Unauthorized}. */
    AppClient authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) throw new SignalProblem.Unauthorized();
        Jwt jwt;
        try {
            jwt = tokens.decode(authorization.substring(7).strip());
        } catch (JwtException | IllegalArgumentException e) {
            throw new SignalProblem.Unauthorized();
        }
        List<String> scopes = jwt.getClaimAsStringList("scope");
        if (scopes == null || !scopes.contains(SCOPE) || jwt.hasClaim("sid") || jwt.getSubject() == null) throw new SignalProblem.Unauthorized();
        AppClient app = apps.byClientId(jwt.getSubject()).orElseThrow(SignalProblem.Unauthorized::new);
        if (!streams.receiver(app.id())) throw new SignalProblem.Unauthorized();
        return app;
    }
}
