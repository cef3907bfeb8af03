package dev.lanyard.signals;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.lanyard.apps.Issuers;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.stereotype.Component;

/**
 * Lanyard as a transmitter: its issuer, and the tokens it signs with the keys of the JWKS (the
 * authorization server's signing key, named by {@code kid}): SETs ({@code typ} {@code secevent+jwt},
 * RFC 8417) and back-channel logout tokens ({@code typ} {@code logout+jwt}).
 *
 * <p>The issuer is the OpenID Connect issuer, so a receiver knows one issuer for Lanyard (outside review: without a
 * public URL, discovery reached at {@code http://127.0.0.1:8080} named that address and the SSF configuration
 * {@code http://localhost:8080}): {@code lanyard.signals.issuer} when set, else the configured issuer, else each
 * request's own ({@link Issuers#of}). A SET is written where no request of its receiver is (another member's request, a
 * background sweep), so it names the issuer its stream was configured at ({@link Stream.Config#issuer}); a stream from
 * before that was kept, and anything without a request or stream, names {@code lanyard.mail.base-url}.
 */
@Component
class Transmitter {
    /** A logout token lives two minutes from when it is signed (Back-Channel Logout 1.0 suggests at most that). */
    static final Duration LOGOUT_TOKEN_LIFETIME = Duration.ofMinutes(2);

    private final JwtEncoder encoder;
    private final Issuers issuers;
    /** {@code lanyard.signals.issuer}, else the configured OpenID Connect issuer; null when each request names its own. */
    private final String fixed;
    private final String fallback;

    /** {@code baseUrl}: {@code lanyard.mail.base-url} as resolved at start (unset or empty: the public URL, else the default; account/MailBaseUrl). */
    Transmitter(JwtEncoder encoder, SignalSettings settings, Issuers issuers,
                @Value("${lanyard.mail.base-url:http://localhost:8080}") String baseUrl) {
        this.encoder = encoder;
        this.issuers = issuers;
        this.fixed = settings.issuer() != null ? Issuers.withoutTrailingSlash(settings.issuer().toString()) : issuers.configured().orElse(null);
        this.fallback = Issuers.withoutTrailingSlash(baseUrl);
    }

    /**
     * The issuer where there is neither a request nor a stream: a back-channel logout token of a grant stored before Lanyard
     * kept the issuer it was made under, and given no ID token.
     */
    String issuer() {
        return fixed != null ? fixed : fallback;
    }

    /**
     * The issuer of the SSF configuration and of the SSF API's answers to {@code request}: the one discovery names for the
     * same request ({@code lanyard.mail.base-url} for a request whose {@code Host} names another server, which is never taken).
     */
    String issuer(HttpServletRequest request) {
        return fixed != null ? fixed : issuers.of(request).orElse(fallback);
    }

    /** The issuer as {@code request} reached Lanyard, kept on the stream it configures; empty for a Host naming another server. */
    Optional<String> reachedAt(HttpServletRequest request) {
        return issuers.of(request);
    }

    /** The {@code iss} of the SETs of {@code stream}: the issuer it was configured at, unless one is set. */
    String issuer(Stream stream) {
        return fixed != null ? fixed : stream.config().issuer().orElse(fallback);
    }

    /** Signs a SET. */
    String set(Map<String, Object> claims) {
        return sign("secevent+jwt", claims);
    }

    /** Signs a logout token, issued {@code now} and expiring {@link #LOGOUT_TOKEN_LIFETIME} later. */
    String logout(Map<String, Object> claims, Instant now) {
        Map<String, Object> timed = new LinkedHashMap<>(claims);
        timed.put("iat", now.getEpochSecond());
        timed.put("exp", now.plus(LOGOUT_TOKEN_LIFETIME).getEpochSecond());
        return sign("logout+jwt", timed);
    }

    private String sign(String type, Map<String, Object> claims) {
        JwtClaimsSet.Builder set = JwtClaimsSet.builder();
        claims.forEach((name, value) -> {
            if ((name.equals("iat") || name.equals("exp")) && value instanceof Number n) set.claim(name, Instant.ofEpochSecond(n.longValue()));
            else set.claim(name, value);
        });
        JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).type(type).build();
        return encoder.encode(JwtEncoderParameters.from(header, set.build())).getTokenValue();
    }
}
