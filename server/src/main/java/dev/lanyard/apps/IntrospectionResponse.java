package dev.lanyard.apps;

import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2TokenIntrospectionClaimNames;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenIntrospection;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.util.StringUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * The introspection answer (RFC 7662 section 2.2), written as Spring's
 * {@code OAuth2TokenIntrospectionHttpMessageConverter} writes it (the token's claims in their order,
 * {@code scope} space-delimited, {@code exp}, {@code iat} and {@code nbf} in epoch seconds, as
 * {@code application/json}) without its generic converter chain, which looked every time claim up
 * again through the conversion service and wrapped the response for a message converter: ≈ 14% of an
 * introspection's CPU (bench/RESULTS.md, issue 13). {@code IntrospectionResponseTest} compares the two.
 */
final class IntrospectionResponse implements AuthenticationSuccessHandler {
    private final JsonMapper json;

    IntrospectionResponse(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response, Authentication authentication)
            throws IOException {
        byte[] body = json.writeValueAsBytes(parameters(((OAuth2TokenIntrospectionAuthenticationToken) authentication).getTokenClaims()));
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    static Map<String, Object> parameters(OAuth2TokenIntrospection introspection) {
        Map<String, Object> parameters = new LinkedHashMap<>(introspection.getClaims());
        parameters.computeIfPresent(OAuth2TokenIntrospectionClaimNames.SCOPE, (name, scope) ->
                scope instanceof Collection<?> scopes && !scopes.isEmpty() ? StringUtils.collectionToDelimitedString(scopes, " ") : scope);
        for (String time : new String[] {OAuth2TokenIntrospectionClaimNames.EXP, OAuth2TokenIntrospectionClaimNames.IAT,
                OAuth2TokenIntrospectionClaimNames.NBF}) {
            parameters.computeIfPresent(time, (name, value) -> value instanceof Instant instant ? instant.getEpochSecond() : value);
        }
        return parameters;
    }
}
