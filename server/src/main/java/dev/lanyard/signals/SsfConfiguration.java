package dev.lanyard.signals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lanyard.ops.ServedPath;
import io.swagger.v3.oas.models.security.OAuthFlow;
import io.swagger.v3.oas.models.security.OAuthFlows;
import io.swagger.v3.oas.models.security.Scopes;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The transmitter's metadata ({@code /.well-known/ssf-configuration}, SSF 1.0 section 7) and the
 * security of the receivers' API: a filter chain of its own, before the application's, that lets
 * requests through to {@link Receivers} (which checks their access token). It keeps no session and
 * reads no cookie, so there is nothing for a cross-site request to ride on: no CSRF token is needed.
 */
@Configuration(proxyBeanMethods = false)
class SsfConfiguration {

    /** First of all chains: its paths lie under the API's, whose own chain comes next (order -20). */
    @Bean
    @Order(-30)
    @org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication
    SecurityFilterChain signalsChain(HttpSecurity http) throws Exception {
        http.securityMatcher(SsfApi.BASE + "/**", "/.well-known/ssf-configuration")
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(c -> c.disable())
                .anonymous(a -> a.disable())
                .requestCache(c -> c.disable())
                .authorizeHttpRequests(a -> a.anyRequest().permitAll());
        return http.build();
    }

    /** The receivers' security scheme in the OpenAPI document: OAuth 2.0 client credentials with the scope ssf. */
    @Bean
    OpenApiCustomizer ssfSecurityScheme(Environment environment) {
        // An absolute path: Swagger UI resolves it against the host, so Lanyard's own path (server.servlet.context-path) leads it.
        String tokenUrl = ServedPath.of(environment) + "/oauth2/token";
        return api -> api.getComponents().addSecuritySchemes(SsfApi.SCHEME, new SecurityScheme().type(SecurityScheme.Type.OAUTH2)
                .description("An access token of an app an admin enabled Shared Signals for (client credentials)")
                .flows(new OAuthFlows().clientCredentials(new OAuthFlow().tokenUrl(tokenUrl)
                        .scopes(new Scopes().addString(Receivers.SCOPE, "Manage Shared Signals streams and poll them")))));
    }

    @RestController
    static class Metadata {
        private final Transmitter transmitter;

        Metadata(Transmitter transmitter) {
            this.transmitter = transmitter;
        }

        /** Its issuer is the one discovery names for the same request ({@link Transmitter}). */
        @GetMapping(value = "/.well-known/ssf-configuration", produces = MediaType.APPLICATION_JSON_VALUE)
        Map<String, Object> configuration(jakarta.servlet.http.HttpServletRequest request) {
            String issuer = transmitter.issuer(request);
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("spec_version", "1_0");
            metadata.put("issuer", issuer);
            metadata.put("jwks_uri", issuer + "/oauth2/jwks");
            metadata.put("delivery_methods_supported", List.of(Stream.PUSH, Stream.POLL));
            metadata.put("configuration_endpoint", issuer + SsfApi.BASE + "/streams");
            metadata.put("status_endpoint", issuer + SsfApi.BASE + "/status");
            metadata.put("verification_endpoint", issuer + SsfApi.BASE + "/verify");
            metadata.put("authorization_schemes", List.of(Map.of("spec_urn", "urn:ietf:rfc:6749")));
            metadata.put("default_subjects", "ALL");
            return metadata;
        }
    }
}
