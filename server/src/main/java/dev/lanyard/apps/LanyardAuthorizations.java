package dev.lanyard.apps;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.account.AccountId;
import dev.lanyard.session.EndReason;
import dev.lanyard.session.NodeCaches;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.Sessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContext;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The authorization server's grants, in Lanyard's tables, each living in a Lanyard session of
 * app type OAuth. Tokens are stored as hashes only. A grant whose session has ended is not
 * found: so introspection says inactive, and userinfo and refresh are refused, as soon as the
 * session ends, on every node (the session check is the validation cache's). A refresh token
 * presented a second time ends its grant's session.
 *
 * <p>Access token lookups are served from memory (no SQL) for the lifetime of the token on the
 * node that issued it; the session check decides whether it is still good. A grant without a session
 * (client credentials: an app's own token) has no session check: when it ends (revoked, the app deleted
 * or no longer allowed the grant), every node forgets its access token before the ending returns
 * ({@link NodeCaches}, the channel that session endings take), so the next lookup on any node reads it.
 * While this node may have missed that, nothing is served from memory ({@link AccessTokenCache}).
 *
 * <p>An ID token lookup (RP-initiated logout's {@code id_token_hint}) finds the grant by its newest ID token or by
 * one of the last {@link #EARLIER_ID_TOKENS} it issued before (a refresh issues a new one): RP-Initiated Logout 1.0
 * has the OP accept ID tokens it issued earlier, expired ones too.
 *
 * <p>A grant's session is started and checked by {@link GrantSessions}; a grant's JSON is {@link GrantJson}'s, and a found one
 * is built back by {@link FoundGrants}. The first two are built here (no Spring bean of their own).
 */
@Component
class LanyardAuthorizations implements OAuth2AuthorizationService {
    private static final Logger log = LoggerFactory.getLogger(LanyardAuthorizations.class);
    /** Attribute of a grant read back: the id of its Lanyard session. */
    static final String SESSION_ATTRIBUTE = "lanyard.session";
    /** Attribute of a grant read back: the member's account, as the session check found it (from the cache). */
    static final String ACCOUNT_ATTRIBUTE = "lanyard.account";
    /** Attribute of a grant read back: when the member signed in to the browser session that authorized it (an {@link Instant}). */
    static final String AUTH_TIME_ATTRIBUTE = "lanyard.auth-time";
    /**
     * Attribute of a grant read back: the issuer it was made under, as the authorization response named it ({@code iss}), kept
     * from when its code was issued. A back-channel logout token of a grant whose code was never exchanged names it, there
     * being no ID token to take the issuer from ({@link AppGrants.Holder}).
     */
    static final String ISSUER_ATTRIBUTE = "lanyard.issuer";
    /**
     * Attribute of a grant read back: the hash of the refresh token it held when it was read. A refresh that saves the
     * grant uses up that token, the one the request presented, not whatever the grant holds when it is saved: of two
     * refreshes with one token at once, the second then finds it used.
     */
    static final String READ_REFRESH_ATTRIBUTE = "lanyard.read-refresh";
    /** Attribute of a grant read back: the hash of the access token it held when it was read (none before its code is exchanged). */
    static final String READ_ACCESS_ATTRIBUTE = "lanyard.read-access";
    /**
     * What a used code's hash is noted under among used tokens: never the hash of a presented refresh token, so a used
     * code presented as a refresh token (or to introspection) is only unknown.
     */
    private static final String USED_CODE = "code:";
    /** Earlier ID tokens of a grant that still name it: an app that keeps the first one after 20 refreshes is rare. */
    static final int EARLIER_ID_TOKENS = 20;

    private final GrantStore store;
    private final RegisteredClientRepository clients;
    private final AppClientStore apps;
    private final Sessions sessions;
    private final JsonMapper json;
    private final Clock clock;
    /** Grants by the hash of their access token, with their body already read (introspection reads them on every call). */
    private final AccessTokenCache accessTokens;
    private final GrantSessions grantSessions;

    LanyardAuthorizations(GrantStore store, RegisteredClientRepository clients, AppClientStore apps, Sessions sessions,
                          JsonMapper json, Clock clock, NodeCaches nodes) {
        this.store = store;
        this.clients = clients;
        this.apps = apps;
        this.sessions = sessions;
        this.json = json;
        this.clock = clock;
        this.accessTokens = new AccessTokenCache(nodes);
        this.grantSessions = new GrantSessions(apps, sessions, accessTokens);
    }

    /** The scopes the grant was authorized for. */
    Set<String> scopes(StoredGrant grant) {
        Set<String> scopes = read(grant).body().scopes();
        return scopes == null ? Set.of() : scopes;
    }

    private GrantJson.Read read(StoredGrant grant) {
        return new GrantJson.Read(grant, json.readValue(grant.body(), GrantJson.Body.class));
    }

    @Override
    public void save(OAuth2Authorization given) {
        OAuth2Authorization authorization = grantable(given);
        Instant now = clock.instant();
        Optional<String> exchangedCode = exchangedCode(authorization);
        if (exchangedCode.isPresent() && !store.useUp(USED_CODE + exchangedCode.get(), authorization.getId(), now)) {
            // Two exchanges of one code raced, on one node or two: this is the second. Nothing of it is kept and no session
            // is started for it. If the first has stored its tokens, the grant ends with them; if not yet, they are the
            // only tokens of the code.
            log.warn("An authorization code was exchanged twice at once; ending grant {}", authorization.getId());
            store.find(authorization.getId()).ifPresent(raced -> end(raced, EndReason.TOKEN_REUSED));
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT));
        }
        Optional<StoredGrant> before = store.find(authorization.getId());
        Optional<String> sessionId = before.flatMap(StoredGrant::sessionId);
        Optional<String> sessionKey = before.flatMap(StoredGrant::sessionKey);
        Optional<String> browserSession = GrantSessions.browserSession(authorization);
        Optional<Instant> authTime = Optional.ofNullable(authorization.<Instant>getAttribute(AUTH_TIME_ATTRIBUTE));
        Optional<String> issuer = Optional.ofNullable(authorization.<String>getAttribute(ISSUER_ATTRIBUTE));
        if (sessionId.isEmpty() && authorization.getToken(OAuth2AuthorizationCode.class) != null) {
            Session browser = grantSessions.browser(authorization, browserSession);
            Sessions.AppSession started = grantSessions.startSession(authorization, browser);
            sessionId = Optional.of(started.session().id().value());
            sessionKey = Optional.of(started.key());
            authTime = Optional.of(browser.createdAt());
            // The authorize endpoint's, the one its answer with the code names (AuthorizeResponses).
            issuer = Optional.ofNullable(AuthorizationServerContextHolder.getContext()).map(AuthorizationServerContext::getIssuer);
        }
        Optional<String> refreshHash = hashOf(authorization.getRefreshToken());
        Optional<String> oldRefresh = Optional.ofNullable(authorization.<String>getAttribute(READ_REFRESH_ATTRIBUTE))
                .or(() -> before.flatMap(StoredGrant::refreshHash));
        Optional<String> idTokenHash = hashOf(authorization.getToken(OidcIdToken.class));
        Optional<String> oldIdToken = before.flatMap(StoredGrant::idTokenHash);
        String state = authorization.getAttribute(OAuth2ParameterNames.STATE);
        StoredGrant grant = new StoredGrant(authorization.getId(), authorization.getRegisteredClientId(),
                authorization.getPrincipalName(), sessionId, sessionKey,
                Optional.ofNullable(state).map(TokenHashes::hash), hashOf(authorization.getToken(OAuth2AuthorizationCode.class)),
                hashOf(authorization.getAccessToken()), refreshHash, idTokenHash,
                json.writeValueAsString(GrantJson.body(authorization, browserSession, authTime, issuer)), before.map(StoredGrant::createdAt).orElse(now), now);
        if (oldRefresh.isPresent() && !oldRefresh.equals(refreshHash) && !store.useUp(oldRefresh.get(), grant.id(), now)) {
            // Two exchanges of one refresh token raced, on one node or two: this is the second, a replay. Nothing of it
            // is kept, and the grant ends, the first exchange's new tokens with it.
            log.warn("A refresh token was exchanged twice at once; ending grant {} of client {}", grant.id(), grant.clientId());
            before.ifPresent(raced -> end(raced, EndReason.TOKEN_REUSED));
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT));
        }
        before.flatMap(StoredGrant::accessHash).ifPresent(accessTokens::forget);
        store.save(grant);
        if (oldIdToken.isPresent() && !oldIdToken.equals(idTokenHash)) {
            store.keepEarlierIdToken(grant.id(), oldIdToken.get(), now, EARLIER_ID_TOKENS);
        }
        // Cached as a lookup from the store reads it (the stored JSON, not the body written above), so both read alike.
        grant.accessHash().ifPresent(h -> accessTokens.put(h, read(grant)));
        if (invalidated(authorization.getRefreshToken()) || invalidated(authorization.getAccessToken())) {
            // Revocation (RFC 7009) by the app, or a replayed code (whose lookup already ended the grant as a replay,
            // findByToken): the whole grant ends, on every node, through its session.
            end(grant, EndReason.APP_REVOKED);
        }
    }

    /**
     * The hash of the code this save exchanges for the grant's first tokens: the code is used up and an access token is
     * there, good, where the grant had none when it was read. Empty for every other save (a replayed code's save has its
     * tokens invalidated, and ends the grant below).
     */
    private static Optional<String> exchangedCode(OAuth2Authorization authorization) {
        OAuth2Authorization.Token<OAuth2AuthorizationCode> code = authorization.getToken(OAuth2AuthorizationCode.class);
        boolean exchanged = code != null && code.isInvalidated() && authorization.getAccessToken() != null
                && !authorization.getAccessToken().isInvalidated() && authorization.getAttribute(READ_ACCESS_ATTRIBUTE) == null;
        return exchanged ? hashOf(code) : Optional.empty();
    }

    private static boolean invalidated(OAuth2Authorization.Token<?> token) {
        return token != null && token.isInvalidated();
    }

    /**
     * The grant with the scopes its app can be granted ({@link AppClient#grantable}): Spring authorizes every scope
     * asked for and consented to, a public app's {@code offline_access} with them, which gives it no refresh token and
     * so must not be reported in its token response, introspection or connected apps (outside review AE).
     */
    private OAuth2Authorization grantable(OAuth2Authorization authorization) {
        Set<String> scopes = authorization.getAuthorizedScopes();
        if (!scopes.contains(AuthorizationServerConfiguration.OFFLINE_ACCESS)) return authorization;
        return apps.find(authorization.getRegisteredClientId()).filter(app -> !app.confidential())
                .map(app -> OAuth2Authorization.from(authorization).authorizedScopes(app.grantable(scopes)).build())
                .orElse(authorization);
    }

    private static Optional<String> hashOf(OAuth2Authorization.Token<?> token) {
        return token == null ? Optional.empty() : Optional.of(TokenHashes.hash(token.getToken().getTokenValue()));
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
        Optional<StoredGrant> grant = store.find(authorization.getId());
        grant.flatMap(StoredGrant::accessHash).ifPresent(accessTokens::forget);
        // Deleted first: a node told to forget a grant without a session reads it again.
        store.delete(authorization.getId());
        grant.ifPresent(removed -> end(removed, EndReason.APP_REVOKED));
    }

    @Override
    public OAuth2Authorization findById(String id) {
        return store.find(id).map(this::read).flatMap(grantSessions::alive).map(live -> authorization(live, Optional.empty())).orElse(null);
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        if (token == null || token.isEmpty() || token.startsWith(TokenHashes.PLACEHOLDER)) return null;
        Optional<GrantStore.Kind> kind = FoundGrants.kind(tokenType);
        if (tokenType != null && kind.isEmpty()) return null;
        String hash = TokenHashes.hash(token);
        Optional<GrantJson.Read> found = kind.isEmpty() || kind.get() == GrantStore.Kind.ACCESS
                ? accessTokens.find(hash) : Optional.empty();
        if (found.isEmpty()) found = store.findByHash(hash, kind).map(this::read);
        if (found.isEmpty() && kind.isPresent() && kind.get() == GrantStore.Kind.REFRESH) {
            // A refresh token exchanged before, presented again to be exchanged by the grant's own client: a replay
            // (RFC 9700 4.14.2), and the grant ends. Presented by another client, or to introspection or revocation
            // (which ask without a type), it is only unknown: else anyone who saw it could end someone else's grant.
            store.usedRefresh(hash).flatMap(store::find).filter(FoundGrants::presentedByItsClient).ifPresent(replayed -> {
                log.warn("A refresh token was presented again; ending grant {} of client {}", replayed.id(), replayed.clientId());
                end(replayed, EndReason.TOKEN_REUSED);
            });
            return null;
        }
        boolean idToken = kind.isPresent() && kind.get() == GrantStore.Kind.ID_TOKEN;
        OAuth2Authorization authorization = found.flatMap(grantSessions::alive)
                .map(live -> authorization(live, Optional.of(new FoundGrants.Presented(token, hash, idToken)))).orElse(null);
        boolean code = kind.equals(Optional.of(GrantStore.Kind.CODE));
        if (authorization != null && code && FoundGrants.presentedByAnotherClient(found.get().grant())) {
            // Another app's code is only unknown to this one: Spring's provider would invalidate it, so whoever presents a
            // code they saw (another client of the team) could spoil the sign-in of its own app (outside review S).
            return null;
        }
        if (authorization != null && code && invalidated(authorization.getToken(OAuth2AuthorizationCode.class))
                && FoundGrants.presentedByItsClient(found.get().grant())) {
            // A code exchanged before, presented again by its own client: a replay, and the grant ends as one (the member
            // is told its tokens may be stolen). Spring would end it as well, but as if revoked.
            log.warn("An authorization code was presented again; ending grant {} of client {}", found.get().grant().id(), found.get().grant().clientId());
            end(found.get().grant(), EndReason.TOKEN_REUSED);
            return null;
        }
        return authorization;
    }

    /**
     * Whether the grant of {@code accountId} and the registered client {@code clientId} that lived in session {@code sid}
     * has ended (its session ended or expired, or no grant is stored for it any more), for RP-initiated logout with one
     * of its ID tokens ({@link EndedGrantLogout}); with the browser session that authorized it while the stored grant tells.
     * Empty while it lives, or when the session is another member's or app's. The session check counts as no use of it.
     */
    Optional<EndedGrantLogout.Ended> ended(String sid, String accountId, String clientId) {
        Optional<StoredGrant> stored = store.bySession(sid);
        if (stored.isEmpty()) return Optional.of(new EndedGrantLogout.Ended(Optional.empty()));
        StoredGrant grant = stored.get();
        if (!grant.accountId().equals(accountId) || !grant.clientId().equals(clientId) || grantSessions.lives(grant)) return Optional.empty();
        return Optional.of(new EndedGrantLogout.Ended(Optional.ofNullable(read(grant).body().browserSession())));
    }

    /**
     * Ends the grant for {@code reason}: its session, if it has one, so every token of the grant stops working on every node. A grant
     * without one (client credentials) must already be stored as it now is (its access token invalidated, or deleted):
     * every node forgets its access token, so its next lookup anywhere reads that.
     */
    void end(StoredGrant grant, EndReason reason) {
        grant.sessionId().ifPresent(id -> sessions.endApp(List.of(new SessionId(id)), new AccountId(grant.accountId()), reason));
        grant.accessHash().ifPresent(accessTokens::forget);
        if (grant.sessionId().isEmpty() && grant.accessHash().isPresent()) accessTokens.forgetOnEveryNode(List.of(grant.accessHash().get()));
    }

    /**
     * Ends the grants an app holds for itself (client credentials), in the caller's transaction: they are deleted and
     * every node forgets their access tokens. For an app deleted, or whose client credentials scopes changed
     * ({@link ClientCredentials.Changed}: Shared Signals turned off or on), so that none of its tokens issued before
     * is active anywhere on the next request.
     */
    void endOwnGrants(String appId, String clientId) {
        List<String> hashes = store.deleteOwn(appId, clientId);
        if (hashes.isEmpty()) return;
        accessTokens.forgetAll(hashes);
        accessTokens.forgetOnEveryNode(hashes);
    }

    /**
     * The grant as Spring's authorization, if its app is still registered ({@link FoundGrants#authorization}). Looked up
     * by its refresh token (the token endpoint's refresh, or introspection: both read the grant from the database
     * already), the refresh token expires no later than the grant's session, as the session now is.
     */
    private OAuth2Authorization authorization(FoundGrants.Live live, Optional<FoundGrants.Presented> presented) {
        StoredGrant grant = live.read().grant();
        RegisteredClient client = clients.findById(grant.clientId());
        if (client == null) return null;
        boolean byRefreshToken = presented.isPresent() && grant.refreshHash().equals(Optional.of(presented.get().hash()));
        Optional<Instant> refreshEndsBy = byRefreshToken ? grantSessions.ends(grant)
                .map(ends -> TokenConfiguration.SPRING_TOKENS.instant().plus(java.time.Duration.between(clock.instant(), ends))) : Optional.empty();
        return FoundGrants.authorization(client, live, presented, refreshEndsBy);
    }

    /** What an app may do with client credentials changed: the tokens it holds end (in the changing transaction). */
    @org.springframework.context.event.EventListener
    void on(ClientCredentials.Changed changed) {
        apps.find(changed.appId()).ifPresent(app -> endOwnGrants(app.id(), app.clientId()));
    }

}
