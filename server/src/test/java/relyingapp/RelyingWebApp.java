package relyingapp;

import java.time.Instant;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.client.annotation.RegisteredOAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.util.LinkedMultiValueMap;

/**
 * A relying app as a team would write one (outside {@code dev.lanyard}, so Lanyard's component scan never
 * picks it up): Spring Boot with spring-boot-starter-oauth2-client,
 * signing people in with Lanyard (OpenID Connect discovery from the issuer, authorization code
 * with PKCE), then using the tokens it got: userinfo and refresh.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration"})
@Import(RelyingWebApp.Pages.class)
public class RelyingWebApp {

    /** Starts the app on {@code port}, registered at Lanyard ({@code issuer}) with this client. */
    public static ConfigurableApplicationContext start(int port, String issuer, String clientId, String secret) {
        return new SpringApplicationBuilder(RelyingWebApp.class)
                .properties(Map.of(
                        "spring.config.name", "relying-app-none",
                        "server.port", Integer.toString(port),
                        "server.address", "127.0.0.1",
                        "spring.main.banner-mode", "off",
                        "spring.security.oauth2.client.provider.lanyard.issuer-uri", issuer,
                        "spring.security.oauth2.client.registration.lanyard.client-id", clientId,
                        "spring.security.oauth2.client.registration.lanyard.client-secret", secret,
                        "spring.security.oauth2.client.registration.lanyard.scope", "openid,profile,email,offline_access",
                        "spring.security.oauth2.client.registration.lanyard.redirect-uri", "{baseUrl}/login/oauth2/code/{registrationId}"))
                .run();
    }

    @Bean
    SecurityFilterChain app(HttpSecurity http, ClientRegistrationRepository registrations) throws Exception {
        DefaultOAuth2AuthorizationRequestResolver resolver = new DefaultOAuth2AuthorizationRequestResolver(registrations, "/oauth2/authorization");
        resolver.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .oauth2Login(o -> o.authorizationEndpoint(e -> e.authorizationRequestResolver(resolver)));
        return http.build();
    }

    @RestController
    static class Pages {
        private final RestClient http = RestClient.create();
        private final OAuth2AuthorizedClientRepository clients;

        Pages(OAuth2AuthorizedClientRepository clients) {
            this.clients = clients;
        }

        @GetMapping(value = "/", produces = MediaType.TEXT_PLAIN_VALUE)
        String home(@AuthenticationPrincipal OidcUser user) {
            return "Hello " + user.getFullName() + " <" + user.getEmail() + ">";
        }

        /**
         * Calls userinfo with the access token, then refreshes with the refresh token and keeps the
         * rotated tokens, as a real app does; says how each went.
         */
        @GetMapping(value = "/check", produces = MediaType.TEXT_PLAIN_VALUE)
        String check(@RegisteredOAuth2AuthorizedClient("lanyard") OAuth2AuthorizedClient client, Authentication principal,
                     HttpServletRequest request, HttpServletResponse response) {
            var registration = client.getClientRegistration();
            var provider = registration.getProviderDetails();
            int userinfo = http.get().uri(provider.getUserInfoEndpoint().getUri())
                    .header(HttpHeaders.AUTHORIZATION, "Bearer " + client.getAccessToken().getTokenValue())
                    .exchange((req, res) -> res.getStatusCode().value());
            var form = new LinkedMultiValueMap<String, String>();
            form.add("grant_type", "refresh_token");
            form.add("refresh_token", client.getRefreshToken().getTokenValue());
            Map<?, ?> tokens = http.post().uri(provider.getTokenUri())
                    .headers(h -> h.setBasicAuth(registration.getClientId(), registration.getClientSecret()))
                    .contentType(MediaType.APPLICATION_FORM_URLENCODED).body(form)
                    .exchange((req, res) -> res.getStatusCode().is2xxSuccessful() ? res.bodyTo(Map.class)
                            : Map.of("status", res.getStatusCode().value()));
            if (tokens.containsKey("status")) return "userinfo=" + userinfo + " refresh=" + tokens.get("status");
            Instant now = Instant.now();
            clients.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, client.getPrincipalName(),
                    new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, (String) tokens.get("access_token"), now,
                            now.plusSeconds(((Number) tokens.get("expires_in")).longValue())),
                    new OAuth2RefreshToken((String) tokens.get("refresh_token"), now)), principal, request, response);
            return "userinfo=" + userinfo + " refresh=200";
        }
    }
}
