package dev.lanyard.web;


import dev.lanyard.account.LinkTokens;
import dev.lanyard.device.UserAgentParser;
import dev.lanyard.geo.ExternalOrigins;
import dev.lanyard.keys.KeyAccess;
import dev.lanyard.ops.MetricsAccess;
import dev.lanyard.ops.RequestMetrics;
import dev.lanyard.session.EndReason;
import dev.lanyard.session.SessionFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.session.NullAuthenticatedSessionStrategy;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.MissingCsrfTokenException;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.savedrequest.NullRequestCache;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.AuthenticationEntryPoint;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one security filter chain. Lanyard keeps no servlet session: every request is
 * authenticated by its Lanyard session token ({@link SessionFilter}). Forms carry a CSRF token
 * (double-submit cookie); the API is guarded by {@link ApiRequestGuard} instead.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {
    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

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
                                 ExternalOrigins origins, KeyAccess keys, MetricsAccess metrics) throws Exception {
        http.securityMatcher(Problems.API);
        stateless(http, sessions, json, origins, agents, metrics)
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
                                    KeyAccess keys) throws Exception {
        stateless(http, sessions, json, origins, agents, metrics)
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
                                "/login/passkey/options", "/signup", "/signup/confirm/*", "/signup/confirm/*/own", "/login/forgot", "/login/reset/*", "/invite/*", "/not-me/*", "/not-me/*/all", "/error", "/dbsc/refresh").permitAll()
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
     * sign-in or a refusal.
     */
    private static HttpSecurity stateless(HttpSecurity http, SessionFilter sessions, JsonMapper json, ExternalOrigins origins,
                                          UserAgentParser agents, MetricsAccess metrics) throws Exception {
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
                .headers(h -> h
                        .httpStrictTransportSecurity(hsts -> hsts.requestMatcher(origins::isSecure).maxAgeInSeconds(HSTS_SECONDS))
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CSP))
                        .referrerPolicy(r -> r.policy(org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN))
                        .addHeaderWriter(new StaticHeadersWriter("Accept-CH", String.join(", ", agents.clientHintHeaders())))
                        .addHeaderWriter(new StaticHeadersWriter("Permissions-Policy", PERMISSIONS_POLICY))
                        .withObjectPostProcessor(SecurityHeaders.writtenFirst()))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint(entryPoint(json, metrics))
                        .accessDeniedHandler(accessDenied(json, metrics)));
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

    /** The live stream of open pages (SessionPages). */
    private static final String LIVE_EVENTS = "/settings/sessions/events";

    /**
     * Not signed in: the API answers 401; a page goes to the sign-in page, saying why the session ended; a page's live
     * stream asked for with an ended session hears that it was signed out, and why.
     */
    private static AuthenticationEntryPoint entryPoint(JsonMapper json, MetricsAccess metrics) {
        return (request, response, failure) -> {
            EndReason ended = (EndReason) request.getAttribute(SessionFilter.ENDED_REASON);
            if (Problems.ACTUATOR.matches(request)) {
                metricsTokenMissing(request, response, json, metrics);
                return;
            }
            if (ended != null && LIVE_EVENTS.equals(request.getRequestURI())) {
                // An open page whose stream (re)connects after its session ended: told why, as the stream would have
                // told it, instead of a redirect EventSource cannot follow (the page would never learn it was signed out).
                response.setStatus(HttpStatus.OK.value());
                response.setContentType("text/event-stream;charset=UTF-8");
                response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
                response.getWriter().write("event: signed-out\ndata: "
                        + json.writeValueAsString(java.util.Map.of("reason", ended.code(), "message", ended.notice())) + "\n\n");
                return;
            }
            if (Problems.isApi(request)) {
                response.setHeader(HttpHeaders.WWW_AUTHENTICATE, Problems.bearerChallenge(request));
                Problems.write(response, json, ended == null
                        ? Problems.of(HttpStatus.UNAUTHORIZED, "unauthenticated", Problems.unauthenticated(request))
                        : Problems.of(HttpStatus.UNAUTHORIZED, "session-ended",
                                request.getAttribute(SessionFilter.ENDED_API_KEY) != null ? ended.keyNotice() : ended.notice()));
                return;
            }
            String target = ended == null ? "/login" : "/login?ended=" + ended.code();
            String back = returnPath(request);
            if (back != null) target += (ended == null ? "?" : "&") + "next=" + java.net.URLEncoder.encode(back, java.nio.charset.StandardCharsets.UTF_8);
            if (request.getHeader("HX-Request") != null) {
                response.setHeader("HX-Redirect", target);
                response.setStatus(HttpStatus.UNAUTHORIZED.value());
                return;
            }
            response.sendRedirect(target);
        };
    }

    private static AccessDeniedHandler accessDenied(JsonMapper json, MetricsAccess metrics) {
        return (request, response, denied) -> {
            boolean csrf = denied instanceof CsrfException;
            if (csrf) {
                // As Spring Security marks the request's observation: a refused CSRF token is the request's failure.
                RequestMetrics.failed(request, denied);
                // Which form was refused and why, by the exception's kind: its message may quote the token sent.
                log.info("Refused {} {}: {}", request.getMethod(), LinkTokens.redact(request.getRequestURI()),
                        denied instanceof MissingCsrfTokenException ? "no CSRF cookie (a new token was made)" : "the CSRF token sent does not match the cookie's");
            }
            if (Problems.ACTUATOR.matches(request) && !csrf) {
                // The metrics' only credential is their token, whoever else the caller may be.
                metricsTokenMissing(request, response, json, metrics);
                return;
            }
            if (Problems.isApi(request)) {
                Object why = request.getAttribute(KeyAccess.REFUSED);
                Problems.write(response, json, Problems.of(HttpStatus.FORBIDDEN, csrf ? "csrf" : "forbidden",
                        csrf ? "The request could not be verified." : why != null ? why.toString() : "You are not allowed to do this."));
                return;
            }
            request.setAttribute(ErrorPages.MESSAGE, csrf
                    ? "This form has expired or was sent from another site. Go back, reload the page and try again."
                    : "You are not allowed to do this.");
            response.setStatus(HttpStatus.FORBIDDEN.value());
            request.getRequestDispatcher("/error").forward(request, response);
        };
    }

    /** The token of an {@code Authorization: Bearer} header, or null. */
    private static String bearer(HttpServletRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).strip() : null;
    }

    /** A metrics request without the token: asked for it, or, with none configured, told that metrics are not served over HTTP. */
    private static void metricsTokenMissing(HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response,
                                            JsonMapper json, MetricsAccess metrics) throws java.io.IOException {
        if (!metrics.configured()) {
            // Said on the metrics' own path only; any other actuator path is simply not there.
            Problems.write(response, json, Problems.of(HttpStatus.NOT_FOUND, "not-found", "/actuator/prometheus".equals(request.getRequestURI())
                    ? "Metrics are not served over HTTP: no lanyard.ops.metrics-token is configured." : "Not found."));
            return;
        }
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        Problems.write(response, json, Problems.of(HttpStatus.UNAUTHORIZED, "unauthenticated",
                "Send the metrics token (lanyard.ops.metrics-token) as Authorization: Bearer."));
    }

    /**
     * The page a signed-out visitor asked for, for the sign-in page to return to ({@code next}, held to a path on Lanyard
     * by the sign-in page): only a page that was navigated to ({@code GET}, asking for HTML); not the sessions page, where
     * sign-in leads anyway. Signed out, every page but the sessions page led to it after signing in (outside review AO).
     */
    private static String returnPath(HttpServletRequest request) {
        if (!"GET".equals(request.getMethod()) || request.getHeader("HX-Request") != null) return null;
        // A page's own requests (its live stream, its fetches) are no place to come back to: only what asks for HTML.
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        if (accept == null || !accept.contains("text/html")) return null;
        String path = request.getRequestURI();
        if (path.equals("/") || path.equals("/settings/sessions") || path.equals(LIVE_EVENTS)) return null;
        String query = request.getQueryString();
        String back = query == null ? path : path + "?" + query;
        return back.length() > 2000 ? null : back;
    }
}
