package dev.lanyard.web;


import dev.lanyard.device.UserAgentParser;
import dev.lanyard.session.EndReason;
import dev.lanyard.session.SessionFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.session.NullAuthenticatedSessionStrategy;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.savedrequest.NullRequestCache;
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

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";
    /** Swagger UI styles itself inline; it gets a looser policy on its own paths only. */
    static final String DOCS_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    @Bean
    SecurityFilterChain filterChain(HttpSecurity http, SessionFilter sessions, JsonMapper json,
                                    UserAgentParser agents) throws Exception {
        http
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.requestCache(new NullRequestCache()))
                .securityContext(c -> c.requireExplicitSave(true))
                .formLogin(f -> f.disable())
                .httpBasic(b -> b.disable())
                .logout(l -> l.disable())
                .anonymous(a -> a.disable())
                // Every request authenticates afresh from its Lanyard session, which Spring would take for
                // a new sign-in and rotate the CSRF token each time, breaking forms open in other tabs.
                .csrf(c -> c.csrfTokenRepository(new CookieCsrfTokenRepository())
                        .sessionAuthenticationStrategy(new NullAuthenticatedSessionStrategy())
                        .ignoringRequestMatchers("/api/**"))
                .addFilterBefore(sessions, CsrfFilter.class)
                .addFilterAfter(new ApiRequestGuard(json), SessionFilter.class)
                .headers(h -> h
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CSP))
                        .referrerPolicy(r -> r.policy(org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN))
                        .addHeaderWriter(new StaticHeadersWriter("Accept-CH", String.join(", ", agents.clientHintHeaders())))
                        .addHeaderWriter(new StaticHeadersWriter("Permissions-Policy", "geolocation=(), camera=(), microphone=()")))
                .authorizeHttpRequests(a -> a
                        // An async dispatch continues a request that was already authorized (live streams).
                        .dispatcherTypeMatchers(jakarta.servlet.DispatcherType.ASYNC).permitAll()
                        .requestMatchers("/login", "/signup", "/invite/*", "/css/**", "/js/**", "/img/**", "/webjars/**",
                                "/favicon.ico", "/error").permitAll()
                        .requestMatchers("/api/v1/signup", "/api/v1/login").permitAll()
                        .requestMatchers("/v3/api-docs/**", "/v3/api-docs", "/swagger-ui/**", "/swagger-ui.html").permitAll()
                        .requestMatchers("/actuator/health/**", "/actuator/health", "/actuator/prometheus").permitAll()
                        .anyRequest().authenticated())
                .exceptionHandling(e -> e
                        .authenticationEntryPoint(entryPoint(json))
                        .accessDeniedHandler(accessDenied(json)));
        return http.build();
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

    /** Not signed in: the API answers 401; a page goes to the sign-in page, saying why the session ended. */
    private static AuthenticationEntryPoint entryPoint(JsonMapper json) {
        return (request, response, failure) -> {
            EndReason ended = (EndReason) request.getAttribute(SessionFilter.ENDED_REASON);
            if (Problems.isApi(request)) {
                Problems.write(response, json, ended == null
                        ? Problems.of(HttpStatus.UNAUTHORIZED, "unauthenticated", "Sign in first.")
                        : Problems.of(HttpStatus.UNAUTHORIZED, "session-ended", ended.notice()));
                return;
            }
            String target = ended == null ? "/login" : "/login?ended=" + ended.code();
            if (request.getHeader("HX-Request") != null) {
                response.setHeader("HX-Redirect", target);
                response.setStatus(HttpStatus.UNAUTHORIZED.value());
                return;
            }
            response.sendRedirect(target);
        };
    }

    private static AccessDeniedHandler accessDenied(JsonMapper json) {
        return (request, response, denied) -> {
            boolean csrf = denied instanceof CsrfException;
            if (Problems.isApi(request)) {
                Problems.write(response, json, Problems.of(HttpStatus.FORBIDDEN, csrf ? "csrf" : "forbidden",
                        csrf ? "The request could not be verified." : "You are not allowed to do this."));
                return;
            }
            request.setAttribute("lanyard.errorMessage", csrf
                    ? "This form has expired or was sent from another site. Go back, reload the page and try again."
                    : "You are not allowed to do this.");
            response.setStatus(HttpStatus.FORBIDDEN.value());
            request.getRequestDispatcher("/error").forward(request, response);
        };
    }

}
