package dev.lanyard.apps;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.factors.SecondFactorRequirement;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.EndReason;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.Sessions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcUserInfoAuthenticationContext;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * What Lanyard answers at two OpenID Connect endpoints of {@link AuthorizationServerConfiguration}'s chain: userinfo's
 * claims, and RP-initiated logout's sessions ended and where the browser goes next.
 */
final class OidcEndpoints {
    private OidcEndpoints() {
    }

    /** Userinfo answers from the account, within the scopes the member consented to. */
    static OidcUserInfo userInfo(OidcUserInfoAuthenticationContext context, Accounts accounts, SecondFactorRequirement secondFactor) {
        OAuth2Authorization authorization = context.getAuthorization();
        Set<String> scopes = context.getAccessToken().getScopes();
        Account account = Optional.ofNullable(authorization.<Account>getAttribute(LanyardAuthorizations.ACCOUNT_ATTRIBUTE))
                .or(() -> accounts.find(new AccountId(authorization.getPrincipalName())))
                .filter(found -> !secondFactor.holds(found)) // held by the team's second-factor rule (decision 22)
                .orElseThrow(() -> new org.springframework.security.oauth2.core.OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_TOKEN));
        Map<String, Object> claims = new HashMap<>();
        claims.put("sub", account.id().value());
        if (authorization.getAttribute(LanyardAuthorizations.SESSION_ATTRIBUTE) instanceof String sid) claims.put("sid", sid);
        if (scopes.contains("profile")) claims.put("name", account.name());
        if (scopes.contains("email")) {
            claims.put("email", account.email());
            claims.put("email_verified", accounts.emailVerified(account.id()));
        }
        return new OidcUserInfo(claims);
    }

    /**
     * RP-initiated logout: the grant's session ends, as ended by the app ({@link EndReason#APP_SIGNED_OUT}), and so does the member's Lanyard session in this browser
     * when it is the one that authorized the grant; then back to the app's registered address, or to the
     * sign-in page. An ID token from a grant another session authorized (another browser, an earlier sign-in)
     * ends that grant only: anyone holding an ID token, or any app, could otherwise sign the member out of
     * Lanyard with a link (RP-Initiated Logout 1.0 §2 asks the OP to ask first; Lanyard does not end it at all). A grant
     * that ended already ({@link EndedGrantLogout}) is answered the same way, with nothing of it left to end.
     */
    static void loggedOut(HttpServletRequest request, HttpServletResponse response, OidcLogoutAuthenticationToken logout,
                          Sessions sessions, LanyardAuthorizations authorizations) throws IOException {
        OidcIdToken idToken = logout.getIdToken();
        // A grant that ended already (EndedGrantLogout) has nothing left to end but, where its stored grant tells, this browser's session.
        Optional<String> authorizedBy = logout instanceof EndedGrantLogout.Token ended ? ended.authorizedBy()
                : idToken == null ? Optional.empty() : Optional.ofNullable(authorizations.findByToken(
                        idToken.getTokenValue(), new org.springframework.security.oauth2.server.authorization.OAuth2TokenType(
                                org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames.ID_TOKEN)))
                .flatMap(GrantSessions::browserSession);
        if (idToken != null && idToken.getClaim("sid") instanceof String sid && idToken.getSubject() != null) {
            // Ended by the app, not by the member: whoever holds the ID token may send this link.
            sessions.endApp(List.of(new SessionId(sid)), new AccountId(idToken.getSubject()), EndReason.APP_SIGNED_OUT);
        }
        if (logout.getPrincipal() instanceof Authentication user && user.getPrincipal() instanceof CurrentSession browser
                && authorizedBy.equals(Optional.of(browser.id().value()))) {
            sessions.logout(browser);
        }
        String target = request.getContextPath() + "/login?out";
        // Back to the app only for the member the ID token names, signed in here: anyone can register an app and
        // hold an ID token of their own, so a link would otherwise send anyone to any address (RFC 9700 §4.11.2).
        boolean named = logout.getPrincipal() instanceof Authentication user && user.getPrincipal() instanceof CurrentSession browser
                && !browser.apiKey() && idToken != null && browser.account().id().value().equals(idToken.getSubject());
        if (logout.getPostLogoutRedirectUri() != null && named) {
            UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(logout.getPostLogoutRedirectUri());
            if (logout.getState() != null) uri.queryParam("state", URLEncoder.encode(logout.getState(), StandardCharsets.UTF_8));
            target = uri.build(true).toUriString();
        }
        response.sendRedirect(target);
    }
}
