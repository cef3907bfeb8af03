package dev.lanyard.apps;

import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import dev.lanyard.factors.SecondFactorRequirement;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.Sessions;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;

/**
 * What the authorize endpoint checks of a member's request beyond Spring's own checks, for
 * {@link AuthorizationServerConfiguration}: the request is the member's own browser sign-in's ({@link #member}), the app
 * is their own team's and asks only for scopes a member may give, no second factor is owed, and whether consent must be
 * asked.
 */
final class AuthorizeChecks {
    private AuthorizeChecks() {
    }

    /**
     * A member signs in only to apps their own team registered, and not while their team requires a second factor
     * they have not set up (decision 22: held sessions reach nothing but setting one up).
     */
    static Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> sameTeam(AppClientStore apps,
                                                                              SecondFactorRequirement secondFactor,
                                                                              Sessions sessions) {
        return context -> {
            OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
            // Scopes of the app's own tokens (client credentials, such as ssf) are never a member's to give.
            Set<String> memberScopes = apps.find(context.getRegisteredClient().getId()).map(AppClient::scopes).orElse(Set.of());
            if (!memberScopes.containsAll(request.getScopes())) {
                throw new OAuth2AuthorizationCodeRequestAuthenticationException(
                        new OAuth2Error(OAuth2ErrorCodes.INVALID_SCOPE, "This scope cannot be asked for by signing a member in.", null), request);
            }
            Optional<CurrentSession> signedIn = member(request, sessions);
            if (signedIn.isEmpty()) return;
            CurrentSession member = signedIn.get();
            boolean ours = apps.find(context.getRegisteredClient().getId()).map(app -> app.team().equals(member.account().team())).orElse(false);
            if (!ours) {
                throw new OAuth2AuthorizationCodeRequestAuthenticationException(
                        new OAuth2Error(OAuth2ErrorCodes.ACCESS_DENIED, "This app belongs to another team.", null), request);
            }
            if (secondFactor.holds(member.account())) {
                throw new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(OAuth2ErrorCodes.ACCESS_DENIED,
                        "Your team requires two-factor authentication: set it up in Lanyard, then sign in to the app again.", null), request);
            }
        };
    }

    /**
     * Consent is asked unless the member already allowed every scope requested that the app can be granted
     * ({@link AppClient#grantable}: not a public app's {@code offline_access}), and the app did not ask with
     * {@code prompt=consent}, even for
     * {@code openid} alone (which Spring's default lets through unasked): every app a member
     * signs in to is one they consented to, and so one listed under Connected apps.
     */
    static boolean consentMissing(OAuth2AuthorizationCodeRequestAuthenticationContext context, ConsentStore consents,
                                  AppClientStore apps, Sessions sessions) {
        OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
        Optional<CurrentSession> member = member(request, sessions);
        if (member.isEmpty()) return true;
        // prompt=consent (OpenID Connect Core 3.1.2.1): asked again, whatever the member allowed before.
        if (request.getAdditionalParameters().get(SignInAgain.PROMPT) instanceof String prompt
                && java.util.Arrays.asList(prompt.split(" ")).contains("consent")) return true;
        Set<String> asked = apps.find(context.getRegisteredClient().getId()).map(app -> app.grantable(request.getScopes()))
                .orElse(request.getScopes());
        return consents.find(context.getRegisteredClient().getId(), member.get().account().id().value())
                .map(c -> !c.scopes().containsAll(asked)).orElse(true);
    }

    /**
     * The member signed in to Lanyard in this browser who makes the authorize request, or empty for
     * someone not signed in (Spring sends them to the sign-in page). Anyone else signed in, by an API
     * key, a session's bearer token or any token that is not a Lanyard browser session (its cookie), is refused: only a member's own sign-in
     * consents and starts a grant ({@link #browserSignIn}).
     */
    static Optional<CurrentSession> member(OAuth2AuthorizationCodeRequestAuthenticationToken request, Sessions sessions) {
        if (!(request.getPrincipal() instanceof Authentication user) || user instanceof AnonymousAuthenticationToken || !user.isAuthenticated()) {
            return Optional.empty();
        }
        // The browser's own sign-in only: a session signed in for a bearer token is a program's, not the member at a browser (outside review S),
        // also when the program sends its token as the session cookie.
        if (user.getPrincipal() instanceof CurrentSession member && browserSignIn(user, sessions)) return Optional.of(member);
        throw new OAuth2AuthorizationCodeRequestAuthenticationException(
                new OAuth2Error(OAuth2ErrorCodes.ACCESS_DENIED, "Sign in to Lanyard in this browser.", null), request);
    }

    /**
     * Whether {@code user} is the member's own browser sign-in: a session's token in the session cookie
     * ({@link CurrentSession#browser}), of a session not signed in for a bearer token, whose token a program could send as
     * the cookie just as well (decision 65, addendum). The second test reads the session's row: only the authorize
     * endpoint and its consent form ask, never the per-request check.
     */
    static boolean browserSignIn(Authentication user, Sessions sessions) {
        return CurrentSession.browser(user) && !sessions.issuedForBearer(((CurrentSession) user.getPrincipal()).id());
    }
}
