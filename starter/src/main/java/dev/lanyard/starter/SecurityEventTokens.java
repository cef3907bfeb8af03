package dev.lanyard.starter;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * Verifies a Security Event Token (RFC 8417) from Lanyard as the Shared Signals Framework 1.0
 * profiles it: a JWS (never unsigned) explicitly typed {@code secevent+jwt}, signed by a key of
 * Lanyard's JWKS, issued by Lanyard, addressed to this receiver, with {@code jti}, {@code iat}
 * and a non-empty {@code events} object. SETs normally carry no {@code exp}; one that does and
 * has passed it is refused. Each refusal names its RFC 8935 error code.
 */
public class SecurityEventTokens {
    static final JOSEObjectType SET_TYPE = new JOSEObjectType("secevent+jwt");
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.EdDSA);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String issuer;
    private final Supplier<Set<String>> audiences;
    private final LanyardProperties properties;
    private final Clock clock;

    /**
     * @param audiences the {@code aud} values this receiver answers to (the client id, and the stream's {@code aud} once known)
     */
    public SecurityEventTokens(JWKSource<SecurityContext> keys, LanyardProperties properties, Supplier<Set<String>> audiences, Clock clock) {
        this.issuer = properties.issuer();
        this.audiences = audiences;
        this.properties = properties;
        this.clock = clock;
        processor.setJWSTypeVerifier((type, context) -> {
            // "typ" is compared without an "application/" prefix, case-insensitively (RFC 7515 section 4.1.9).
            if (type == null || !SET_TYPE.getType().equalsIgnoreCase(stripApplication(type.getType())))
                throw new BadJOSEException("typ");
        });
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        processor.setJWTClaimsSetVerifier((claims, context) -> { }); // checked below, against the Clock
    }

    static String stripApplication(String type) {
        return type.regionMatches(true, 0, "application/", 0, 12) ? type.substring(12) : type;
    }

    /** A SET that passed every check. {@code subId} is the top-level {@code sub_id} claim, empty when absent. */
    public record VerifiedSet(String jti, Instant issuedAt, Map<String, Object> subId, Map<String, Map<String, Object>> events) {
    }

    /** Why a SET was refused: an RFC 8935 section 2.4 error code and a description for the transmitter. */
    /** The SET could not be checked now, because Lanyard's keys could not be fetched: it is to be taken again later. */
    public static class KeysUnavailable extends RuntimeException {
        KeysUnavailable(Throwable cause) {
            super("Lanyard's signing keys could not be fetched: " + cause.getMessage(), cause);
        }
    }

    public static class SetRejected extends RuntimeException {
        private final String err;

        public SetRejected(String err, String description) {
            super(description);
            this.err = err;
        }

        public String err() {
            return err;
        }
    }

    public VerifiedSet verify(String token) {
        if (token == null || token.isBlank()) throw new SetRejected("invalid_request", "The request body is not a SET.");
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token.strip());
        } catch (ParseException e) {
            throw new SetRejected("invalid_request", "The request body is not a signed JWT.");
        }
        JOSEObjectType type = jwt.getHeader().getType();
        if (type == null || !SET_TYPE.getType().equalsIgnoreCase(stripApplication(type.getType())))
            throw new SetRejected("invalid_request", "The SET's typ header is not secevent+jwt.");
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, null);
        } catch (KeySourceException unavailable) {
            // Lanyard's keys could not be fetched (a timeout, or a refetch held back by the rate limit): no verdict on
            // the SET, which must not be refused for it, or Lanyard would take the refusal as final.
            throw new KeysUnavailable(unavailable);
        } catch (BadJOSEException | JOSEException e) {
            throw new SetRejected("invalid_key", "The SET's signature does not verify with a key of the issuer's JWKS.");
        }
        if (!issuer.equals(claims.getIssuer())) throw new SetRejected("invalid_issuer", "The SET's issuer is not " + issuer + ".");
        List<String> aud = claims.getAudience();
        Set<String> mine = audiences.get();
        if (aud == null || aud.stream().noneMatch(mine::contains))
            throw new SetRejected("invalid_audience", "The SET is not addressed to this receiver.");
        Instant now = clock.instant();
        if (claims.getJWTID() == null || claims.getJWTID().isBlank()) throw new SetRejected("invalid_request", "The SET has no jti.");
        if (claims.getIssueTime() == null) throw new SetRejected("invalid_request", "The SET has no iat.");
        Instant issuedAt = claims.getIssueTime().toInstant();
        if (issuedAt.isAfter(now.plus(properties.clockSkew()))) throw new SetRejected("invalid_request", "The SET was issued in the future.");
        if (claims.getExpirationTime() != null && claims.getExpirationTime().toInstant().plus(properties.clockSkew()).isBefore(now))
            throw new SetRejected("invalid_request", "The SET has expired.");
        Map<String, Map<String, Object>> events = events(claims);
        Map<String, Object> subId;
        try {
            subId = claims.getJSONObjectClaim("sub_id");
        } catch (ParseException e) {
            throw new SetRejected("invalid_request", "The SET's sub_id is not an object.");
        }
        return new VerifiedSet(claims.getJWTID(), issuedAt, subId == null ? Map.of() : subId, events);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> events(JWTClaimsSet claims) {
        if (!(claims.getClaim("events") instanceof Map<?, ?> raw) || raw.isEmpty())
            throw new SetRejected("invalid_request", "The SET has no events object.");
        Map<String, Map<String, Object>> events = new LinkedHashMap<>();
        raw.forEach((uri, payload) -> {
            if (!(payload instanceof Map<?, ?> map)) throw new SetRejected("invalid_request", "The event " + uri + " is not an object.");
            events.put(String.valueOf(uri), (Map<String, Object>) map);
        });
        return events;
    }
}
