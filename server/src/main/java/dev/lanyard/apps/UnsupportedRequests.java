package dev.lanyard.apps;

import java.util.Map;
import java.util.function.Consumer;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.util.StringUtils;

/**
 * The validator step (and a converter step) that refuses what an authorization request may ask for and Lanyard does not do, where Spring
 * ignored it silently (outside review S): a {@code response_mode} other than {@code query} (the code would still come
 * in the query, where the app does not look: {@code unsupported_response_mode}, OAuth 2.0 Multiple Response Types),
 * and a request object by value (OpenID Connect Core 6: {@code request_not_supported}). The errors go back as any
 * other ({@link AuthorizeErrors}). A PKCE challenge that no verifier can match is {@code invalid_request}. A request
 * object by reference is {@code request_uri_not_supported} ({@link #noRequestUris}).
 */
final class UnsupportedRequests {
    private static final java.util.regex.Pattern S256_CHALLENGE = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{43}");

    private UnsupportedRequests() {
    }

    static Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> refused() {
        return context -> {
            OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
            Map<String, Object> parameters = request.getAdditionalParameters();
            Object mode = parameters.get("response_mode");
            if (mode != null && !"query".equals(mode)) {
                throw refusal("unsupported_response_mode", "Only response_mode=query is supported.", request);
            }
            if (parameters.containsKey("request")) throw refusal("request_not_supported", "Request objects are not supported.", request);
            // RFC 7636 §4.2: an S256 challenge (the one method Lanyard takes) is 43 base64url characters; another could never
            // be matched by a verifier, and its code would only wait to be swept.
            if (parameters.get(org.springframework.security.oauth2.core.endpoint.PkceParameterNames.CODE_CHALLENGE) instanceof String challenge
                    && !S256_CHALLENGE.matcher(challenge).matches()) {
                throw refusal(org.springframework.security.oauth2.core.OAuth2ErrorCodes.INVALID_REQUEST,
                        "code_challenge must be the base64url SHA-256 of the code_verifier: 43 characters (RFC 7636 4.2).", request);
            }
        };
    }

    /**
     * Spring's converter of authorization requests, then a refusal of any {@code request_uri} (OpenID Connect Core 6.2:
     * {@code request_uri_not_supported}; discovery says {@code request_uri_parameter_supported: false}). Lanyard takes
     * no pushed authorization requests, and Spring looked the URI up as one before it read the client, so its refusal was
     * Lanyard's 400 page. Refused before the client is read, in the form of Spring's own refusals of a parameter, so that
     * {@link AuthorizeErrors} reads the client and redirect URI itself and sends it back as {@code request_not_supported}
     * is (a validator step, which runs after that lookup, could not).
     */
    static AuthenticationConverter noRequestUris(AuthenticationConverter spring) {
        return request -> {
            Authentication asked = spring.convert(request);
            String[] uris = request.getParameterValues(OAuth2ParameterNames.REQUEST_URI);
            if (asked != null && uris != null && java.util.Arrays.stream(uris).anyMatch(StringUtils::hasText)) {
                throw new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error("request_uri_not_supported",
                        AuthorizeRefusals.SPRINGS + OAuth2ParameterNames.REQUEST_URI, null), null);
            }
            return asked;
        };
    }

    private static OAuth2AuthorizationCodeRequestAuthenticationException refusal(String code, String description,
                                                                                 OAuth2AuthorizationCodeRequestAuthenticationToken request) {
        return new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(code, description, null), request);
    }
}
