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
import dev.lanyard.session.NodeCaches;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The authorization server's view of the apps admins registered: authorization code with PKCE
 * required for every app, refresh tokens (with {@code offline_access} only) rotated on every use,
 * access tokens of five minutes.
 * Apps are registered through {@link Apps}, never through this repository.
 */
@Component
class LanyardRegisteredClients implements RegisteredClientRepository {
    static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofMinutes(5);
    /** How long an authorization code is good for (RFC 9700 4.2.1: short); {@link GrantCleanup} ends a grant's session after it unused. */
    static final Duration CODE_LIFETIME = Duration.ofMinutes(1);
    static final Duration REFRESH_TOKEN_LIFETIME = Duration.ofDays(30);
    /** Client setting: the id of the team that registered the app ({@link TeamIntrospection}). */
    static final String TEAM_SETTING = "lanyard.team";

    /** The team id of a client this repository gave out (a client setting, so no query). */
    static String team(RegisteredClient client) {
        return client.getClientSettings().getSetting(TEAM_SETTING);
    }

    /**
     * How long a node may use its copy of an app. A change (an app changed or deleted, its client
     * credentials scopes changed) makes every node forget its copies before the change returns
     * ({@link NodeCaches}); this bounds what a lost notification could leave.
     */
    static final Duration CACHED = Duration.ofSeconds(30);
    /** The name of these caches among those every node keeps alike ({@link NodeCaches}). */
    static final String APPS = "oauth-apps";

    private final AppClientStore store;
    private final org.springframework.beans.factory.ObjectProvider<ClientCredentials> credentials;
    private final Cache<String, Optional<RegisteredClient>> byClientId = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(CACHED).build();
    private final Cache<String, Optional<RegisteredClient>> byId = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(CACHED).build();
    private final NodeCaches nodes;
    /** Counts the times the caches were emptied, so that a read that began before is not kept ({@link #cached}). */
    private final java.util.concurrent.atomic.AtomicLong emptied = new java.util.concurrent.atomic.AtomicLong();

    LanyardRegisteredClients(AppClientStore store, org.springframework.beans.factory.ObjectProvider<ClientCredentials> credentials,
                             NodeCaches nodes) {
        this.store = store;
        this.credentials = credentials;
        this.nodes = nodes;
        nodes.register(APPS, new NodeCaches.Cached() {
            @Override
            public void forget(java.util.List<String> apps) {
                empty();
            }

            @Override
            public void clear() {
                empty();
            }
        });
    }

    private void empty() {
        emptied.incrementAndGet();
        byClientId.invalidateAll();
        byId.invalidateAll();
    }

    /** An app whose client credentials changed: every node forgets its apps once the transaction commits. */
    @EventListener
    void on(ClientCredentials.Changed event) {
        nodes.forget(APPS, java.util.List.of(event.appId()));
    }

    /** A changed or deleted app: every node forgets its apps once the transaction commits. */
    @EventListener
    void on(AppEvent event) {
        if (event instanceof AppEvent.Changed changed) nodes.forget(APPS, java.util.List.of(changed.clientId()));
        if (event instanceof AppEvent.Deleted deleted) nodes.forget(APPS, java.util.List.of(deleted.clientId()));
    }

    @Override
    public void save(RegisteredClient registeredClient) {
        throw new UnsupportedOperationException("Apps are registered by admins through Lanyard's own pages and API");
    }

    @Override
    public RegisteredClient findById(String id) {
        return cached(byId, id, key -> store.find(key).map(this::registered)).orElse(null);
    }

    @Override
    public RegisteredClient findByClientId(String clientId) {
        return cached(byClientId, clientId, key -> store.findByClientId(key).map(this::registered)).orElse(null);
    }

    /**
     * The app from {@code cache}, read on a miss; read every time while this node may have missed another's change.
     * A read that the caches were emptied during (the change committed meanwhile) is used once, not kept.
     */
    private Optional<RegisteredClient> cached(Cache<String, Optional<RegisteredClient>> cache, String key,
                                              java.util.function.Function<String, Optional<RegisteredClient>> read) {
        if (!nodes.trusted()) return read.apply(key);
        Optional<RegisteredClient> hit = cache.getIfPresent(key);
        if (hit != null) return hit;
        long before = emptied.get();
        Optional<RegisteredClient> loaded = read.apply(key);
        cache.put(key, loaded);
        // Emptied since the read began: what was put may be older than the change (the emptying either saw it, or counted first).
        if (emptied.get() != before) cache.invalidate(key);
        return loaded;
    }

    /**
     * Where an app may send the browser back to after RP-initiated logout: its redirect URIs, and the origin of each
     * (with and without a trailing slash), its home page: an app that signs out through Lanyard lands there, signed
     * out of both, where a redirect URI would start a sign-in. A native app's custom-scheme URI has no origin.
     */
    static java.util.Set<String> postLogoutRedirectUris(java.util.Collection<String> redirectUris) {
        java.util.Set<String> uris = new java.util.LinkedHashSet<>(redirectUris);
        for (String redirect : redirectUris) {
            try {
                java.net.URI uri = new java.net.URI(redirect);
                if (uri.getScheme() == null || uri.getRawAuthority() == null) continue;
                String origin = uri.getScheme() + "://" + uri.getRawAuthority();
                uris.add(origin);
                uris.add(origin + "/");
            } catch (java.net.URISyntaxException unparsable) {
                // Registered URIs are checked when registered; one that is not a URI has no origin to add.
            }
        }
        return uris;
    }

    private RegisteredClient registered(AppClient app) {
        RegisteredClient.Builder builder = RegisteredClient.withId(app.id())
                .clientId(app.clientId())
                .clientName(app.name())
                .clientIdIssuedAt(app.createdAt())
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUris(uris -> uris.addAll(app.redirectUris()))
                .postLogoutRedirectUris(uris -> uris.addAll(postLogoutRedirectUris(app.redirectUris())))
                .scopes(scopes -> scopes.addAll(app.scopes()))
                .clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(true)
                        .setting(TEAM_SETTING, app.team().value()).build())
                .tokenSettings(TokenSettings.builder()
                        .accessTokenTimeToLive(ACCESS_TOKEN_LIFETIME)
                        .authorizationCodeTimeToLive(CODE_LIFETIME)
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
