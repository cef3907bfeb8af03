package dev.lanyard.session;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The session a request is made with, and the account holding it: the principal of every request.
 *
 * @param keyScopes present when the request is made with an API key: what the key may do. The
 *                  account's role is then already limited by them (an admin's key without the
 *                  {@code admin} scope acts as a member).
 */
public record CurrentSession(SessionId id, Account account, AppType appType, Optional<Set<String>> keyScopes) {
    public CurrentSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(appType, "appType");
        keyScopes = Objects.requireNonNullElse(keyScopes, Optional.<Set<String>>empty()).map(Set::copyOf);
    }

    /** A session of a sign-in (not an API key). */
    public CurrentSession(SessionId id, Account account, AppType appType) {
        this(id, account, appType, Optional.empty());
    }

    /**
     * The session (or API key) of the request this thread serves, when it is {@code account}'s: for what an event
     * names only by who acted, published and heard on the request's thread.
     */
    public static Optional<SessionId> actingFor(AccountId account) {
        return Optional.ofNullable(SecurityContextHolder.getContext().getAuthentication())
                .map(Authentication::getPrincipal)
                .filter(p -> p instanceof CurrentSession s && s.account().id().equals(account))
                .map(p -> ((CurrentSession) p).id());
    }

    /**
     * Whether {@code authentication} came as a browser's sign-in does: a Lanyard session (not an API key) whose token
     * came in the session cookie. It reads only how the token arrived, not how the session was signed in: a session
     * signed in for a bearer token ({@code tokenType=bearer}) whose token a program sends as the cookie passes. Where
     * only the member's browser may act (authorizing an app, decision 65), also ask {@link Sessions#issuedForBearer}.
     */
    public static boolean browser(Authentication authentication) {
        return authentication instanceof SessionAuthentication session && session.cookie() && !session.getPrincipal().apiKey();
    }

    /** Whether the request is made with an API key. */
    public boolean apiKey() {
        return keyScopes.isPresent();
    }
}
