package dev.lanyard.apps;

import java.util.List;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * What Lanyard's discovery documents say it supports, for {@link AuthorizationServerConfiguration}.
 */
final class Discovery {
    private Discovery() {
    }

    /**
     * Discovery (both documents: OpenID Connect's and RFC 8414's) names only what a Lanyard app can use: Spring lists
     * every client authentication and grant it knows, DPoP and certificate-bound tokens, and a library that picks from
     * discovery would choose one Lanyard refuses (private_key_jwt: invalid_client) or believe its tokens sender-constrained.
     * Apps authenticate with their secret (basic or post), or, public, with none at the token endpoint (PKCE) and to revoke their own token; they use
     * codes, refresh tokens and, for Shared Signals receivers, client credentials. Both say that authorization responses
     * carry {@code iss} (RFC 9207), which Spring's own documents leave out, that they come in the query alone, and that
     * a {@code request_uri} is not taken; OpenID Connect's names the claims an ID token or userinfo gives.
     */
    static org.springframework.security.oauth2.server.authorization.oidc.OidcProviderConfiguration.Builder supported(
            org.springframework.security.oauth2.server.authorization.oidc.OidcProviderConfiguration.Builder metadata) {
        return metadata.tokenEndpointAuthenticationMethods(Supported.TOKEN_AUTHENTICATION).tokenRevocationEndpointAuthenticationMethods(Supported.TOKEN_AUTHENTICATION)
                .tokenIntrospectionEndpointAuthenticationMethods(Supported.SECRET).grantTypes(Supported.GRANTS).claims(Supported.NOT_OFFERED)
                .claim(Supported.ISS_PARAMETER, true).claim(Supported.RESPONSE_MODES, Supported.QUERY_ONLY)
                .claim(Supported.REQUEST_URIS, false).claim(Supported.CLAIMS, Supported.CLAIMS_GIVEN);
    }

    /** {@link #supported(org.springframework.security.oauth2.server.authorization.oidc.OidcProviderConfiguration.Builder)} for RFC 8414's document. */
    static void supported(org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationServerMetadata.Builder metadata) {
        metadata.tokenEndpointAuthenticationMethods(Supported.TOKEN_AUTHENTICATION).tokenRevocationEndpointAuthenticationMethods(Supported.TOKEN_AUTHENTICATION)
                .tokenIntrospectionEndpointAuthenticationMethods(Supported.SECRET).grantTypes(Supported.GRANTS).claims(Supported.NOT_OFFERED)
                .claim(Supported.ISS_PARAMETER, true).claim(Supported.RESPONSE_MODES, Supported.QUERY_ONLY)
                .claim(Supported.REQUEST_URIS, false);
    }

    /**
     * RFC 9728 §2's {@code authorization_servers} of a protected resource document of Lanyard's (the issuer's root, and
     * userinfo's): Lanyard's issuer, whose tokens the resource takes, which neither named (outside review). The configured
     * issuer, else the address the document was asked at, as each request names the issuer then: its {@code resource},
     * less userinfo's path ({@code userInfo}) for userinfo's document.
     */
    static void authorizationServer(java.util.Map<String, Object> claims, Issuers issuers, String userInfo) {
        String resource = String.valueOf(claims.get("resource"));
        String issuer = issuers.configured().orElseGet(() -> Issuers.withoutTrailingSlash(
                resource.endsWith(userInfo) ? resource.substring(0, resource.length() - userInfo.length()) : resource));
        claims.put("authorization_servers", List.of(issuer));
    }

    /** What discovery's lists become (the two builders share no public type to write it once against). */
    static final class Supported {
        /** RFC 9207 §3: every authorization response sent back to an app names the issuer ({@link AuthorizeResponses}). */
        static final String ISS_PARAMETER = "authorization_response_iss_parameter_supported";
        /**
         * Both documents' default is {@code ["query","fragment"]} (OpenID Connect Discovery 1.0 §3, RFC 8414 §2), and
         * Lanyard refuses {@code fragment} and {@code form_post} ({@link UnsupportedRequests}): said, so a library that reads
         * discovery does not choose one.
         */
        static final String RESPONSE_MODES = "response_modes_supported";
        static final List<String> QUERY_ONLY = List.of("query");
        /**
         * OpenID Connect Discovery 1.0 §3 has the default true, and RFC 8414 registers it with that meaning: Lanyard takes
         * no {@code request_uri} ({@link UnsupportedRequests#noRequestUris}).
         */
        static final String REQUEST_URIS = "request_uri_parameter_supported";
        /** OpenID Connect Discovery 1.0 §3: the claims an ID token or userinfo may give ({@link OidcEndpoints#userInfo}, {@link TokenConfiguration}). */
        static final String CLAIMS = "claims_supported";
        static final List<String> CLAIMS_GIVEN = List.of("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "azp", "jti", "sid",
                "name", "email", "email_verified");
        static final List<String> SECRETS = List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC.getValue(),
                ClientAuthenticationMethod.CLIENT_SECRET_POST.getValue());
        static final java.util.function.Consumer<List<String>> SECRET = replacedBy(SECRETS);
        static final java.util.function.Consumer<List<String>> TOKEN_AUTHENTICATION = replacedBy(java.util.stream.Stream.concat(
                SECRETS.stream(), java.util.stream.Stream.of(ClientAuthenticationMethod.NONE.getValue())).toList());
        /** The grant types an app may use; the token endpoint refuses any other ({@link EndpointErrors#unsupportedGrants}). */
        static final List<String> GRANT_TYPES = List.of(AuthorizationGrantType.AUTHORIZATION_CODE.getValue(),
                AuthorizationGrantType.REFRESH_TOKEN.getValue(), AuthorizationGrantType.CLIENT_CREDENTIALS.getValue());
        static final java.util.function.Consumer<List<String>> GRANTS = replacedBy(GRANT_TYPES);
        static final java.util.function.Consumer<java.util.Map<String, Object>> NOT_OFFERED = claims -> {
            claims.remove("tls_client_certificate_bound_access_tokens");
            claims.remove("dpop_signing_alg_values_supported");
            claims.remove("device_authorization_endpoint");
        };

        private static java.util.function.Consumer<List<String>> replacedBy(List<String> values) {
            return list -> {
                list.clear();
                list.addAll(values);
            };
        }
    }
}
