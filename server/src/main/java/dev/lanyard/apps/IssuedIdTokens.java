package dev.lanyard.apps;

import java.util.Optional;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * An ID token Lanyard issued, read from what an app sends back as one ({@code id_token_hint} at the authorize endpoint
 * and at RP-initiated logout): signed with a key Lanyard publishes ({@link SigningKeys}, as the JWKS), its {@code iss} one
 * of Lanyard's ({@link Issuers#issued}), and an ID token ({@code azp}, which access tokens, logout tokens and SETs do not
 * carry). Expired or not: an app sends the ID token it kept, which is often past its five minutes (OpenID Connect Core
 * 3.1.2.1, RP-Initiated Logout 1.0 §2).
 */
final class IssuedIdTokens {
    private final NimbusJwtDecoder signedByLanyard;

    IssuedIdTokens(JWKSource<SecurityContext> keys, Issuers issuers) {
        this.signedByLanyard = NimbusJwtDecoder.withJwkSource(keys).build();
        // Only the issuer: not the expiry.
        signedByLanyard.setJwtValidator(jwt -> issuers.issued(jwt.getClaimAsString(IdTokenClaimNames.ISS)) ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN)));
    }

    /** The ID token's claims; empty for anything else (no JWT, another signature or issuer, another kind of token). */
    Optional<Jwt> read(String token) {
        try {
            Jwt jwt = signedByLanyard.decode(token);
            return jwt.hasClaim(IdTokenClaimNames.AZP) ? Optional.of(jwt) : Optional.empty();
        } catch (JwtException | IllegalArgumentException notLanyards) {
            return Optional.empty();
        }
    }
}
