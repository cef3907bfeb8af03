package dev.lanyard.apps;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import dev.lanyard.account.Accounts;
import dev.lanyard.factors.SecondFactorRequirement;
import dev.lanyard.geo.ExternalOrigins;
import dev.lanyard.session.SessionFilter;
import dev.lanyard.session.Sessions;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.authorization.authentication.ClientSecretAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.oidc.web.OidcLogoutEndpointFilter;
import org.springframework.security.oauth2.server.authorization.oidc.web.OidcProviderConfigurationEndpointFilter;
import org.springframework.security.oauth2.server.authorization.oidc.web.OidcUserInfoEndpointFilter;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.web.NimbusJwkSetEndpointFilter;
import org.springframework.security.oauth2.server.authorization.web.OAuth2AuthorizationEndpointFilter;
import org.springframework.security.oauth2.server.authorization.web.OAuth2AuthorizationServerMetadataEndpointFilter;
import org.springframework.security.oauth2.server.authorization.web.OAuth2TokenEndpointFilter;
import org.springframework.security.oauth2.server.authorization.web.OAuth2TokenRevocationEndpointFilter;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2AuthorizationCodeRequestAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.OAuth2ProtectedResourceMetadataFilter;
import org.springframework.security.web.DefaultSecurityFilterChain;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.preauth.AbstractPreAuthenticatedProcessingFilter;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.savedrequest.NullRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Lanyard as an OAuth 2.1 / OpenID Connect provider: Spring Security's authorization server on
 * its own endpoints only (authorize, token, introspection, revocation, JWKS, discovery, userinfo,
 * end-session), in a filter chain ordered before the application's. Authorization code with
 * PKCE only. The member signs in on Lanyard's own sign-in page: the authorize endpoint
 * recognizes the Lanyard session (the same {@link SessionFilter}) and sends anyone else there,
 * to come back afterwards.
 *
 * <p>Beside it: its tokens ({@link TokenConfiguration}), what discovery names ({@link Discovery}), the authorize
 * endpoint's checks and whose requests it takes ({@link AuthorizeChecks}), the consent form's CSRF check
 * ({@link ConsentCsrf}), and the answers of userinfo and RP-initiated logout ({@link OidcEndpoints}, its refusals
 * {@link LogoutRefusals}).
 *
 * <p>The two filter chains stay together here: the introspection chain is made of the authorization server chain's own
 * filters.
 */
@Configuration(proxyBeanMethods = false)
class AuthorizationServerConfiguration {
    static final String CONSENT_PAGE = "/oauth2/consent";
    static final String OFFLINE_ACCESS = "offline_access";

    @Bean
    @Order(-10)
    // A filter chain is for a web server; a context without one (bench/jmh.sh) has no authorization server settings.
    @org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication
    SecurityFilterChain authorizationServerChain(HttpSecurity http, SessionFilter sessionFilter, LanyardRegisteredClients clients,
                                                 LanyardAuthorizations authorizations, LanyardConsents consents,
                                                 CsrfTokenRepository csrfTokens, AppClientStore apps, Accounts accounts,
                                                 Sessions sessions, ConsentStore consentStore, tools.jackson.databind.json.JsonMapper json,
                                                 AuthorizationServerSettings settings, Clock clock,
                                                 SecondFactorRequirement secondFactor, IssuerSetting issuerChecked,
                                                 SigningKeys keys, Issuers issuers, ExternalOrigins origins)
            throws Exception {
        // issuerChecked is not read: taking it binds (and so checks) the issuer before Spring's configurer refuses a bad one.
        OAuth2AuthorizationServerConfigurer server = new OAuth2AuthorizationServerConfigurer();
        IntrospectionResponse introspected = new IntrospectionResponse(json);
        IntrospectionShortcut shortcut = new IntrospectionShortcut(introspection(settings), introspected);
        RequestMatcher endpoints = server.getEndpointsMatcher();
        // OpenID Connect Core 3.1.2.1: an authorization request may be a GET or a form POST; a POST without response_type is
        // the consent form's (Spring tells them apart the same way), and only that one carries Lanyard's CSRF token.
        RequestMatcher anyPost = PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, settings.getAuthorizationEndpoint());
        RequestMatcher asksForCode = request -> request.getParameter(org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames.RESPONSE_TYPE) != null;
        RequestMatcher consentPost = new org.springframework.security.web.util.matcher.AndRequestMatcher(anyPost,
                new org.springframework.security.web.util.matcher.NegatedRequestMatcher(asksForCode));
        RequestMatcher authorizeRequest = new org.springframework.security.web.util.matcher.OrRequestMatcher(
                PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, settings.getAuthorizationEndpoint()),
                new org.springframework.security.web.util.matcher.AndRequestMatcher(anyPost, asksForCode));
        RequestMatcher userInfo = PathPatternRequestMatcher.withDefaults().matcher(settings.getOidcUserInfoEndpoint());
        // RFC 9728's document, which the bearer challenge at userinfo names (resource_metadata): served by this chain's
        // own filter, where the pages' chain sent it to the sign-in page (outside review S).
        // Two documents: the issuer's, and userinfo's, which its challenge names (RFC 9728 §3.1); Spring's filter would describe
        // any path after the well-known one as a resource, /oauth2/token among them.
        RequestMatcher resourceMetadata = new org.springframework.security.web.util.matcher.OrRequestMatcher(
                PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, UserInfoErrors.RESOURCE_METADATA),
                PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, UserInfoErrors.RESOURCE_METADATA + settings.getOidcUserInfoEndpoint()));
        http.securityMatcher(new org.springframework.security.web.util.matcher.OrRequestMatcher(endpoints, resourceMetadata))
                .with(server, s -> s
                        .registeredClientRepository(clients)
                        .authorizationService(authorizations)
                        .authorizationConsentService(consents)
                        .authorizationEndpoint(e -> e
                                .consentPage(CONSENT_PAGE)
                                .authorizationResponseHandler(new AuthorizeResponses())
                                .errorResponseHandler(new AuthorizeErrors(clients, sessions))
                                // A request_uri, and a parameter given twice, refused before the client is read.
                                .authorizationRequestConverters(converters -> converters.replaceAll(converter ->
                                        converter instanceof OAuth2AuthorizationCodeRequestAuthenticationConverter spring
                                                ? RepeatedParameters.atAuthorize(UnsupportedRequests.noRequestUris(spring)) : converter))
                                .authenticationProviders(configure(OAuth2AuthorizationCodeRequestAuthenticationProvider.class,
                                        p -> {
                                            p.setAuthenticationValidator(LoopbackRedirects.authorize()
                                                    .andThen(new OAuth2AuthorizationCodeRequestAuthenticationValidator())
                                                    .andThen(UnsupportedRequests.refused())
                                                    .andThen(AuthorizeChecks.sameTeam(apps, secondFactor, sessions)).andThen(SignInAgain.maxAgeChecked())
                                                    .andThen(IdTokenHints.checked(new IssuedIdTokens(keys, issuers), sessions))
                                                    .andThen(SignInAgain.silently(sessions, clock)));
                                            p.setAuthorizationConsentRequired(context -> AuthorizeChecks.consentMissing(context, consentStore, apps, sessions));
                                        }).andThen(configure(org.springframework.security.oauth2.server.authorization.authentication
                                                .OAuth2AuthorizationConsentAuthenticationProvider.class,
                                                // Deny posts no scope: it is a refusal even where a consent was given
                                                // before (prompt=consent, a new scope), which Spring would add back (outside re-check W).
                                                p -> p.setAuthorizationConsentCustomizer(context -> {
                                                    if (context.<org.springframework.security.oauth2.server.authorization.authentication
                                                            .OAuth2AuthorizationConsentAuthenticationToken>getAuthentication().getScopes().isEmpty()) {
                                                        context.getAuthorizationConsent().authorities(Set::clear);
                                                    }
                                                })))))
                        .authorizationServerMetadataEndpoint(m -> m.authorizationServerMetadataCustomizer(Discovery::supported))
                        .tokenIntrospectionEndpoint(i -> i.introspectionResponseHandler(introspected)
                                .errorResponseHandler(EndpointErrors.introspection())
                                // Answers about a token only to the apps of its app's team, also through the shortcut.
                                .authenticationProviders(providers -> providers.replaceAll(provider ->
                                        provider instanceof OAuth2TokenIntrospectionAuthenticationProvider spring
                                                ? shortcut.tokens(new TeamIntrospection(spring, clients, secondFactor)) : provider)))
                        .tokenEndpoint(t -> t.errorResponseHandler(EndpointErrors.token())
                                // A grant discovery does not name is unsupported, Spring's device code and token exchange among them.
                                .accessTokenRequestConverters(converters -> converters.add(0, EndpointErrors.unsupportedGrants()))
                                .authenticationProviders(providers -> providers.forEach(provider -> {
                                    if (provider instanceof org.springframework.security.oauth2.server.authorization.authentication
                                            .OAuth2ClientCredentialsAuthenticationProvider credentials) {
                                        credentials.setAuthenticationValidator(EndpointErrors::clientCredentialsScopes);
                                    }
                                })))
                        .tokenRevocationEndpoint(r -> r.errorResponseHandler(EndpointErrors.revocation()))
                        .clientAuthentication(c -> c
                                .errorResponseHandler(EndpointErrors.clientAuthentication())
                                .authenticationConverters(converters -> {
                                    converters.replaceAll(converter ->
                                            converter instanceof org.springframework.security.oauth2.server.authorization.web.authentication.ClientSecretBasicAuthenticationConverter
                                                    ? new ClientSecretBasic() : converter);
                                    converters.add(PublicRevocation.converter(settings.getTokenRevocationEndpoint(), clients));
                                })
                                .authenticationProviders(configure(ClientSecretAuthenticationProvider.class,
                                        p -> {
                                            p.setPasswordEncoder(new ClientSecrets());
                                            shortcut.clients(p);
                                        }).andThen(providers -> providers.add(0, PublicRevocation.provider(clients)))))
                        .oidc(o -> o
                                // OpenID Connect Back-Channel Logout 1.0: logout tokens (with sid) go out through the signals module.
                                .providerConfigurationEndpoint(p -> p.providerConfigurationCustomizer(c -> Discovery.supported(c)
                                        // Every scope an app may be allowed, where Spring names openid alone.
                                        .scopes(scopes -> {
                                            scopes.clear();
                                            scopes.addAll(new java.util.TreeSet<>(AppClient.SCOPES.keySet()));
                                        })
                                        .claim("backchannel_logout_supported", true)
                                        .claim("backchannel_logout_session_supported", true)))
                                .userInfoEndpoint(u -> u.userInfoMapper(context -> OidcEndpoints.userInfo(context, accounts, secondFactor))
                                        .errorResponseHandler(UserInfoErrors.refused(settings.getOidcUserInfoEndpoint())))
                                .logoutEndpoint(l -> l.logoutResponseHandler((request, response, authentication) ->
                                        OidcEndpoints.loggedOut(request, response, (OidcLogoutAuthenticationToken) authentication, sessions, authorizations))
                                        .errorResponseHandler(new LogoutRefusals())
                                        // A link with the ID token of a grant that ended already is taken too (decision 65).
                                        .authenticationProviders(providers -> providers.replaceAll(provider ->
                                                provider instanceof org.springframework.security.oauth2.server.authorization.oidc
                                                        .authentication.OidcLogoutAuthenticationProvider spring
                                                        ? endedToo(spring, keys, issuers, clients, authorizations) : provider)))))
                .sessionManagement(m -> m.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.requestCache(new NullRequestCache()))
                .securityContext(c -> c.requireExplicitSave(true))
                // Also for introspection, whose chain shares this one's filters.
                .headers(h -> h.defaultsDisabled().httpStrictTransportSecurity(Customizer.withDefaults())
                        .addHeaderWriter(dev.lanyard.HeadersAsBytes.defaults().build()) // Spring's defaults as bytes (decision 76)
                        .withObjectPostProcessor(headersFirst()))
                // This chain only matches the authorization server's endpoints, never /logout: its logout filter could
                // never act (RP-initiated logout is the OIDC logout endpoint's).
                .logout(l -> l.disable())
                // A form's fields are read whatever the query string holds, before anything reads them.
                .addFilterBefore(new FormParameters(), CsrfFilter.class)
                // The JWKS as application/json, without the ISO-8859-1 Tomcat named.
                .addFilterBefore(new JwkSetType(settings.getJwkSetEndpoint()), CsrfFilter.class)
                .addFilterBefore(sessionFilter, CsrfFilter.class)
                // RFC 6749 §3.2: a repeated parameter is invalid_request, before the client is authenticated.
                .addFilterBefore(new RepeatedParameters(clientCalls(settings)), AbstractPreAuthenticatedProcessingFilter.class)
                // The common introspection request, answered by this chain's own providers (decision 44).
                .addFilterBefore(shortcut, AbstractPreAuthenticatedProcessingFilter.class)
                // A posted authorization request without the session cookie (SameSite=Lax: a POST from another site): decided as its GET.
                .addFilterBefore(new PostedAuthorizeRequests(authorizeRequest), AbstractPreAuthenticatedProcessingFilter.class)
                // prompt=login and max_age (OpenID Connect Core 3.1.2.1): to the sign-in page, then back.
                .addFilterBefore(new SignInAgain(authorizeRequest, sessions, clock), AbstractPreAuthenticatedProcessingFilter.class)
                // The consent form posts to the authorize endpoint: it carries Lanyard's CSRF token like every form.
                // Not through csrf(): the authorization server exempts its own endpoints from that one.
                .csrf(c -> c.disable())
                .addFilterAt(ConsentCsrf.of(csrfTokens, consentPost, sessions, origins), CsrfFilter.class)
                .oauth2ResourceServer(r -> r.bearerTokenResolver(onlyAt(userInfo)).jwt(Customizer.withDefaults())
                        // The challenge names userinfo's own metadata, and a token it cannot read in Lanyard's words.
                        .authenticationEntryPoint(UserInfoErrors.challenge(settings.getOidcUserInfoEndpoint()))
                        // RFC 9728 as Lanyard is: Spring's default claims certificate-bound tokens, which Lanyard never issues,
                        // and names no authorization server (§2: the issuers whose tokens the resource takes).
                        .protectedResourceMetadata(m -> m.protectedResourceMetadataCustomizer(metadata -> {
                            metadata.claims(Discovery.Supported.NOT_OFFERED).scopes(scopes -> {
                                scopes.clear();
                                scopes.add(org.springframework.security.oauth2.core.oidc.OidcScopes.OPENID);
                            });
                            metadata.claims(claims -> Discovery.authorizationServer(claims, issuers, settings.getOidcUserInfoEndpoint()));
                        })))
                .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .exceptionHandling(e -> e
                        .defaultAuthenticationEntryPointFor((request, response, failure) -> SignInAgain.sendToSignIn(request, response, false),
                                PathPatternRequestMatcher.withDefaults().matcher("/oauth2/authorize"))
                        // A call with no client authentication at all: RFC 6749 §5.2's invalid_client, as a wrong secret gets.
                        .defaultAuthenticationEntryPointFor(EndpointErrors.noClientAuthentication(clients), clientCalls(settings)));
        return http.build();
    }

    /**
     * The headers written as the request enters the chain, the request and response passed on unwrapped,
     * as the API's and the pages' chains do (the web module's {@code SecurityHeaders.writtenFirst()},
     * which this module cannot use: the web module depends on it; decision 43).
     */
    private static ObjectPostProcessor<HeaderWriterFilter> headersFirst() {
        return new ObjectPostProcessor<>() {
            @Override
            public <O extends HeaderWriterFilter> O postProcess(O filter) {
                filter.setShouldWriteHeadersEagerly(true);
                return filter;
            }
        };
    }

    /**
     * Token introspection, the call a resource server makes for every request it serves, through the
     * authorization server chain's own filters (the same instances, in the same order) without those
     * that can never act on it: the other endpoints' filters, each of which tries its path and passes
     * the request on, and the CSRF filters (the authorization server exempts its endpoints; the
     * consent form's runs for the consent post only). Ten filters fewer before the answer
     * (bench/RESULTS.md, issue 13); every filter that reads or checks the request is kept, so every
     * answer, error or not, is the one the full chain gives ({@code IntrospectionChainTest}). The issuer's context
     * is set by {@link IntrospectionIssuer}, which wraps Spring's filter and spares it the common request (decision 79).
     */
    @Bean
    @Order(-15)
    @org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication
    SecurityFilterChain introspectionChain(@org.springframework.beans.factory.annotation.Qualifier("authorizationServerChain")
                                           SecurityFilterChain server, AuthorizationServerSettings settings) {
        List<Filter> filters = server.getFilters().stream().filter(filter -> !elsewhere(filter))
                .map(filter -> IntrospectionIssuer.inPlaceOf(filter, settings)).toList();
        return new DefaultSecurityFilterChain(introspection(settings), filters);
    }

    /** A call an app makes with its client authentication: to the token, introspection or revocation endpoint. */
    private static RequestMatcher clientCalls(AuthorizationServerSettings settings) {
        return ClientEndpoints.matcher(settings);
    }

    /** An introspection request: {@code POST} to the configured endpoint. */
    private static RequestMatcher introspection(AuthorizationServerSettings settings) {
        return PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, settings.getTokenIntrospectionEndpoint());
    }

    /**
     * A bearer token is read at userinfo only, the one endpoint of this chain that takes one. Read on
     * the whole chain, any JWT of Lanyard's (an ID token an app holds, an access token) signed its
     * holder in as the member it names: at the authorize endpoint it stood for the member's browser
     * session, gave consent and got a code (outside review).
     */
    private static BearerTokenResolver onlyAt(RequestMatcher userInfo) {
        BearerTokenResolver bearer = new DefaultBearerTokenResolver();
        return request -> userInfo.matches(request) ? bearer.resolve(request) : null;
    }

    /** A filter of the authorization server chain that only ever acts on another endpoint than introspection, or a CSRF check. */
    static boolean elsewhere(Filter filter) {
        return filter instanceof ConsentCsrf || filter instanceof CsrfFilter || filter instanceof SignInAgain || filter instanceof PostedAuthorizeRequests
                || filter instanceof JwkSetType
                || filter instanceof OAuth2AuthorizationServerMetadataEndpointFilter || filter instanceof OidcProviderConfigurationEndpointFilter
                || filter instanceof OAuth2ProtectedResourceMetadataFilter || filter instanceof NimbusJwkSetEndpointFilter
                || filter instanceof OAuth2AuthorizationEndpointFilter || filter.getClass().getEnclosingClass() == OAuth2AuthorizationEndpointFilter.class
                || filter instanceof OAuth2TokenEndpointFilter || filter instanceof OAuth2TokenRevocationEndpointFilter
                || filter instanceof OidcUserInfoEndpointFilter || filter instanceof OidcLogoutEndpointFilter;
    }

    /** Spring's RP-initiated logout, its return address checked by {@link LoopbackRedirects}, and a grant that ended already ({@link EndedGrantLogout}). */
    private static EndedGrantLogout endedToo(org.springframework.security.oauth2.server.authorization.oidc.authentication
                                                     .OidcLogoutAuthenticationProvider spring, SigningKeys keys, Issuers issuers,
                                             LanyardRegisteredClients clients, LanyardAuthorizations authorizations) {
        spring.setAuthenticationValidator(LoopbackRedirects.logout());
        return new EndedGrantLogout(spring, keys, issuers, clients, authorizations, LoopbackRedirects.logout());
    }

    private static <T> Consumer<List<org.springframework.security.authentication.AuthenticationProvider>> configure(
            Class<T> type, Consumer<T> change) {
        return providers -> providers.stream().filter(type::isInstance).map(type::cast).forEach(change);
    }
}
