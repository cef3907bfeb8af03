package dev.lanyard.apps;

import java.security.Principal;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.account.Account;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * A grant found by its id or by one of its tokens, as Spring's {@link OAuth2Authorization}: which kind of token a lookup
 * asks for, which client presents it, and the authorization built back from the stored grant, its tokens standing as
 * placeholders of their hashes but the one presented.
 */
final class FoundGrants {
    private FoundGrants() {
    }

    /**
     * Whether the request is made by a client the token endpoint authenticated, and not the grant's own. False while
     * no client is authenticated yet: a public client's code verifier looks the code up while it is being authenticated.
     */
    static boolean presentedByAnotherClient(StoredGrant grant) {
        return org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication()
                instanceof org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken client
                && client.isAuthenticated() && client.getRegisteredClient() != null
                && !client.getRegisteredClient().getId().equals(grant.clientId());
    }

    /** Whether the request is made by the grant's own client, as the token endpoint authenticated it. */
    static boolean presentedByItsClient(StoredGrant grant) {
        return org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication()
                instanceof org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken client
                && client.isAuthenticated() && client.getRegisteredClient() != null
                && client.getRegisteredClient().getId().equals(grant.clientId());
    }

    static Optional<GrantStore.Kind> kind(OAuth2TokenType type) {
        if (type == null) return Optional.empty();
        return switch (type.getValue()) {
            case OAuth2ParameterNames.STATE -> Optional.of(GrantStore.Kind.STATE);
            case OAuth2ParameterNames.CODE -> Optional.of(GrantStore.Kind.CODE);
            case OAuth2ParameterNames.ACCESS_TOKEN -> Optional.of(GrantStore.Kind.ACCESS);
            case OAuth2ParameterNames.REFRESH_TOKEN -> Optional.of(GrantStore.Kind.REFRESH);
            case "id_token" -> Optional.of(GrantStore.Kind.ID_TOKEN);
            default -> Optional.empty();
        };
    }

    /** A grant whose session is active, and the account as the session check found it (none before consent). */
    record Live(GrantJson.Read read, Optional<Account> account) {
    }

    /**
     * The token a lookup was made with, and its hash (computed once per lookup); {@code idToken}: looked up as an ID
     * token, so it is one the grant issued, its newest or an earlier one.
     */
    record Presented(String token, String hash, boolean idToken) {
    }

    /**
     * {@code refreshEndsBy}: when the grant's session ends at the latest, if known, on the clock of token times
     * ({@link TokenConfiguration#SPRING_TOKENS}); the refresh token expires no later (one issued before the lifetime of
     * a token was capped by its session's, or before the team's lifetime was shortened, is read as it now is).
     */
    static OAuth2Authorization authorization(RegisteredClient client, Live live, Optional<Presented> presented, Optional<Instant> refreshEndsBy) {
        GrantJson.Read read = live.read();
        StoredGrant grant = read.grant();
        GrantJson.Body body = read.body();
        OAuth2Authorization.Builder builder = OAuth2Authorization.withRegisteredClient(client)
                .id(grant.id())
                .principalName(grant.accountId())
                .authorizationGrantType(new AuthorizationGrantType(body.grantType()))
                .authorizedScopes(body.scopes() == null ? Set.of() : body.scopes())
                .attribute(Principal.class.getName(), new GrantPrincipal(grant.accountId(), Optional.ofNullable(body.browserSession())));
        grant.sessionId().ifPresent(id -> builder.attribute(LanyardAuthorizations.SESSION_ATTRIBUTE, id));
        grant.refreshHash().ifPresent(h -> builder.attribute(LanyardAuthorizations.READ_REFRESH_ATTRIBUTE, h));
        grant.accessHash().ifPresent(h -> builder.attribute(LanyardAuthorizations.READ_ACCESS_ATTRIBUTE, h));
        if (body.authTime() != null) builder.attribute(LanyardAuthorizations.AUTH_TIME_ATTRIBUTE, Instant.ofEpochSecond(body.authTime()));
        if (body.issuer() != null) builder.attribute(LanyardAuthorizations.ISSUER_ATTRIBUTE, body.issuer());
        live.account().ifPresent(account -> builder.attribute(LanyardAuthorizations.ACCOUNT_ATTRIBUTE, account));
        grant.stateHash().ifPresent(h -> builder.attribute(OAuth2ParameterNames.STATE, value(h, presented)));
        if (body.request() != null) {
            GrantJson.Request r = body.request();
            OAuth2AuthorizationRequest request = (OAuth2AuthorizationRequest) OAuth2AuthorizationRequest.authorizationCode()
                    .authorizationUri(r.authorizationUri()).clientId(r.clientId()).redirectUri(r.redirectUri())
                    .scopes(r.scopes()).state(r.state()).additionalParameters(r.additional())
                    .authorizationRequestUri(r.requestUri()).build();
            builder.attribute(OAuth2AuthorizationRequest.class.getName(), request);
        }
        add(builder, read, "code", grant.codeHash(), presented, (v, t) -> new OAuth2AuthorizationCode(v, t.issued(), t.expires()));
        add(builder, read, "access_token", grant.accessHash(), presented,
                (v, t) -> new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, v, t.issued(), t.expires(), t.tok().scopes()));
        add(builder, read, "refresh_token", grant.refreshHash(), presented, (v, t) ->
                TokenConfiguration.livingNoLongerThan(new OAuth2RefreshToken(v, t.issued(), t.expires()), refreshEndsBy));
        // An earlier ID token stands for the grant's ID token with the claims of the newest: the same iss, sub, aud and sid.
        Optional<String> idToken = presented.filter(Presented::idToken).map(Presented::hash).or(grant::idTokenHash);
        add(builder, read, "id_token", grant.idTokenHash().isPresent() ? idToken : Optional.empty(), presented,
                (v, t) -> new OidcIdToken(v, t.issued(), t.expires(), t.claims()));
        return builder.build();
    }

    private static String value(String hash, Optional<Presented> presented) {
        return presented.filter(p -> p.hash().equals(hash)).map(Presented::token).orElseGet(() -> TokenHashes.placeholder(hash));
    }

    private record Times(GrantJson.Tok tok, Instant issued, Instant expires, Map<String, Object> claims) {
    }

    /** Adds the grant's token of this kind ("code", "access_token", ...), if it has one, with its claims as read once. */
    private static void add(OAuth2Authorization.Builder builder, GrantJson.Read read, String kind, Optional<String> hash,
                            Optional<Presented> presented, java.util.function.BiFunction<String, Times, ? extends OAuth2Token> make) {
        GrantJson.Tok tok = read.body().tokens() == null ? null : read.body().tokens().get(kind);
        if (tok == null || hash.isEmpty()) return;
        Map<String, Object> claims = read.claims().get(kind);
        Times times = new Times(tok, tok.issuedAt() == 0 ? null : Instant.ofEpochMilli(tok.issuedAt()),
                tok.expiresAt() == 0 ? null : Instant.ofEpochMilli(tok.expiresAt()), claims);
        OAuth2Token token = make.apply(value(hash.get(), presented), times);
        builder.token(token, metadata -> {
            metadata.put(OAuth2Authorization.Token.INVALIDATED_METADATA_NAME, tok.invalidated());
            if (!claims.isEmpty()) metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, claims);
        });
    }
}
