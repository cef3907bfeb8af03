package dev.lanyard.apps;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.factors.SecondFactorRequirement;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.SessionProblem;
import dev.lanyard.session.Sessions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2AccessTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2RefreshTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * The tokens of Lanyard as an OpenID Connect provider ({@link AuthorizationServerConfiguration}): JWTs signed with
 * Lanyard's keys ({@link SigningKeys}) that name their grant's session, and a refresh token only where the member allowed
 * {@code offline_access}.
 */
@Configuration(proxyBeanMethods = false)
class TokenConfiguration {
    @Bean
    JwtEncoder jwtEncoder(SigningKeys keys) {
        return new NimbusJwtEncoder(keys.signing());
    }

    @Bean
    JwtDecoder jwtDecoder(SigningKeys keys) {
        return NimbusJwtDecoder.withJwkSource(keys).build();
    }

    /**
     * Every token carries the id of its grant's Lanyard session ({@code sid}) and names the key that
     * signed it. ID tokens carry {@code auth_time}, when the member signed in to the browser session
     * that authorized the grant (OpenID Connect Core 2, required with {@code max_age}): Spring's own
     * comes from a servlet session, which this stateless chain has none of. A {@link java.util.Date},
     * as Spring's is, which it copies into the ID token of a refresh.
     */
    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> tokenCustomizer(SigningKeys keys, SecondFactorRequirement secondFactor, Sessions sessions,
                                                              Clock clock) {
        return context -> {
            context.getJwsHeader().keyId(keys.currentKeyId());
            OAuth2Authorization authorization = context.getAuthorization();
            // A member held by the team's second-factor rule gets no tokens (code exchange, refresh) until they set one up
            // (decision 22); an app's own client-credentials tokens name no member.
            if (authorization != null && !AuthorizationGrantType.CLIENT_CREDENTIALS.equals(authorization.getAuthorizationGrantType())
                    && secondFactor.holds(new AccountId(authorization.getPrincipalName()))) {
                throw new org.springframework.security.oauth2.core.OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
                        "The member's team requires two-factor authentication, which they have not set up.", null));
            }
            if (authorization != null && authorization.getAttribute(LanyardAuthorizations.SESSION_ATTRIBUTE) instanceof String sid) {
                context.getClaims().claim("sid", sid);
            }
            if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
                accessTokenClaims(context);
                // An access token lives no longer than its grant (RFC 7662 exp, the token response's expires_in, the JWT's exp).
                sessionLeft(authorization, sessions, clock).ifPresent(left -> context.getClaims().claims(claims -> {
                    if (claims.get(JwtClaimNames.IAT) instanceof Instant issued && claims.get(JwtClaimNames.EXP) instanceof Instant expires
                            && issued.plus(left).isBefore(expires)) {
                        claims.put(JwtClaimNames.EXP, issued.plus(left));
                    }
                }));
            }
            if (authorization != null && OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())
                    && authorization.getAttribute(LanyardAuthorizations.AUTH_TIME_ATTRIBUTE) instanceof Instant signedIn) {
                context.getClaims().claim(IdTokenClaimNames.AUTH_TIME, Date.from(signedIn));
            }
        };
    }

    /**
     * An access token's claims as RFC 9068 §2.2 has them: {@code client_id}, the app the token was issued to (REQUIRED there;
     * Spring leaves it out), and {@code scope} a space-separated string (RFC 8693 §4.2), where Spring writes a JSON array.
     * Resource servers that read scopes with Spring's {@code JwtGrantedAuthoritiesConverter} take either. The header is not
     * typed {@code at+jwt} (RFC 9068 §2.1): Spring Security 7's default {@code JwtTypeValidator} refuses that type, so every
     * Spring Boot 4 resource server left at its defaults (the starter's users among them) would refuse Lanyard's tokens.
     */
    private static void accessTokenClaims(JwtEncodingContext context) {
        context.getClaims().claim("client_id", context.getRegisteredClient().getClientId());
        context.getClaims().claims(claims -> claims.computeIfPresent(SCOPE, (name, scopes) ->
                scopes instanceof java.util.Collection<?> each ? String.join(" ", each.stream().map(String::valueOf).sorted().toList()) : scopes));
    }

    /** The access token claim of its scopes. */
    static final String SCOPE = "scope";

    /**
     * Spring's token generators (a JWT for access and ID tokens, an opaque refresh token), but a
     * refresh token only for a grant whose member allowed {@code offline_access}: the consent page
     * promises staying connected with that scope alone ({@link AppClient#SCOPES}). A refresh keeps
     * rotating the token of a grant that has one, whatever scopes it narrows the new tokens to.
     */
    @Bean
    OAuth2TokenGenerator<OAuth2Token> tokenGenerator(JwtEncoder encoder, OAuth2TokenCustomizer<JwtEncodingContext> customizer, Sessions sessions,
                                                     Clock clock) {
        JwtGenerator jwt = new JwtGenerator(encoder);
        jwt.setJwtCustomizer(customizer);
        OAuth2RefreshTokenGenerator refresh = new OAuth2RefreshTokenGenerator();
        OAuth2TokenGenerator<OAuth2RefreshToken> offlineOnly = context ->
                AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType()) || offline(context.getAuthorization())
                        ? issuedForItsGrant(refresh.generate(context), sessionLeft(context.getAuthorization(), sessions, clock)) : null;
        return new DelegatingOAuth2TokenGenerator(jwt, new OAuth2AccessTokenGenerator(), offlineOnly);
    }

    /**
     * The clock of Spring's token times: its generators stamp a token's {@code iat} and {@code exp} with it, and a token
     * is expired when it says so ({@code OAuth2Authorization.Token#isExpired}, which reads no other). Sessions' times
     * are on Lanyard's {@link Clock} bean; a token's life is capped by what is left of its session, measured on that one.
     */
    static final Clock SPRING_TOKENS = Clock.systemUTC();

    /**
     * A new refresh token expires when its grant's session does ({@code left} from its issue), if that is sooner than
     * its own lifetime: the session ends the grant (the team's remembered or session lifetime), so a later expiry would
     * overstate it in the token response and in introspection's {@code exp} (RFC 7662 §2.2).
     */
    static OAuth2RefreshToken issuedForItsGrant(OAuth2RefreshToken token, Optional<Duration> left) {
        return token == null || token.getIssuedAt() == null ? token : livingNoLongerThan(token, left.map(token.getIssuedAt()::plus));
    }

    /** {@code token}, expiring at {@code latest} if that is before its own expiry (and not before its issue). */
    static OAuth2RefreshToken livingNoLongerThan(OAuth2RefreshToken token, Optional<Instant> latest) {
        if (token == null || latest.isEmpty() || token.getExpiresAt() == null || !latest.get().isBefore(token.getExpiresAt())) {
            return token;
        }
        Instant ends = token.getIssuedAt() != null && latest.get().isBefore(token.getIssuedAt()) ? token.getIssuedAt() : latest.get();
        return new OAuth2RefreshToken(token.getTokenValue(), token.getIssuedAt(), ends);
    }

    /**
     * What is left of the grant's session: until its expiry (its lifetime; the idle timeout moves with use), read from
     * the database, only where a token is issued (the token endpoint). Empty for a grant without a session (client
     * credentials).
     */
    static Optional<Duration> sessionLeft(OAuth2Authorization authorization, Sessions sessions, Clock clock) {
        if (authorization == null || !(authorization.getAttribute(LanyardAuthorizations.SESSION_ATTRIBUTE) instanceof String sid)) {
            return Optional.empty();
        }
        try {
            Instant ends = sessions.get(new SessionId(sid), new AccountId(authorization.getPrincipalName())).expiresAt();
            Duration left = Duration.between(clock.instant(), ends);
            return Optional.of(left.isNegative() ? Duration.ZERO : left);
        } catch (SessionProblem.NotFound gone) {
            return Optional.empty();
        }
    }

    private static boolean offline(OAuth2Authorization authorization) {
        return authorization != null && authorization.getAuthorizedScopes().contains(AuthorizationServerConfiguration.OFFLINE_ACCESS);
    }
}
