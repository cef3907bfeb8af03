package dev.lanyard.signals;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

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
 */
@Component
class Transmitter {
    /** A logout token lives two minutes from when it is signed (Back-Channel Logout 1.0 suggests at most that). */
    static final Duration LOGOUT_TOKEN_LIFETIME = Duration.ofMinutes(2);

    private final JwtEncoder encoder;
    private final String issuer;

    /** {@code baseUrl}: {@code lanyard.mail.base-url} as resolved at start (unset or empty: the public URL, else the default; account/MailBaseUrl). */
    Transmitter(JwtEncoder encoder, SignalSettings settings, @Value("${lanyard.mail.base-url:http://localhost:8080}") String baseUrl) {
        this.encoder = encoder;
        String configured = settings.issuer() == null ? baseUrl : settings.issuer().toString();
        this.issuer = configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
    }

    /** The {@code iss} of every SET and of the SSF configuration. */
    String issuer() {
        return issuer;
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
