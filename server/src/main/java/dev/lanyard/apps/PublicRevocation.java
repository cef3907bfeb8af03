package dev.lanyard.apps;

import java.util.Map;

import dev.lanyard.session.SessionFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * A public app (a single-page or native app, no secret) revokes its own token by naming itself with {@code client_id}
 * (RFC 7009 §2.1, §5: a public client cannot authenticate, and revoking only its own tokens needs the token itself).
 * Spring takes a public client only at the token endpoint with a PKCE verifier, so an app's sign-out could not end its
 * grant, though the endpoint answered its origin's CORS requests (outside review AE). The revocation then works as for
 * any app: another app's token is left alone and answered {@code 200}.
 */
final class PublicRevocation {
    private PublicRevocation() {
    }

    /**
     * A revocation request with {@code client_id} and no secret, header or form, naming a public app. Any other app's id
     * alone is no client authentication, answered as none is ({@code invalid_client} with its challenge): a provider
     * refusing it here would be overridden by Spring's own wording (outside re-check AF).
     */
    static AuthenticationConverter converter(String revocationEndpoint, RegisteredClientRepository clients) {
        return request -> {
            if (!"POST".equals(request.getMethod()) || !revocationEndpoint.equals(SessionFilter.sentPath(request))) return null;
            if (request.getHeader(HttpHeaders.AUTHORIZATION) != null || request.getParameter(OAuth2ParameterNames.CLIENT_SECRET) != null)
                return null;
            String clientId = request.getParameter(OAuth2ParameterNames.CLIENT_ID);
            if (clientId == null || clientId.isBlank()) return null;
            if (!isPublic(clients, clientId)) return null;
            return new OAuth2ClientAuthenticationToken(clientId, ClientAuthenticationMethod.NONE, null, Map.of(REVOCATION, true));
        };
    }

    /** Whether {@code clientId} is a registered public app's (one that authenticates with {@code none}). */
    static boolean isPublic(RegisteredClientRepository clients, String clientId) {
        RegisteredClient client = clients.findByClientId(clientId);
        return client != null && client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE);
    }

    /** Authenticates what {@link #converter} made: an app registered as public, by its id alone. */
    static AuthenticationProvider provider(RegisteredClientRepository clients) {
        return new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication authentication) {
                OAuth2ClientAuthenticationToken named = (OAuth2ClientAuthenticationToken) authentication;
                if (!ClientAuthenticationMethod.NONE.equals(named.getClientAuthenticationMethod())
                        || !Boolean.TRUE.equals(named.getAdditionalParameters().get(REVOCATION))) return null;
                RegisteredClient client = clients.findByClientId(named.getPrincipal().toString());
                if (client == null || !client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)) {
                    throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
                            "Client authentication failed: a public app's client_id, or a secret.", null));
                }
                return new OAuth2ClientAuthenticationToken(client, ClientAuthenticationMethod.NONE, null);
            }

            @Override
            public boolean supports(Class<?> authentication) {
                return OAuth2ClientAuthenticationToken.class.isAssignableFrom(authentication);
            }
        };
    }

    /** Marks a token {@link #converter} made, so that no other public-client request is authenticated here. */
    private static final String REVOCATION = "lanyard.public-revocation";
}
