package plain;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.ClientSecretAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.savedrequest.NullRequestCache;

/**
 * The secure build's token introspection: Spring Authorization Server's own endpoint as it ships, with
 * in-memory stores holding the introspection file's client and access token (the claims of Lanyard's
 * answer) and client secrets kept as SHA-256 and compared in constant time, as Lanyard and the plain
 * app keep them. Its chain is stateless with no request cache, as Lanyard's is. What is left between
 * it and Lanyard's introspection is Lanyard's own code and its choices (decision 39).
 */
@Configuration(proxyBeanMethods = false)
class SecuredIntrospection {
    private static final String PREFIX = "{sha256}";
    private static final String CLIENT = "plain-client";

    @Bean
    @Order(-10)
    SecurityFilterChain authorizationServer(HttpSecurity http) throws Exception {
        OAuth2AuthorizationServerConfigurer server = new OAuth2AuthorizationServerConfigurer();
        PasswordEncoder secrets = new Sha256Secrets();
        http.securityMatcher(server.getEndpointsMatcher())
                .with(server, s -> s.clientAuthentication(c -> c.authenticationProviders(providers -> providers.forEach(p -> {
                    if (p instanceof ClientSecretAuthenticationProvider clientSecrets) clientSecrets.setPasswordEncoder(secrets);
                }))))
                .sessionManagement(m -> m.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.requestCache(new NullRequestCache()))
                .securityContext(c -> c.requireExplicitSave(true))
                .csrf(c -> c.ignoringRequestMatchers(server.getEndpointsMatcher()))
                .authorizeHttpRequests(a -> a.anyRequest().authenticated());
        return http.build();
    }

    @Bean
    RegisteredClientRepository registeredClients(PlainApp app) {
        return new InMemoryRegisteredClientRepository(client(app));
    }

    @Bean
    OAuth2AuthorizationService authorizations(PlainApp app, RegisteredClientRepository clients) {
        InMemoryOAuth2AuthorizationService service = new InMemoryOAuth2AuthorizationService();
        if (app.introspection.size() < 3) return service;
        RegisteredClient client = clients.findById(CLIENT);
        Instant now = Instant.now();
        // A day, not Lanyard's five minutes: the benchmark introspects the same token for longer.
        Instant expires = now.plusSeconds(24 * 3600);
        OAuth2AccessToken token = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, app.introspection.get(2), now, expires,
                Set.of("openid", "email"));
        Map<String, Object> claims = Map.of("sub", "acc_plain01234567890", "aud", List.of(client.getClientId()), "nbf", now,
                "scope", List.of("openid", "email"), "iss", "http://127.0.0.1", "exp", expires, "iat", now,
                "jti", "0f5c7c3e-4a7b-4b8e-9d43-1f0c2b5d9e11", "sid", "ses_plain0123456789");
        service.save(OAuth2Authorization.withRegisteredClient(client)
                .principalName("acc_plain01234567890")
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizedScopes(Set.of("openid", "email"))
                .token(token, metadata -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, claims))
                .build());
        return service;
    }

    /** The introspection file's confidential client (or a placeholder without one: the context needs a client). */
    private static RegisteredClient client(PlainApp app) {
        boolean given = app.introspection.size() >= 2;
        return RegisteredClient.withId(CLIENT)
                .clientId(given ? app.introspection.get(0) : CLIENT)
                .clientSecret(PREFIX + HexFormat.of().formatHex(PlainApp.digest(given ? app.introspection.get(1) : "unused secret of the plain app")))
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("http://127.0.0.1:9/callback")
                .scope("openid")
                .scope("email")
                .build();
    }

    /** Client secrets as SHA-256, compared in constant time. */
    private static final class Sha256Secrets implements PasswordEncoder {
        @Override
        public String encode(CharSequence raw) {
            return PREFIX + HexFormat.of().formatHex(PlainApp.digest(raw.toString()));
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
            return raw != null && encoded != null && MessageDigest.isEqual(encode(raw).getBytes(), encoded.getBytes());
        }
    }
}
