package dev.lanyard.apps;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.factors.SecondFactorRequirement;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.EndReason;
import dev.lanyard.session.SessionFilter;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.Sessions;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.authentication.ClientSecretAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcUserInfoAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.oidc.web.OidcLogoutEndpointFilter;
import org.springframework.security.oauth2.server.authorization.oidc.web.OidcProviderConfigurationEndpointFilter;
import org.springframework.security.oauth2.server.authorization.oidc.web.OidcUserInfoEndpointFilter;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2AccessTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2RefreshTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.web.NimbusJwkSetEndpointFilter;
import org.springframework.security.oauth2.server.authorization.web.OAuth2AuthorizationEndpointFilter;
import org.springframework.security.oauth2.server.authorization.web.OAuth2AuthorizationServerMetadataEndpointFilter;
import org.springframework.security.oauth2.server.authorization.web.OAuth2TokenEndpointFilter;
import org.springframework.security.oauth2.server.authorization.web.OAuth2TokenRevocationEndpointFilter;
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
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Lanyard as an OAuth 2.1 / OpenID Connect provider: Spring Security's authorization server on
 * its own endpoints only (authorize, token, introspection, revocation, JWKS, discovery, userinfo,
 * end-session), in a filter chain ordered before the application's. Authorization code with
 * PKCE only. The member signs in on Lanyard's own sign-in page: the authorize endpoint
 * recognizes the Lanyard session (the same {@link SessionFilter}) and sends anyone else there,
 * to come back afterwards.
 */
@Configuration(proxyBeanMethods = false)
class AuthorizationServerConfiguration {
    static final String CONSENT_PAGE = "/oauth2/consent";
    static final String OFFLINE_ACCESS = "offline_access";

    @Bean
    JwtEncoder jwtEncoder(SigningKeys keys) {
        return new NimbusJwtEncoder(keys.signing());
    }

    @Bean
    JwtDecoder jwtDecoder(SigningKeys keys) {
        return NimbusJwtDecoder.withJwkSource(keys).build();
    }

    /**
     * Every token carries the id of its grant's Lanyard session ({@code sid}) and names the key that
     * signed it. ID tokens carry {@code auth_time}, when the member signed in to the browser session
     * that authorized the grant (OpenID Connect Core 2, required with {@code max_age}): Spring's own
     * comes from a servlet session, which this stateless chain has none of. A {@link java.util.Date},
     * as Spring's is, which it copies into the ID token of a refresh.
     */
    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> tokenCustomizer(SigningKeys keys, SecondFactorRequirement secondFactor) {
        return context -> {
            context.getJwsHeader().keyId(keys.currentKeyId());
            OAuth2Authorization authorization = context.getAuthorization();
            // A member held by the team's second-factor rule gets no tokens (code exchange, refresh) until they set one up
            // (decision 22); an app's own client-credentials tokens name no member.
            if (authorization != null && !AuthorizationGrantType.CLIENT_CREDENTIALS.equals(authorization.getAuthorizationGrantType())
                    && secondFactor.holds(new AccountId(authorization.getPrincipalName()))) {
                throw new org.springframework.security.oauth2.core.OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
                        "The member's team requires two-factor authentication, which they have not set up.", null));
            }
            if (authorization != null && authorization.getAttribute(LanyardAuthorizations.SESSION_ATTRIBUTE) instanceof String sid) {
                context.getClaims().claim("sid", sid);
            }
            if (authorization != null && OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())
                    && authorization.getAttribute(LanyardAuthorizations.AUTH_TIME_ATTRIBUTE) instanceof Instant signedIn) {
                context.getClaims().claim(IdTokenClaimNames.AUTH_TIME, Date.from(signedIn));
            }
        };
    }

    /**
     * Spring's token generators (a JWT for access and ID tokens, an opaque refresh token), but a
     * refresh token only for a grant whose member allowed {@code offline_access}: the consent page
     * promises staying connected with that scope alone ({@link AppClient#SCOPES}). A refresh keeps
     * rotating the token of a grant that has one, whatever scopes it narrows the new tokens to.
     */
    @Bean
    OAuth2TokenGenerator<OAuth2Token> tokenGenerator(JwtEncoder encoder, OAuth2TokenCustomizer<JwtEncodingContext> customizer) {
        JwtGenerator jwt = new JwtGenerator(encoder);
        jwt.setJwtCustomizer(customizer);
        OAuth2RefreshTokenGenerator refresh = new OAuth2RefreshTokenGenerator();
        OAuth2TokenGenerator<OAuth2RefreshToken> offlineOnly = context ->
                AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType()) || offline(context.getAuthorization())
                        ? refresh.generate(context) : null;
        return new DelegatingOAuth2TokenGenerator(jwt, new OAuth2AccessTokenGenerator(), offlineOnly);
    }

    private static boolean offline(OAuth2Authorization authorization) {
        return authorization != null && authorization.getAuthorizedScopes().contains(OFFLINE_ACCESS);
    }

    @Bean
    @Order(-10)
    // A filter chain is for a web server; a context without one (bench/jmh.sh) has no authorization server settings.
    @org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication
    SecurityFilterChain authorizationServerChain(HttpSecurity http, SessionFilter sessionFilter, LanyardRegisteredClients clients,
                                                 LanyardAuthorizations authorizations, LanyardConsents consents,
                                                 CsrfTokenRepository csrfTokens, AppClientStore apps, Accounts accounts,
                                                 Sessions sessions, ConsentStore consentStore, tools.jackson.databind.json.JsonMapper json,
                                                 AuthorizationServerSettings settings, Clock clock,
                                                 SecondFactorRequirement secondFactor, IssuerSetting issuerChecked)
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
        RequestMatcher resourceMetadata = new org.springframework.security.web.util.matcher.OrRequestMatcher(
                PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, "/.well-known/oauth-protected-resource"),
                PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, "/.well-known/oauth-protected-resource/**"));
        http.securityMatcher(new org.springframework.security.web.util.matcher.OrRequestMatcher(endpoints, resourceMetadata))
                .with(server, s -> s
                        .registeredClientRepository(clients)
                        .authorizationService(authorizations)
                        .authorizationConsentService(consents)
                        .authorizationEndpoint(e -> e
                                .consentPage(CONSENT_PAGE)
                                .authorizationResponseHandler(new AuthorizeResponses())
                                .errorResponseHandler(new AuthorizeErrors(clients, sessions))
                                .authenticationProviders(configure(OAuth2AuthorizationCodeRequestAuthenticationProvider.class,
                                        p -> {
                                            p.setAuthenticationValidator(new OAuth2AuthorizationCodeRequestAuthenticationValidator()
                                                    .andThen(UnsupportedRequests.refused())
                                                    .andThen(sameTeam(apps, secondFactor, sessions)).andThen(SignInAgain.maxAgeChecked())
                                                    .andThen(SignInAgain.silently(sessions, clock)));
                                            p.setAuthorizationConsentRequired(context -> consentMissing(context, consentStore, apps, sessions));
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
                        .authorizationServerMetadataEndpoint(m -> m.authorizationServerMetadataCustomizer(AuthorizationServerConfiguration::supported))
                        .tokenIntrospectionEndpoint(i -> i.introspectionResponseHandler(introspected)
                                // Answers about a token only to the apps of its app's team, also through the shortcut.
                                .authenticationProviders(providers -> providers.replaceAll(provider ->
                                        provider instanceof OAuth2TokenIntrospectionAuthenticationProvider spring
                                                ? shortcut.tokens(new TeamIntrospection(spring, clients, secondFactor)) : provider)))
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
                                .providerConfigurationEndpoint(p -> p.providerConfigurationCustomizer(c -> supported(c)
                                        // Every scope an app may be allowed, where Spring names openid alone.
                                        .scopes(scopes -> {
                                            scopes.clear();
                                            scopes.addAll(new java.util.TreeSet<>(AppClient.SCOPES.keySet()));
                                        })
                                        .claim("backchannel_logout_supported", true)
                                        .claim("backchannel_logout_session_supported", true)))
                                .userInfoEndpoint(u -> u.userInfoMapper(context -> userInfo(context, accounts, secondFactor))
                                        .errorResponseHandler(EndpointErrors.userInfo()))
                                .logoutEndpoint(l -> l.logoutResponseHandler((request, response, authentication) ->
                                        loggedOut(request, response, (OidcLogoutAuthenticationToken) authentication, sessions, authorizations))
                                        .authenticationProviders(configure(org.springframework.security.oauth2.server.authorization.oidc
                                                .authentication.OidcLogoutAuthenticationProvider.class,
                                                p -> p.setAuthenticationValidator(LoopbackLogout.validator()))))))
                .sessionManagement(m -> m.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.requestCache(new NullRequestCache()))
                .securityContext(c -> c.requireExplicitSave(true))
                // Also for introspection, whose chain shares this one's filters.
                .headers(h -> h.withObjectPostProcessor(headersFirst()))
                // This chain only matches the authorization server's endpoints, never /logout: its logout filter could
                // never act (RP-initiated logout is the OIDC logout endpoint's).
                .logout(l -> l.disable())
                .addFilterBefore(sessionFilter, CsrfFilter.class)
                // RFC 6749 §3.2: a repeated parameter is invalid_request, before the client is authenticated.
                .addFilterBefore(new RepeatedParameters(clientCalls(settings)), AbstractPreAuthenticatedProcessingFilter.class)
                // The common introspection request, answered by this chain's own providers (decision 44).
                .addFilterBefore(shortcut, AbstractPreAuthenticatedProcessingFilter.class)
                // prompt=login and max_age (OpenID Connect Core 3.1.2.1): to the sign-in page, then back.
                .addFilterBefore(new SignInAgain(authorizeRequest, sessions, clock), AbstractPreAuthenticatedProcessingFilter.class)
                // The consent form posts to the authorize endpoint: it carries Lanyard's CSRF token like every form.
                // Not through csrf(): the authorization server exempts its own endpoints from that one.
                .csrf(c -> c.disable())
                .addFilterAt(consentCsrf(csrfTokens, consentPost, sessions), CsrfFilter.class)
                .oauth2ResourceServer(r -> r.bearerTokenResolver(onlyAt(userInfo)).jwt(Customizer.withDefaults())
                        // RFC 9728 as Lanyard is: Spring's default claims certificate-bound tokens, which Lanyard never issues.
                        .protectedResourceMetadata(m -> m.protectedResourceMetadataCustomizer(metadata -> metadata
                                .claims(Supported.NOT_OFFERED).scopes(scopes -> {
                                    scopes.clear();
                                    scopes.add(org.springframework.security.oauth2.core.oidc.OidcScopes.OPENID);
                                }))))
                .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .exceptionHandling(e -> e
                        .defaultAuthenticationEntryPointFor((request, response, failure) -> response.sendRedirect(signInAndReturn(request)),
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
     * answer, error or not, is the one the full chain gives ({@code IntrospectionChainTest}).
     */
    @Bean
    @Order(-15)
    @org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication
    SecurityFilterChain introspectionChain(@org.springframework.beans.factory.annotation.Qualifier("authorizationServerChain")
                                           SecurityFilterChain server, AuthorizationServerSettings settings) {
        List<Filter> filters = server.getFilters().stream().filter(filter -> !elsewhere(filter)).toList();
        return new DefaultSecurityFilterChain(introspection(settings), filters);
    }

    /** A call an app makes with its client authentication: to the token, introspection or revocation endpoint. */
    private static RequestMatcher clientCalls(AuthorizationServerSettings settings) {
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
        return new org.springframework.security.web.util.matcher.OrRequestMatcher(paths.matcher(settings.getTokenEndpoint()),
                paths.matcher(settings.getTokenIntrospectionEndpoint()), paths.matcher(settings.getTokenRevocationEndpoint()));
    }

    /** An introspection request: {@code POST} to the configured endpoint. */
    /**
     * Discovery (both documents: OpenID Connect's and RFC 8414's) names only what a Lanyard app can use: Spring lists
     * every client authentication and grant it knows, DPoP and certificate-bound tokens, and a library that picks from
     * discovery would choose one Lanyard refuses (private_key_jwt: invalid_client) or believe its tokens sender-constrained.
     * Apps authenticate with their secret (basic or post), or, public, with none at the token endpoint (PKCE) and to revoke their own token; they use
     * codes, refresh tokens and, for Shared Signals receivers, client credentials. Both say that authorization responses
     * carry {@code iss} (RFC 9207), which Spring's own documents leave out.
     */
    static org.springframework.security.oauth2.server.authorization.oidc.OidcProviderConfiguration.Builder supported(
            org.springframework.security.oauth2.server.authorization.oidc.OidcProviderConfiguration.Builder metadata) {
        return metadata.tokenEndpointAuthenticationMethods(Supported.TOKEN_AUTHENTICATION).tokenRevocationEndpointAuthenticationMethods(Supported.TOKEN_AUTHENTICATION)
                .tokenIntrospectionEndpointAuthenticationMethods(Supported.SECRET).grantTypes(Supported.GRANTS).claims(Supported.NOT_OFFERED)
                .claim(Supported.ISS_PARAMETER, true);
    }

    /** {@link #supported(org.springframework.security.oauth2.server.authorization.oidc.OidcProviderConfiguration.Builder)} for RFC 8414's document. */
    static void supported(org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationServerMetadata.Builder metadata) {
        metadata.tokenEndpointAuthenticationMethods(Supported.TOKEN_AUTHENTICATION).tokenRevocationEndpointAuthenticationMethods(Supported.TOKEN_AUTHENTICATION)
                .tokenIntrospectionEndpointAuthenticationMethods(Supported.SECRET).grantTypes(Supported.GRANTS).claims(Supported.NOT_OFFERED)
                .claim(Supported.ISS_PARAMETER, true);
    }

    /** What discovery's lists become (the two builders share no public type to write it once against). */
    private static final class Supported {
        /** RFC 9207 §3: every authorization response sent back to an app names the issuer ({@link AuthorizeResponses}). */
        static final String ISS_PARAMETER = "authorization_response_iss_parameter_supported";
        static final List<String> SECRETS = List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC.getValue(),
                ClientAuthenticationMethod.CLIENT_SECRET_POST.getValue());
        static final java.util.function.Consumer<List<String>> SECRET = replacedBy(SECRETS);
        static final java.util.function.Consumer<List<String>> TOKEN_AUTHENTICATION = replacedBy(java.util.stream.Stream.concat(
                SECRETS.stream(), java.util.stream.Stream.of(ClientAuthenticationMethod.NONE.getValue())).toList());
        static final java.util.function.Consumer<List<String>> GRANTS = replacedBy(List.of(AuthorizationGrantType.AUTHORIZATION_CODE.getValue(),
                AuthorizationGrantType.REFRESH_TOKEN.getValue(), AuthorizationGrantType.CLIENT_CREDENTIALS.getValue()));
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
        return filter instanceof ConsentCsrf || filter instanceof CsrfFilter || filter instanceof SignInAgain
                || filter instanceof OAuth2AuthorizationServerMetadataEndpointFilter || filter instanceof OidcProviderConfigurationEndpointFilter
                || filter instanceof OAuth2ProtectedResourceMetadataFilter || filter instanceof NimbusJwkSetEndpointFilter
                || filter instanceof OAuth2AuthorizationEndpointFilter || filter.getClass().getEnclosingClass() == OAuth2AuthorizationEndpointFilter.class
                || filter instanceof OAuth2TokenEndpointFilter || filter instanceof OAuth2TokenRevocationEndpointFilter
                || filter instanceof OidcUserInfoEndpointFilter || filter instanceof OidcLogoutEndpointFilter;
    }

    /**
     * The consent form's CSRF check, run for that form only (and only a browser session consents): a token call, introspection or userinfo
     * request has no form, and no longer has a CSRF token prepared and stored in its attributes for
     * nothing (issue 13). Nothing this chain answers renders a page that would need one. (The
     * authorization server adds a CSRF filter of its own, which exempts all its endpoints; it stays.)
     */
    private static Filter consentCsrf(CsrfTokenRepository tokens, RequestMatcher consentPost, Sessions sessions) {
        CsrfFilter csrf = new CsrfFilter(tokens);
        csrf.setRequireCsrfProtectionMatcher(consentPost);
        return new ConsentCsrf(csrf, consentPost, sessions);
    }

    private record ConsentCsrf(CsrfFilter csrf, RequestMatcher consentPost, Sessions sessions) implements Filter {
        @Override
        public void doFilter(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response, jakarta.servlet.FilterChain chain)
                throws IOException, jakarta.servlet.ServletException {
            if (!consentPost.matches((HttpServletRequest) request)) {
                chain.doFilter(request, response);
                return;
            }
            // Only the member's browser session consents (decision 52): a session signed in for a bearer token (however its
            // token is sent), or an API key, is no sign-in here, as a bearer JWT is none (Spring's consent provider checks
            // only whose account it is).
            Authentication user = org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication();
            if (user != null && user.getPrincipal() instanceof CurrentSession && !browserSignIn(user, sessions)) {
                org.springframework.security.core.context.SecurityContextHolder.clearContext();
            }
            csrf.doFilter(request, response, chain);
        }
    }

    /**
     * The sign-in page, asked to come back to this authorize request (a path on Lanyard, never elsewhere),
     * less {@code prompt=login} and {@code max_age}, which the sign-in about to happen answers ({@link SignInAgain}).
     */
    static String signInAndReturn(HttpServletRequest request) {
        return request.getContextPath() + "/login?next=" + URLEncoder.encode(SignInAgain.back(request), StandardCharsets.UTF_8);
    }

    private static <T> Consumer<List<org.springframework.security.authentication.AuthenticationProvider>> configure(
            Class<T> type, Consumer<T> change) {
        return providers -> providers.stream().filter(type::isInstance).map(type::cast).forEach(change);
    }

    /**
     * A member signs in only to apps their own team registered, and not while their team requires a second factor
     * they have not set up (decision 22: held sessions reach nothing but setting one up).
     */
    private static Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> sameTeam(AppClientStore apps,
                                                                                      SecondFactorRequirement secondFactor,
                                                                                      Sessions sessions) {
        return context -> {
            OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
            // Scopes of the app's own tokens (client credentials, such as ssf) are never a member's to give.
            Set<String> memberScopes = apps.find(context.getRegisteredClient().getId()).map(AppClient::scopes).orElse(Set.of());
            if (!memberScopes.containsAll(request.getScopes())) {
                throw new OAuth2AuthorizationCodeRequestAuthenticationException(
                        new OAuth2Error(OAuth2ErrorCodes.INVALID_SCOPE, "This scope cannot be asked for by signing a member in.", null), request);
            }
            Optional<CurrentSession> signedIn = member(request, sessions);
            if (signedIn.isEmpty()) return;
            CurrentSession member = signedIn.get();
            boolean ours = apps.find(context.getRegisteredClient().getId()).map(app -> app.team().equals(member.account().team())).orElse(false);
            if (!ours) {
                throw new OAuth2AuthorizationCodeRequestAuthenticationException(
                        new OAuth2Error(OAuth2ErrorCodes.ACCESS_DENIED, "This app belongs to another team.", null), request);
            }
            if (secondFactor.holds(member.account())) {
                throw new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(OAuth2ErrorCodes.ACCESS_DENIED,
                        "Your team requires two-factor authentication: set it up in Lanyard, then sign in to the app again.", null), request);
            }
        };
    }

    /**
     * The member signed in to Lanyard in this browser who makes the authorize request, or empty for
     * someone not signed in (Spring sends them to the sign-in page). Anyone else signed in, by an API
     * key, a session's bearer token or any token that is not a Lanyard browser session (its cookie), is refused: only a member's own sign-in
     * consents and starts a grant ({@link #browserSignIn}).
     */
    static Optional<CurrentSession> member(OAuth2AuthorizationCodeRequestAuthenticationToken request, Sessions sessions) {
        if (!(request.getPrincipal() instanceof Authentication user) || user instanceof AnonymousAuthenticationToken || !user.isAuthenticated()) {
            return Optional.empty();
        }
        // The browser's own sign-in only: a session signed in for a bearer token is a program's, not the member at a browser (outside review S),
        // also when the program sends its token as the session cookie.
        if (user.getPrincipal() instanceof CurrentSession member && browserSignIn(user, sessions)) return Optional.of(member);
        throw new OAuth2AuthorizationCodeRequestAuthenticationException(
                new OAuth2Error(OAuth2ErrorCodes.ACCESS_DENIED, "Sign in to Lanyard in this browser.", null), request);
    }

    /**
     * Whether {@code user} is the member's own browser sign-in: a session's token in the session cookie
     * ({@link CurrentSession#browser}), of a session not signed in for a bearer token, whose token a program could send as
     * the cookie just as well (decision 65, addendum). The second test reads the session's row: only the authorize
     * endpoint and its consent form ask, never the per-request check.
     */
    static boolean browserSignIn(Authentication user, Sessions sessions) {
        return CurrentSession.browser(user) && !sessions.issuedForBearer(((CurrentSession) user.getPrincipal()).id());
    }

    /**
     * Consent is asked unless the member already allowed every scope requested that the app can be granted
     * ({@link AppClient#grantable}: not a public app's {@code offline_access}), and the app did not ask with
     * {@code prompt=consent}, even for
     * {@code openid} alone (which Spring's default lets through unasked): every app a member
     * signs in to is one they consented to, and so one listed under Connected apps.
     */
    private static boolean consentMissing(OAuth2AuthorizationCodeRequestAuthenticationContext context, ConsentStore consents,
                                          AppClientStore apps, Sessions sessions) {
        OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
        Optional<CurrentSession> member = member(request, sessions);
        if (member.isEmpty()) return true;
        // prompt=consent (OpenID Connect Core 3.1.2.1): asked again, whatever the member allowed before.
        if (request.getAdditionalParameters().get(SignInAgain.PROMPT) instanceof String prompt
                && java.util.Arrays.asList(prompt.split(" ")).contains("consent")) return true;
        Set<String> asked = apps.find(context.getRegisteredClient().getId()).map(app -> app.grantable(request.getScopes()))
                .orElse(request.getScopes());
        return consents.find(context.getRegisteredClient().getId(), member.get().account().id().value())
                .map(c -> !c.scopes().containsAll(asked)).orElse(true);
    }

    /** Userinfo answers from the account, within the scopes the member consented to. */
    private static OidcUserInfo userInfo(OidcUserInfoAuthenticationContext context, Accounts accounts, SecondFactorRequirement secondFactor) {
        OAuth2Authorization authorization = context.getAuthorization();
        Set<String> scopes = context.getAccessToken().getScopes();
        Account account = Optional.ofNullable(authorization.<Account>getAttribute(LanyardAuthorizations.ACCOUNT_ATTRIBUTE))
                .or(() -> accounts.find(new AccountId(authorization.getPrincipalName())))
                .filter(found -> !secondFactor.holds(found)) // held by the team's second-factor rule (decision 22)
                .orElseThrow(() -> new org.springframework.security.oauth2.core.OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_TOKEN));
        Map<String, Object> claims = new HashMap<>();
        claims.put("sub", account.id().value());
        if (authorization.getAttribute(LanyardAuthorizations.SESSION_ATTRIBUTE) instanceof String sid) claims.put("sid", sid);
        if (scopes.contains("profile")) claims.put("name", account.name());
        if (scopes.contains("email")) {
            claims.put("email", account.email());
            claims.put("email_verified", accounts.emailVerified(account.id()));
        }
        return new OidcUserInfo(claims);
    }

    /**
     * RP-initiated logout: the grant's session ends, as ended by the app ({@link EndReason#APP_SIGNED_OUT}), and so does the member's Lanyard session in this browser
     * when it is the one that authorized the grant; then back to the app's registered address, or to the
     * sign-in page. An ID token from a grant another session authorized (another browser, an earlier sign-in)
     * ends that grant only: anyone holding an ID token, or any app, could otherwise sign the member out of
     * Lanyard with a link (RP-Initiated Logout 1.0 §2 asks the OP to ask first; Lanyard does not end it at all).
     */
    private static void loggedOut(HttpServletRequest request, HttpServletResponse response, OidcLogoutAuthenticationToken logout,
                                  Sessions sessions, LanyardAuthorizations authorizations) throws IOException {
        OidcIdToken idToken = logout.getIdToken();
        Optional<String> authorizedBy = idToken == null ? Optional.empty() : Optional.ofNullable(authorizations.findByToken(
                        idToken.getTokenValue(), new org.springframework.security.oauth2.server.authorization.OAuth2TokenType(
                                org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames.ID_TOKEN)))
                .flatMap(LanyardAuthorizations::browserSession);
        if (idToken != null && idToken.getClaim("sid") instanceof String sid && idToken.getSubject() != null) {
            // Ended by the app, not by the member: whoever holds the ID token may send this link.
            sessions.endApp(List.of(new SessionId(sid)), new AccountId(idToken.getSubject()), EndReason.APP_SIGNED_OUT);
        }
        if (logout.getPrincipal() instanceof Authentication user && user.getPrincipal() instanceof CurrentSession browser
                && authorizedBy.equals(Optional.of(browser.id().value()))) {
            sessions.logout(browser);
        }
        String target = request.getContextPath() + "/login?out";
        // Back to the app only for the member the ID token names, signed in here: anyone can register an app and
        // hold an ID token of their own, so a link would otherwise send anyone to any address (RFC 9700 §4.11.2).
        boolean named = logout.getPrincipal() instanceof Authentication user && user.getPrincipal() instanceof CurrentSession browser
                && !browser.apiKey() && idToken != null && browser.account().id().value().equals(idToken.getSubject());
        if (logout.getPostLogoutRedirectUri() != null && named) {
            UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(logout.getPostLogoutRedirectUri());
            if (logout.getState() != null) uri.queryParam("state", URLEncoder.encode(logout.getState(), StandardCharsets.UTF_8));
            target = uri.build(true).toUriString();
        }
        response.sendRedirect(target);
    }
}
