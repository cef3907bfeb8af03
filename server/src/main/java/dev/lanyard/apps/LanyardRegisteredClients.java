package dev.lanyard.apps;

import java.time.Duration;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The authorization server's view of the apps admins registered: authorization code with PKCE
 * required for every app, refresh tokens (with {@code offline_access} only) rotated on every use,
 * access tokens of five minutes.
 * Apps are registered through {@link Apps}, never through this repository.
 */
@Component
class LanyardRegisteredClients implements RegisteredClientRepository {
    static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofMinutes(5);
    static final Duration REFRESH_TOKEN_LIFETIME = Duration.ofDays(30);
    /** Client setting: the id of the team that registered the app ({@link TeamIntrospection}). */
    static final String TEAM_SETTING = "lanyard.team";

    /** The team id of a client this repository gave out (a client setting, so no query). */
    static String team(RegisteredClient client) {
        return client.getClientSettings().getSetting(TEAM_SETTING);
    }

    /**
     * How long a node may use its copy of an app. A change evicts it at once on the node that made
     * it; other nodes see it within this time (an ended grant never depends on it: its session does).
     */
    static final Duration CACHED = Duration.ofSeconds(30);

    private final AppClientStore store;
    private final org.springframework.beans.factory.ObjectProvider<ClientCredentials> credentials;
    private final Cache<String, Optional<RegisteredClient>> byClientId = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(CACHED).build();
    private final Cache<String, Optional<RegisteredClient>> byId = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(CACHED).build();

    LanyardRegisteredClients(AppClientStore store, org.springframework.beans.factory.ObjectProvider<ClientCredentials> credentials) {
        this.store = store;
        this.credentials = credentials;
    }

    /** Forgets an app whose client credentials changed, after the transaction commits. */
    @TransactionalEventListener(fallbackExecution = true)
    void on(ClientCredentials.Changed event) {
        byClientId.invalidateAll();
        byId.invalidateAll();
    }

    /** Forgets a changed or deleted app, after its transaction commits. */
    @TransactionalEventListener(fallbackExecution = true)
    void on(AppEvent event) {
        if (event instanceof AppEvent.Changed || event instanceof AppEvent.Deleted) {
            byClientId.invalidateAll();
            byId.invalidateAll();
        }
    }

    @Override
    public void save(RegisteredClient registeredClient) {
        throw new UnsupportedOperationException("Apps are registered by admins through Lanyard's own pages and API");
    }

    @Override
    public RegisteredClient findById(String id) {
        return byId.get(id, key -> store.find(key).map(this::registered)).orElse(null);
    }

    @Override
    public RegisteredClient findByClientId(String clientId) {
        return byClientId.get(clientId, key -> store.findByClientId(key).map(this::registered)).orElse(null);
    }

    private RegisteredClient registered(AppClient app) {
        RegisteredClient.Builder builder = RegisteredClient.withId(app.id())
                .clientId(app.clientId())
                .clientName(app.name())
                .clientIdIssuedAt(app.createdAt())
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUris(uris -> uris.addAll(app.redirectUris()))
                .postLogoutRedirectUris(uris -> uris.addAll(app.redirectUris()))
                .scopes(scopes -> scopes.addAll(app.scopes()))
                .clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(true)
                        .setting(TEAM_SETTING, app.team().value()).build())
                .tokenSettings(TokenSettings.builder()
                        .accessTokenTimeToLive(ACCESS_TOKEN_LIFETIME)
                        .authorizationCodeTimeToLive(Duration.ofMinutes(1))
                        .reuseRefreshTokens(false)
                        .refreshTokenTimeToLive(REFRESH_TOKEN_LIFETIME)
                        .idTokenSignatureAlgorithm(SignatureAlgorithm.RS256)
                        .build());
        java.util.Set<String> own = app.confidential()
                ? credentials.stream().flatMap(c -> c.scopes(app).stream()).collect(java.util.stream.Collectors.toSet())
                : java.util.Set.of();
        if (!own.isEmpty()) {
            builder.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS).scopes(scopes -> scopes.addAll(own));
        }
        if (app.confidential()) {
            builder.clientSecret(store.secretHash(app.id()).orElse(null))
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST);
        } else {
            builder.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
        }
        return builder.build();
    }
}
