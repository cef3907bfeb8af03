package dev.lanyard.starter;

import org.springframework.context.ApplicationContext;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.OAuth2ProtectedResourceMetadata;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.web.access.ExceptionTranslationFilter;

/**
 * Applies Lanyard to an app's own security filter chain:
 * {@code http.with(LanyardConfigurer.lanyard(), Customizer.withDefaults())}. Sign-in through
 * Lanyard (OIDC, PKCE), sign-out through Lanyard (OpenID Connect RP-Initiated Logout: the app's
 * {@code /logout} ends the app's session at Lanyard too and comes back to the app's home page),
 * bearer access tokens validated locally against Lanyard's JWKS, and the
 * {@link EndedSessionFilter}. Apps without a chain of their own get one from the starter.
 */
public final class LanyardConfigurer extends AbstractHttpConfigurer<LanyardConfigurer, HttpSecurity> {
    private boolean resourceServer = true;

    public static LanyardConfigurer lanyard() {
        return new LanyardConfigurer();
    }

    /** Leaves bearer tokens alone (the app has no API, or validates tokens its own way). */
    public LanyardConfigurer withoutResourceServer() {
        this.resourceServer = false;
        return this;
    }

    @Override
    public void init(HttpSecurity http) {
        ApplicationContext context = http.getSharedObject(ApplicationContext.class);
        http.oauth2Login(login -> login
                .clientRegistrationRepository(context.getBean(LanyardClientRegistrations.class))
                .loginPage(EndedSessionFilter.SIGN_IN)
                .successHandler(EndedSessionFilter.signedIn(context.getBean(EndedSessions.class),
                        () -> http.getSharedObject(org.springframework.security.web.savedrequest.RequestCache.class)))
                .failureHandler((request, response, exception) -> {
                    // The page tells the member little; the log tells the developer why (a refused client secret is
                    // invalid_client here), never a token: Spring's messages name errors, not credentials.
                    org.slf4j.LoggerFactory.getLogger(LanyardConfigurer.class).warn("Signing in through Lanyard failed: {} ({})",
                            exception.getMessage(), hint(exception, context.getBean(LanyardProperties.class)));
                    response.setStatus(401);
                    StarterPage.write(response, "Sign-in failed", "<p>Signing in through Lanyard did not succeed.</p>"
                            + "<p>" + StarterPage.link(request, EndedSessionFilter.SIGN_IN, "Try again") + "</p>");
                }));
        // Signing out of the app ends its session at Lanyard as well: otherwise the sign-in page (Lanyard's authorize
        // endpoint) would sign the browser straight back in, and the app's session would stay live in Lanyard.
        OidcClientInitiatedLogoutSuccessHandler signedOut =
                new OidcClientInitiatedLogoutSuccessHandler(context.getBean(LanyardClientRegistrations.class));
        signedOut.setPostLogoutRedirectUri("{baseUrl}/");
        http.logout(logout -> logout.logoutSuccessHandler(UnreachableLanyard.signOut(signedOut, context.getBean(UnreachableLanyard.Probe.class))));
        if (resourceServer && context.getBeanProvider(JwtDecoder.class).getIfUnique() != null) {
            String issuer = context.getBean(LanyardProperties.class).issuer();
            http.oauth2ResourceServer(rs -> rs.jwt(Customizer.withDefaults())
                    .protectedResourceMetadata(metadata -> metadata.protectedResourceMetadataCustomizer(
                            resource -> describe(resource, issuer))));
        }
    }

    /**
     * The app's OAuth 2.0 Protected Resource Metadata ({@code /.well-known/oauth-protected-resource}, RFC 9728), which
     * Spring Security serves for every resource server: its access tokens come from Lanyard, and they are bearer tokens,
     * not bound to a client certificate. Spring Security's default claims certificate-bound tokens (a client that reads it
     * would expect to need mutual TLS) and names no authorization server (it could not tell where to get a token).
     */
    private static void describe(OAuth2ProtectedResourceMetadata.Builder resource, String issuer) {
        resource.authorizationServers(servers -> {
            servers.clear();
            servers.add(issuer);
        }).tlsClientCertificateBoundAccessTokens(false);
    }

    /** What to check, by the error Lanyard answered: the client's credentials, or the scopes the app asks for. */
    static String hint(Exception failure, LanyardProperties properties) {
        String code = failure instanceof org.springframework.security.oauth2.core.OAuth2AuthenticationException oauth ? oauth.getError().getErrorCode() : "";
        if ("invalid_scope".equals(code)) {
            return "invalid_scope: the app asks for lanyard.scopes " + String.join(" ", properties.scopes()) + "; set lanyard.scopes to "
                    + "what the app's registration at Lanyard allows (its admin may have unticked one, such as email)";
        }
        return "invalid_client: check lanyard.client-id and lanyard.client-secret; invalid_scope: check lanyard.scopes";
    }

    @Override
    public void configure(HttpSecurity http) {
        ApplicationContext context = http.getSharedObject(ApplicationContext.class);
        http.addFilterBefore(new EndedSessionFilter(context.getBean(EndedSessions.class)), ExceptionTranslationFilter.class);
        http.addFilterBefore(new UnreachableLanyard.SignIn(context.getBean(LanyardClientRegistrations.class),
                        context.getBean(UnreachableLanyard.Probe.class)),
                OAuth2AuthorizationRequestRedirectFilter.class);
    }
}
