package plain;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.savedrequest.NullRequestCache;

/**
 * The secure build's security (bench/plain-app's {@code -Psecure}): the chain Lanyard gives {@code /api/**}
 * (stateless, no request cache, no anonymous or servlet API integration, the same headers with the same
 * values, Spring Security's observations off), with a bearer filter doing the plain app's work (SHA-256
 * of the token, a map lookup) in place of Lanyard's session check. What is left between this app and
 * Lanyard is Lanyard's own code; between this app and the plain one, the framework's cost of what Lanyard
 * must keep.
 */
@Configuration(proxyBeanMethods = false)
class Secured {
    // Lanyard's values (dev.lanyard.web.SecurityConfiguration, dev.lanyard.device.UserAgentParser).
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";
    static final String ACCEPT_CH = "Sec-CH-UA, Sec-CH-UA-Mobile, Sec-CH-UA-Platform, Sec-CH-UA-Platform-Version, "
            + "Sec-CH-UA-Full-Version-List, Sec-CH-UA-Model, Sec-CH-UA-Arch";

    @Bean
    static SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http, PlainApp app) throws Exception {
        return http.securityMatcher("/api/**")
                // Stateless as Lanyard's chains are (its decision 46): no session management filters, the
                // security context in a request attribute, never saved.
                .sessionManagement(s -> s.disable())
                .requestCache(c -> c.requestCache(new NullRequestCache()))
                .securityContext(c -> c.securityContextRepository(new RequestAttributeSecurityContextRepository())
                        .requireExplicitSave(true))
                .formLogin(f -> f.disable())
                .httpBasic(b -> b.disable())
                .logout(l -> l.disable())
                .anonymous(a -> a.disable())
                .servletApi(s -> s.disable())
                .csrf(c -> c.disable())
                .addFilterBefore(new Bearer(app), CsrfFilter.class)
                .headers(h -> h
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CSP))
                        .referrerPolicy(r -> r.policy(ReferrerPolicy.SAME_ORIGIN))
                        .addHeaderWriter(new StaticHeadersWriter("Accept-CH", ACCEPT_CH))
                        .addHeaderWriter(new StaticHeadersWriter("Permissions-Policy", "geolocation=(), camera=(), microphone=()"))
                        // Written as the request enters the chain, as Lanyard's are (its decision 43).
                        .withObjectPostProcessor(new ObjectPostProcessor<HeaderWriterFilter>() {
                            @Override
                            public <O extends HeaderWriterFilter> O postProcess(O filter) {
                                filter.setShouldWriteHeadersEagerly(true);
                                return filter;
                            }
                        }))
                .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .exceptionHandling(e -> e.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)))
                .build();
    }

    /** Authenticates a request by its bearer token, as Lanyard's session filter does, and hands the session to the controller. */
    static final class Bearer extends HttpFilter {
        private final PlainApp app;

        Bearer(PlainApp app) {
            this.app = app;
        }

        @Override
        protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (request.getDispatcherType() != DispatcherType.REQUEST) {
                chain.doFilter(request, response);
                return;
            }
            PlainApp.Session session = app.find(request.getHeader(HttpHeaders.AUTHORIZATION));
            if (session != null) {
                request.setAttribute(PlainApp.SESSION, session);
                SecurityContextHolder.getContext().setAuthentication(
                        UsernamePasswordAuthenticationToken.authenticated(session.id(), null, List.of()));
            }
            chain.doFilter(request, response);
        }
    }
}
