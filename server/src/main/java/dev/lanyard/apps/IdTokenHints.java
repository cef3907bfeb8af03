package dev.lanyard.apps;

import java.util.Optional;
import java.util.function.Consumer;

import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.Sessions;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.util.StringUtils;

/**
 * The validator step for {@code id_token_hint} (OpenID Connect Core 3.1.2.1): an ID token the app holds, naming the member
 * it expects to be signed in. Spring ignored it, so an app asking with {@code prompt=none} whether Bob was still signed in
 * got a code for whoever was, and any text passed as a hint (outside review). Now a hint that is no ID token Lanyard issued
 * ({@link IssuedIdTokens}; an expired one is still a hint) is {@code invalid_request}, and a hint naming another account
 * than the member signed in to Lanyard in this browser is {@code login_required}: both answered as every refusal is
 * ({@link AuthorizeErrors}: back to the app only for a signed-in member of its team). A hint naming the member signed in
 * changes nothing; with nobody signed in, the browser signs in first and the hint is checked when it comes back.
 */
final class IdTokenHints {
    static final String ID_TOKEN_HINT = "id_token_hint";

    private IdTokenHints() {
    }

    static Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> checked(IssuedIdTokens idTokens, Sessions sessions) {
        return context -> {
            OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
            // RFC 6749 §3.1: a parameter sent empty is one left out. A repeated one never gets here (RepeatedParameters.atAuthorize).
            if (!(request.getAdditionalParameters().get(ID_TOKEN_HINT) instanceof String hint) || !StringUtils.hasText(hint)) return;
            Optional<Jwt> named = idTokens.read(hint);
            if (named.isEmpty()) {
                throw refusal(OAuth2ErrorCodes.INVALID_REQUEST, "id_token_hint is not an ID token this server issued.", request);
            }
            Optional<CurrentSession> member = AuthorizeChecks.member(request, sessions);
            if (member.isPresent() && !member.get().account().id().value().equals(named.get().getSubject())) {
                throw refusal("login_required", "The account the id_token_hint names is not the one signed in to Lanyard in this browser.",
                        request);
            }
        };
    }

    private static OAuth2AuthorizationCodeRequestAuthenticationException refusal(String code, String description,
                                                                                 OAuth2AuthorizationCodeRequestAuthenticationToken request) {
        return new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(code, description, null), request);
    }
}
