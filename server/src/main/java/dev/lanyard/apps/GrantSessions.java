package dev.lanyard.apps;

import java.security.Principal;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.session.AppType;
import dev.lanyard.session.ClientOrigin;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.Sessions;
import dev.lanyard.session.Verification;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;

/**
 * The Lanyard session a grant lives in: started when its code is first saved with tokens ({@link LanyardAuthorizations#save}),
 * from the browser session that asked for the code, whose sign-in is the grant's {@code auth_time}; and checked each time
 * the grant is found, which it is only while the session is active.
 */
final class GrantSessions {
    private static final Sessions.Use TOKEN_USE = new Sessions.Use("", Optional.empty(), true);
    private static final Sessions.Use LOOKED_AT = new Sessions.Use("", Optional.empty(), false);

    private final AppClientStore apps;
    private final Sessions sessions;
    private final AccessTokenCache accessTokens;

    GrantSessions(AppClientStore apps, Sessions sessions, AccessTokenCache accessTokens) {
        this.apps = apps;
        this.sessions = sessions;
        this.accessTokens = accessTokens;
    }

    /** The browser session that asked for the grant's code: its sign-in is the grant's {@code auth_time}. */
    Session browser(OAuth2Authorization authorization, Optional<String> browserSession) {
        AccountId account = new AccountId(authorization.getPrincipalName());
        return browserSession.map(id -> sessions.get(new SessionId(id), account))
                .orElseThrow(() -> new IllegalStateException("An authorization code without the session that asked for it"));
    }

    /**
     * The grant's session. It is remembered (the team's "Remember me" lifetime, where allowed: PRODUCT.md L3) when
     * the member allowed a confidential app {@code offline_access}, which the consent page offers as "Stay connected", or when the
     * browser session that authorized it was remembered; otherwise it lasts as a sign-in without "Remember me".
     */
    Sessions.AppSession startSession(OAuth2Authorization authorization, Session browser) {
        AccountId account = new AccountId(authorization.getPrincipalName());
        Optional<AppClient> app = apps.find(authorization.getRegisteredClientId());
        String name = app.map(AppClient::name).orElse("App");
        ClientOrigin origin = new ClientOrigin(browser.device(), browser.userAgent(), browser.ip(), browser.location());
        // offline_access keeps a confidential app connected with its refresh token; a public app gets none, so it stays
        // no longer than any sign-in (outside review S).
        boolean remembered = browser.rememberMe() || authorization.getAuthorizedScopes().contains("offline_access")
                && app.map(AppClient::confidential).orElse(false);
        // Authorized from a verified session, the grant is verified as that session is (outside QA AH: it was unverified for
        // good, a recommendation the member could only clear by revoking the app).
        Verification verification = browser.verified() ? Verification.AUTHORIZED_FROM_VERIFIED : Verification.NONE;
        return sessions.startApp(new NewSession(account, origin, AppType.OAUTH, remembered, verification), name);
    }

    /** The Lanyard browser session that authorized the grant, if it was one. */
    static Optional<String> browserSession(OAuth2Authorization authorization) {
        Object principal = authorization.getAttribute(Principal.class.getName());
        if (principal instanceof GrantPrincipal grant) return grant.browserSession();
        if (principal instanceof Authentication auth && auth.getPrincipal() instanceof CurrentSession current) {
            return Optional.of(current.id().value());
        }
        return Optional.empty();
    }

    /** When the grant's session ends at the latest (its lifetime; the idle timeout moves with use), read from the database. */
    Optional<java.time.Instant> ends(StoredGrant grant) {
        if (grant.sessionId().isEmpty()) return Optional.empty();
        try {
            return Optional.of(sessions.get(new SessionId(grant.sessionId().get()), new AccountId(grant.accountId())).expiresAt());
        } catch (dev.lanyard.session.SessionProblem.NotFound gone) {
            return Optional.empty();
        }
    }

    /** Whether the grant's session is active, checked as {@link #alive} checks it, without counting as a use of it. */
    boolean lives(StoredGrant grant) {
        return grant.sessionKey().map(key -> sessions.checkApp(key, LOOKED_AT)).orElse(null) instanceof Sessions.Check.Valid valid
                && valid.session().account().id().value().equals(grant.accountId());
    }

    /** The grant if its session is still active (or it has none yet: consent pending). */
    Optional<FoundGrants.Live> alive(GrantJson.Read read) {
        StoredGrant grant = read.grant();
        if (grant.sessionKey().isEmpty()) return Optional.of(new FoundGrants.Live(read, Optional.empty()));
        Sessions.Check check = sessions.checkApp(grant.sessionKey().get(), TOKEN_USE);
        if (check instanceof Sessions.Check.Valid valid && valid.session().account().id().value().equals(grant.accountId())) {
            return Optional.of(new FoundGrants.Live(read, Optional.of(valid.session().account())));
        }
        grant.accessHash().ifPresent(accessTokens::forget);
        return Optional.empty();
    }
}
