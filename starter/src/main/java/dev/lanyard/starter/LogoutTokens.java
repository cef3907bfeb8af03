package dev.lanyard.starter;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * Validates an OpenID Connect Back-Channel Logout 1.0 logout token as its section 2.6 says: a
 * signed JWT (no {@code alg: none}) whose signature verifies with Lanyard's JWKS, {@code iss} =
 * Lanyard, {@code aud} containing this client, {@code iat} present and not in the future,
 * {@code exp} present and not passed (as for an ID token), {@code sub} or {@code sid} or both,
 * an {@code events} object with the back-channel logout member whose value is an object, and no
 * {@code nonce}. A {@code typ} header, when present, must be {@code logout+jwt} (or plain
 * {@code JWT}), so no other kind of JWT from Lanyard — an ID token, a SET — passes as one.
 * The optional replay check of {@code jti} (step 6) is not made: ending a session twice changes nothing.
 */
public class LogoutTokens {
    public static final String BACKCHANNEL_LOGOUT = "http://schemas.openid.net/event/backchannel-logout";

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final LanyardProperties properties;
    private final Clock clock;

    public LogoutTokens(JWKSource<SecurityContext> keys, LanyardProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
        processor.setJWSTypeVerifier((type, context) -> {
            if (!acceptableType(type)) throw new BadJOSEException("typ");
        });
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(SecurityEventTokens.ALGORITHMS, keys));
        processor.setJWTClaimsSetVerifier((claims, context) -> { });
    }

    private static boolean acceptableType(JOSEObjectType type) {
        if (type == null) return true;
        String t = SecurityEventTokens.stripApplication(type.getType());
        return t.equalsIgnoreCase("logout+jwt") || t.equalsIgnoreCase("JWT");
    }

    /** A valid logout token: the session it ends ({@code sid}, may be null), its person ({@code sub}, may be null), when issued. */
    public record Logout(String sid, String sub, Instant issuedAt) {
    }

    /** Why a logout token was refused; answered as {@code 400 {"error":"invalid_request"}} (section 2.8). */
    public static class InvalidLogoutToken extends RuntimeException {
        public InvalidLogoutToken(String message) {
            super(message);
        }
    }

    public Logout verify(String token) {
        if (token == null || token.isBlank()) throw new InvalidLogoutToken("The request has no logout_token.");
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token.strip());
        } catch (ParseException e) {
            throw new InvalidLogoutToken("The logout_token is not a signed JWT.");
        }
        if (!acceptableType(jwt.getHeader().getType())) throw new InvalidLogoutToken("The logout_token's typ is not logout+jwt.");
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, null);
        } catch (BadJOSEException | JOSEException e) {
            throw new InvalidLogoutToken("The logout_token's signature does not verify with a key of the issuer's JWKS.");
        }
        if (!properties.issuer().equals(claims.getIssuer())) throw new InvalidLogoutToken("The logout_token's issuer is not " + properties.issuer() + ".");
        List<String> aud = claims.getAudience();
        if (aud == null || !aud.contains(properties.clientId())) throw new InvalidLogoutToken("The logout_token is not addressed to this client.");
        Instant now = clock.instant();
        if (claims.getIssueTime() == null) throw new InvalidLogoutToken("The logout_token has no iat.");
        Instant issuedAt = claims.getIssueTime().toInstant();
        if (issuedAt.isAfter(now.plus(properties.clockSkew()))) throw new InvalidLogoutToken("The logout_token was issued in the future.");
        if (claims.getExpirationTime() == null) throw new InvalidLogoutToken("The logout_token has no exp.");
        if (claims.getExpirationTime().toInstant().plus(properties.clockSkew()).isBefore(now)) throw new InvalidLogoutToken("The logout_token has expired.");
        if (claims.getJWTID() == null || claims.getJWTID().isBlank()) throw new InvalidLogoutToken("The logout_token has no jti.");
        String sid = text(claims, "sid");
        String sub = claims.getSubject();
        if (sid == null && (sub == null || sub.isBlank())) throw new InvalidLogoutToken("The logout_token has neither sub nor sid.");
        if (!(claims.getClaim("events") instanceof Map<?, ?> events) || !(events.get(BACKCHANNEL_LOGOUT) instanceof Map<?, ?>))
            throw new InvalidLogoutToken("The logout_token's events claim has no " + BACKCHANNEL_LOGOUT + " object.");
        if (claims.getClaim("nonce") != null) throw new InvalidLogoutToken("A logout_token must not contain a nonce.");
        return new Logout(sid, sub == null || sub.isBlank() ? null : sub, issuedAt);
    }

    private static String text(JWTClaimsSet claims, String name) {
        return claims.getClaim(name) instanceof String s && !s.isBlank() ? s : null;
    }
}
