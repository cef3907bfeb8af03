package dev.lanyard.apps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.web.DefaultRedirectStrategy;
import org.springframework.security.web.RedirectStrategy;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.util.StringUtils;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * Sends the code back to the app as Spring's authorization endpoint does ({@code code}, {@code state}), with the issuer
 * ({@code iss}, RFC 9207): an app that signs in through several providers at one redirect URI can tell which of them
 * answered, and so refuses a code a malicious provider's answer slipped to the honest one's token endpoint (a mix-up
 * attack). {@link AuthorizeErrors} adds it to the errors it sends back too. Spring Authorization Server 7.1 adds none.
 */
final class AuthorizeResponses implements AuthenticationSuccessHandler {
    static final String ISSUER = "iss";

    private final RedirectStrategy redirects = new DefaultRedirectStrategy();

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response, Authentication authentication)
            throws IOException {
        OAuth2AuthorizationCodeRequestAuthenticationToken answered = (OAuth2AuthorizationCodeRequestAuthenticationToken) authentication;
        OAuth2AuthorizationCode code = answered.getAuthorizationCode();
        if (answered.getRedirectUri() == null || code == null) throw new IllegalStateException("An authorization response without a redirect URI or code");
        UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(answered.getRedirectUri()).queryParam("code", code.getTokenValue());
        if (StringUtils.hasText(answered.getState())) uri.queryParam("state", UriUtils.encode(answered.getState(), StandardCharsets.UTF_8));
        redirects.sendRedirect(request, response, issued(uri).build(true).toUriString());
    }

    /**
     * Adds {@code iss}: the issuer of this request exactly as discovery names it (the same context gives both), encoded as
     * a query value ({@code https%3A%2F%2Flanyard.example}), so the query stays well-formed whatever the issuer's path.
     */
    static UriComponentsBuilder issued(UriComponentsBuilder uri) {
        String issuer = AuthorizationServerContextHolder.getContext().getIssuer();
        return uri.queryParam(ISSUER, UriUtils.encode(issuer, StandardCharsets.UTF_8));
    }
}
