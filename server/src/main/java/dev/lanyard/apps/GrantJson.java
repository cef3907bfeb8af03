package dev.lanyard.apps;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;

/**
 * What of a grant is no secret, as the JSON kept in its row ({@link Body}: its scopes, the request that asked for it,
 * and each token's times, scopes and claims but never its value), and a grant read back with its tokens' claims as
 * their issuer made them.
 */
final class GrantJson {
    private static final String AUTH_TIME = "auth_time";
    private static final Set<String> TIME_CLAIMS = Set.of("iat", "exp", "nbf", "auth_time");
    private static final String ISSUER = "iss";

    private GrantJson() {
    }

    /**
     * What of a grant is no secret, as JSON.
     *
     * @param authTime when the authorizing browser session signed in, epoch seconds; null in grants stored before it was kept
     * @param issuer   the issuer the grant was made under (the authorization response's {@code iss}); null in grants stored
     *                 before it was kept, and in client credentials grants
     */
    record Body(String grantType, Set<String> scopes, String principal, String browserSession, Long authTime, Request request,
                Map<String, Tok> tokens, String issuer) {
    }

    record Request(String authorizationUri, String clientId, String redirectUri, Set<String> scopes, String state,
                   Map<String, Object> additional, String requestUri) {
    }

    record Tok(long issuedAt, long expiresAt, Set<String> scopes, Map<String, Object> claims, boolean invalidated) {
    }

    /**
     * A stored grant with its JSON body read, and each token's claims as the grant's tokens carry them
     * (read once: a cached grant is read by every introspection of its access token).
     */
    record Read(StoredGrant grant, Body body, Map<String, Map<String, Object>> claims) {
        Read(StoredGrant grant, Body body) {
            this(grant, body, claimsOf(body));
        }
    }

    static Body body(OAuth2Authorization a, Optional<String> browserSession, Optional<Instant> authTime, Optional<String> issuer) {
        OAuth2AuthorizationRequest r = a.getAttribute(OAuth2AuthorizationRequest.class.getName());
        Request request = r == null ? null : new Request(r.getAuthorizationUri(), r.getClientId(), r.getRedirectUri(),
                r.getScopes(), r.getState(), strings(r.getAdditionalParameters()), r.getAuthorizationRequestUri());
        Map<String, Tok> tokens = new LinkedHashMap<>();
        put(tokens, "code", a.getToken(OAuth2AuthorizationCode.class));
        put(tokens, "access_token", a.getAccessToken());
        put(tokens, "refresh_token", a.getRefreshToken());
        put(tokens, "id_token", a.getToken(OidcIdToken.class));
        return new Body(a.getAuthorizationGrantType().getValue(), a.getAuthorizedScopes(), a.getPrincipalName(),
                browserSession.orElse(null), authTime.map(Instant::getEpochSecond).orElse(null), request, tokens, issuer.orElse(null));
    }

    private static Map<String, Object> strings(Map<String, Object> parameters) {
        Map<String, Object> out = new HashMap<>();
        parameters.forEach((k, v) -> {
            if (v instanceof String s) out.put(k, s);
            else if (v instanceof String[] array && array.length > 0) out.put(k, array[0]);
        });
        return out;
    }

    private static void put(Map<String, Tok> tokens, String kind, OAuth2Authorization.Token<? extends OAuth2Token> token) {
        if (token == null) return;
        OAuth2Token t = token.getToken();
        Map<String, Object> claims = new HashMap<>();
        if (token.getClaims() != null) token.getClaims().forEach((k, v) -> claims.put(k, v instanceof Instant i ? i.getEpochSecond()
                : v instanceof java.util.Date d ? d.toInstant().getEpochSecond() : v));
        Set<String> scopes = t instanceof OAuth2AccessToken access ? access.getScopes() : Set.of();
        tokens.put(kind, new Tok(t.getIssuedAt() == null ? 0 : t.getIssuedAt().toEpochMilli(),
                t.getExpiresAt() == null ? 0 : t.getExpiresAt().toEpochMilli(), scopes, claims, token.isInvalidated()));
    }

    private static Map<String, Map<String, Object>> claimsOf(Body body) {
        Map<String, Map<String, Object>> claims = new HashMap<>();
        if (body.tokens() != null) body.tokens().forEach((kind, tok) -> claims.put(kind, claims(tok.claims())));
        return claims;
    }

    /**
     * A token's claims as its issuer made them: times as instants, and the issuer as a URL, which
     * Spring's introspection otherwise converts from the string on every call (≈ 3% of an
     * introspection's CPU, bench/RESULTS.md). Shared by every read of a cached grant, so never changed.
     * {@code auth_time} is a {@link java.util.Date}, as Spring makes it: a refresh copies it from the
     * grant's ID token as one.
     */
    private static Map<String, Object> claims(Map<String, Object> stored) {
        if (stored == null) return Map.of();
        Map<String, Object> claims = new HashMap<>();
        stored.forEach((k, v) -> claims.put(k, k.equals(AUTH_TIME) && v instanceof Number n ? java.util.Date.from(Instant.ofEpochSecond(n.longValue()))
                : TIME_CLAIMS.contains(k) && v instanceof Number n ? Instant.ofEpochSecond(n.longValue())
                : k.equals(ISSUER) && v instanceof String issuer ? url(issuer) : v));
        return Collections.unmodifiableMap(claims);
    }

    /** The issuer as Spring's claim conversion makes it: a URL, or the string as it was if it is none. */
    private static Object url(String issuer) {
        try {
            return new URI(issuer).toURL();
        } catch (URISyntaxException | MalformedURLException | IllegalArgumentException e) {
            return issuer;
        }
    }
}
