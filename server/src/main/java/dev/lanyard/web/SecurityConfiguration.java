package dev.lanyard.web;

import dev.lanyard.HeadersAsBytes;
import dev.lanyard.device.UserAgentParser;
import dev.lanyard.geo.ExternalOrigins;
import dev.lanyard.keys.KeyAccess;
import dev.lanyard.ops.MetricsAccess;
import dev.lanyard.session.SessionFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.session.NullAuthenticatedSessionStrategy;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.savedrequest.NullRequestCache;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one security filter chain. Lanyard keeps no servlet session: every request is
 * authenticated by its Lanyard session token ({@link SessionFilter}). Forms carry a CSRF token
 * (double-submit cookie); the API is guarded by {@link ApiRequestGuard} instead.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";
    static final String PERMISSIONS_POLICY = "geolocation=(), camera=(), microphone=()";
    /** Swagger UI styles itself inline; it gets a looser policy on its own paths only. */
    static final String DOCS_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    /** One year; sent only to requests that reached Lanyard over HTTPS as the browser sees it. */
    static final long HSTS_SECONDS = 365L * 24 * 3600;

    /**
     * No per-filter, authentication or authorization observations: they wrapped each of the chain's filters in an
     * observation of its own, about a fifth of a request's CPU (bench/RESULTS.md, issue 13). The request itself
     * is still observed once, as {@code http.server.requests}.
     */
    @Bean
    static SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * Spring Security's strict firewall, its header rule checked without a regular expression ({@link HeaderCharacters}),
     * its methods named where its refusals are answered ({@link RefusedMethods}).
     */
    @Bean
    static org.springframework.security.web.firewall.HttpFirewall httpFirewall() {
        var firewall = new org.springframework.security.web.firewall.StrictHttpFirewall();
        firewall.setAllowedHttpMethods(RefusedMethods.METHODS);
        firewall.setAllowedHeaderNames(HeaderCharacters::allowedName);
        firewall.setAllowedHeaderValues(HeaderCharacters::allowedValue);
        return firewall;
    }

    /** A bean, so tests can put the application's own repository back after Spring Security's test support swaps it. */
    @Bean
    CsrfTokenRepository csrfTokenRepository(ExternalOrigins origins) {
        return new CsrfCookies(origins);
    }

    /**
     * The API's own chain, tried first: an API request (most requests) is matched once to find its chain
     * instead of against every endpoint of the authorization server first, and skips what only pages need
     * (the CSRF token, which the API never used: {@link ApiRequestGuard} guards it). The same session filter,
     * headers, authorization and answers as the pages' chain. Shared Signals' receivers (under
     * {@code /api/v1/ssf}) have a chain of their own, tried before this one.
     */
    @Bean
    @org.springframework.core.annotation.Order(API_CHAIN_ORDER)
    SecurityFilterChain apiChain(HttpSecurity http, SessionFilter sessions, JsonMapper json, UserAgentParser agents,
                                 ExternalOrigins origins, KeyAccess keys, MetricsAccess metrics, HandlerPaths handlers,
                                 RefusedRequests refusals) throws Exception {
        http.securityMatcher(Problems.API);
        stateless(http, sessions, json, origins, agents, metrics, handlers, refusals)
                .csrf(c -> c.disable())
                .authorizeHttpRequests(a -> a
                        // An async dispatch continues a request that was already authorized (live streams).
                        .dispatcherTypeMatchers(jakarta.servlet.DispatcherType.ASYNC).permitAll()
                        .requestMatchers("/api/v1/signup", "/api/v1/signup/confirm", "/api/v1/signup/confirm/own", "/api/v1/login", "/api/v1/login/second-factor").permitAll()
                        .anyRequest().access(signedIn(keys)));
        return http.build();
    }

    /** Where static files are served from (Spring MVC's resource handler): open to anyone. */
    static final String[] STATIC_FILES = {"/css/**", "/js/**", "/img/**", "/webjars/**", "/favicon.ico"};

    /** Before the authorization server's chain (-10) and the documentation's (0); after Shared Signals' (-30). */
    static final int API_CHAIN_ORDER = -20;

    @Bean
    SecurityFilterChain filterChain(HttpSecurity http, SessionFilter sessions, JsonMapper json, UserAgentParser agents,
                                    ExternalOrigins origins, CsrfTokenRepository csrfTokens, MetricsAccess metrics,
                                    KeyAccess keys, HandlerPaths handlers, RefusedRequests refusals) throws Exception {
        stateless(http, sessions, json, origins, agents, metrics, handlers, refusals)
                // Every request authenticates afresh from its Lanyard session, which Spring would take for
                // a new sign-in and rotate the CSRF token each time, breaking forms open in other tabs.
                .csrf(c -> c.csrfTokenRepository(csrfTokens)
                        .sessionAuthenticationStrategy(new NullAuthenticatedSessionStrategy())
                        // Device-bound sessions' endpoints (decision 0050): browsers call them by themselves with a
                        // custom header no other site can send without CORS, and each needs a proof signed by the key.
                        .ignoringRequestMatchers("/dbsc/register", "/dbsc/refresh")
                        // Only Spring MVC's resource handler answers there, and it changes nothing: a DELETE or PUT is
                        // its 405 naming GET and HEAD, as a TRACE is (RefusedMethods), not a refusal for want of a token.
                        .ignoringRequestMatchers(STATIC_FILES))
                .authorizeHttpRequests(a -> a
                        // An async dispatch continues a request that was already authorized (live streams).
                        .dispatcherTypeMatchers(jakarta.servlet.DispatcherType.ASYNC).permitAll()
                        .requestMatchers("/login", "/login/verify", "/login/verify/passkey", "/login/verify/passkey/options", "/login/passkey",
                                "/login/passkey/options", "/signup", "/signup/confirm/*", "/signup/confirm/*/own", "/login/forgot", "/login/reset/*", "/invite/*", "/not-me/*", "/not-me/*/all", "/error", "/dbsc/refresh", "/logout/ask").permitAll()
                        .requestMatchers(STATIC_FILES).permitAll()
                        .requestMatchers("/v3/api-docs/**", "/v3/api-docs", "/swagger-ui/**", "/swagger-ui.html").permitAll()
                        .requestMatchers("/actuator/health/**", "/actuator/health").permitAll()
                        .requestMatchers("/actuator/prometheus").access((authentication, context) ->
                                new AuthorizationDecision(metrics.accepts(bearer(context.getRequest()))))
                        .anyRequest().access(signedIn(keys)));
        return http.build();
    }

    /** Signed in; an API key also within its scopes (decision 0018). */
    private static AuthorizationManager<RequestAuthorizationContext> signedIn(KeyAccess keys) {
        return (authentication, context) -> {
            java.util.Optional<String> refused = keys.refusal(authentication.get(), context.getRequest());
            refused.ifPresent(why -> context.getRequest().setAttribute(KeyAccess.REFUSED, why));
            return new AuthorizationDecision(refused.isEmpty());
        };
    }

    /**
     * What the API's and the pages' chains share: no servlet session, authentication by the Lanyard
     * session ({@link SessionFilter}), the request guard, the headers and the answers to a missing
     * sign-in or a refusal ({@link SecurityRefusals}).
     */
    private static HttpSecurity stateless(HttpSecurity http, SessionFilter sessions, JsonMapper json, ExternalOrigins origins,
                                          UserAgentParser agents, MetricsAccess metrics, HandlerPaths handlers,
                                          RefusedRequests refusals) throws Exception {
        return http
                // No servlet session: what STATELESS session management sets up, without its two filters
                // (decision 46). The container tracks no session (server.servlet.session.tracking-modes
                // is empty), so there is no session to fix, expire or write into a URL; the request's
                // security context lives in a request attribute and is never saved.
                .sessionManagement(s -> s.disable())
                .requestCache(c -> c.requestCache(new NullRequestCache()))
                .securityContext(c -> c.securityContextRepository(new RequestAttributeSecurityContextRepository())
                        .requireExplicitSave(true))
                .formLogin(f -> f.disable())
                .httpBasic(b -> b.disable())
                .logout(l -> l.disable())
                .anonymous(a -> a.disable())
                // Nothing asks the servlet request who is signed in (getUserPrincipal, isUserInRole): one request
                // wrapper less for every attribute lookup on the way.
                .servletApi(s -> s.disable())
                .addFilterBefore(sessions, CsrfFilter.class)
                .addFilterAfter(new ApiRequestGuard(json, origins), AuthorizationFilter.class)
                // Spring Security's defaults and Lanyard's own, each value written as the bytes Tomcat sends (decision 76);
                // HSTS by Spring's writer, as it depends on the request.
                .headers(h -> h.defaultsDisabled()
                        .httpStrictTransportSecurity(hsts -> hsts.requestMatcher(origins::isSecure).maxAgeInSeconds(HSTS_SECONDS))
                        .addHeaderWriter(HeadersAsBytes.defaults()
                                .header("Content-Security-Policy", CSP)
                                .header("Referrer-Policy", "same-origin")
                                .header("Accept-CH", String.join(", ", agents.clientHintHeaders()))
                                .header("Permissions-Policy", PERMISSIONS_POLICY).build())
                        .withObjectPostProcessor(SecurityHeaders.writtenFirst()))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint(SecurityRefusals.entryPoint(json, metrics))
                        .accessDeniedHandler(SecurityRefusals.accessDenied(json, metrics, handlers, refusals)));
    }

    @Bean
    @org.springframework.core.annotation.Order(0)
    SecurityFilterChain docsChain(HttpSecurity http) throws Exception {
        http.securityMatcher("/swagger-ui/**", "/swagger-ui.html")
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(c -> c.disable())
                .headers(h -> h.contentSecurityPolicy(csp -> csp.policyDirectives(DOCS_CSP)))
                .authorizeHttpRequests(a -> a.anyRequest().permitAll());
        return http.build();
    }

    /** The token of an {@code Authorization: Bearer} header, or null. */
    private static String bearer(HttpServletRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).strip() : null;
    }
}
