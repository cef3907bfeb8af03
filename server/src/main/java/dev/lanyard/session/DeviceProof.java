package dev.lanyard.session;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;

/**
 * A browser's proof that it holds a device-bound session's key (PRODUCT.md V6, Device Bound Session
 * Credentials): the JWT of its {@code Secure-Session-Response} header, signed with the key, ES256 or
 * RS256. At registration the key travels with the proof (its header's {@code jwk}, or the payload's
 * {@code key} as earlier versions of the protocol put it) and the proof shows the browser holds it; at a
 * refresh the key is the one the session was bound to and the proof must answer the challenge Lanyard gave
 * ({@code jti}). Nothing here trusts the proof's own claims before its signature checks out.
 */
final class DeviceProof {
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256);
    /** A registration proof's {@code iat} may be this far from Lanyard's clock. */
    static final Duration SKEW = Duration.ofMinutes(5);
    private static final int MAX_LENGTH = 8192;
    private static final int MIN_RSA_BITS = 2048;

    private DeviceProof() {
    }

    /** A key a session is bound to: its algorithm and its public JWK as JSON. */
    record BoundKey(String algorithm, String publicJwk) {
    }

    /**
     * The key a registration proof was made with, if the proof is well formed, signed by that key with an
     * allowed algorithm, and made within {@link #SKEW} of {@code now}.
     */
    static Optional<BoundKey> registration(String proof, Instant now) {
        Optional<SignedJWT> jwt = parse(proof);
        if (jwt.isEmpty()) return Optional.empty();
        try {
            JWK key = jwt.get().getHeader().getJWK();
            if (key == null && jwt.get().getJWTClaimsSet().getClaim("key") instanceof Map<?, ?> claimed) {
                @SuppressWarnings("unchecked") Map<String, Object> json = (Map<String, Object>) claimed;
                key = JWK.parse(json);
            }
            if (key == null || key.isPrivate()) return Optional.empty();
            JWSAlgorithm algorithm = jwt.get().getHeader().getAlgorithm();
            if (!verifies(jwt.get(), algorithm, key)) return Optional.empty();
            if (!recent(jwt.get(), now)) return Optional.empty();
            return Optional.of(new BoundKey(algorithm.getName(), key.toPublicJWK().toJSONString()));
        } catch (ParseException | JOSEException | IllegalArgumentException bad) {
            return Optional.empty();
        }
    }

    /** The challenge a refresh proof answers ({@code jti}), if it is signed by the bound key with its algorithm. */
    static Optional<String> answer(String proof, BoundKey bound) {
        Optional<SignedJWT> jwt = parse(proof);
        if (jwt.isEmpty()) return Optional.empty();
        try {
            JWSAlgorithm algorithm = jwt.get().getHeader().getAlgorithm();
            if (!algorithm.getName().equals(bound.algorithm())) return Optional.empty();
            if (!verifies(jwt.get(), algorithm, JWK.parse(bound.publicJwk()))) return Optional.empty();
            return Optional.ofNullable(jwt.get().getJWTClaimsSet().getJWTID());
        } catch (ParseException | JOSEException | IllegalArgumentException bad) {
            return Optional.empty();
        }
    }

    private static Optional<SignedJWT> parse(String proof) {
        if (proof == null || proof.isBlank() || proof.length() > MAX_LENGTH) return Optional.empty();
        try {
            SignedJWT jwt = SignedJWT.parse(proof.strip());
            var type = jwt.getHeader().getType();
            // The protocol says "dbsc+jwt" MUST be its type: a JWT of any other kind is no proof here.
            if (type == null || !type.toString().equalsIgnoreCase("dbsc+jwt")) return Optional.empty();
            return Optional.of(jwt);
        } catch (ParseException bad) {
            return Optional.empty();
        }
    }

    private static boolean verifies(SignedJWT jwt, JWSAlgorithm algorithm, JWK key) throws JOSEException {
        if (!ALGORITHMS.contains(algorithm)) return false;
        JWSVerifier verifier;
        if (algorithm.equals(JWSAlgorithm.ES256) && key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
            verifier = new ECDSAVerifier(ec.toPublicJWK());
        } else if (algorithm.equals(JWSAlgorithm.RS256) && key instanceof RSAKey rsa && rsa.size() >= MIN_RSA_BITS) {
            verifier = new RSASSAVerifier(rsa.toPublicJWK());
        } else {
            return false;
        }
        return jwt.verify(verifier);
    }

    private static boolean recent(SignedJWT jwt, Instant now) throws ParseException {
        java.util.Date issued = jwt.getJWTClaimsSet().getIssueTime();
        if (issued == null) return true; // Not every version of the protocol sends it; the key is new either way.
        Duration off = Duration.between(issued.toInstant(), now).abs();
        return off.compareTo(SKEW) <= 0;
    }
}
