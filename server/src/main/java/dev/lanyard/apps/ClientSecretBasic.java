package dev.lanyard.apps;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.web.authentication.ClientSecretBasicAuthenticationConverter;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.util.StringUtils;

/**
 * Client secret basic ({@code Authorization: Basic}), read as Spring's
 * {@link ClientSecretBasicAuthenticationConverter} reads it, without the regular expression that
 * converter compiles on every request to split the header (≈ 7% of an introspection's CPU,
 * bench/RESULTS.md, issue 13). The common header, {@code Basic} and one credential without
 * whitespace, of a request that is not an authorization code exchange, is read here; anything else
 * (other spacing, a code exchange, whose parameters the token carries) goes to Spring's converter,
 * so every answer stays Spring's. {@code ClientSecretBasicTest} compares the two.
 */
final class ClientSecretBasic implements AuthenticationConverter {
    private final AuthenticationConverter spring = new ClientSecretBasicAuthenticationConverter();

    @Override
    public Authentication convert(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !plain(header) || codeExchange(request)) return spring.convert(request);
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(header.substring(6).getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST), e);
        }
        String credentials = new String(decoded, StandardCharsets.UTF_8);
        int colon = credentials.indexOf(':');
        if (colon < 0 || !StringUtils.hasText(credentials.substring(0, colon)) || !StringUtils.hasText(credentials.substring(colon + 1))) {
            throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_REQUEST);
        }
        String clientId;
        String secret;
        try {
            clientId = URLDecoder.decode(credentials.substring(0, colon), StandardCharsets.UTF_8);
            secret = URLDecoder.decode(credentials.substring(colon + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST), e);
        }
        return new OAuth2ClientAuthenticationToken(clientId, ClientAuthenticationMethod.CLIENT_SECRET_BASIC, secret, Map.of());
    }

    /** "Basic" in any case, one space, then at least one character and no whitespace (as {@code \s} means it). */
    static boolean plain(String header) {
        if (header.length() < 7 || !header.regionMatches(true, 0, "Basic", 0, 5) || header.charAt(5) != ' ') return false;
        for (int i = 6; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r') return false;
        }
        return true;
    }

    /** An authorization code exchange: Spring's converter puts its parameters in the token. */
    private static boolean codeExchange(HttpServletRequest request) {
        return AuthorizationGrantType.AUTHORIZATION_CODE.getValue().equals(request.getParameter(OAuth2ParameterNames.GRANT_TYPE))
                && request.getParameter(OAuth2ParameterNames.CODE) != null;
    }
}
