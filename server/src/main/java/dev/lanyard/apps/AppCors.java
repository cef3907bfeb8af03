package dev.lanyard.apps;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;

import dev.lanyard.session.SessionFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * CORS for browser apps (single-page apps registered as public apps, PKCE only): what the OpenID Connect endpoints answer
 * a page of another origin. Discovery and the signing keys are public and readable from anywhere. The token, revocation
 * and userinfo endpoints are readable, and preflighted, only from the origin of a public app's redirect URI (its
 * scheme, host and port); never with credentials (no cookie is read there). Confidential apps keep their secret on a
 * server, so their origins are not added. Answered before Spring Security, which would send a preflight to the sign-in
 * page. The origins are read again at most every 30 seconds, as the authorization server reads apps.
 */
final class AppCors extends HttpFilter {
    private static final Set<String> OPEN = Set.of("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server",
            "/oauth2/jwks");
    private static final Set<String> FOR_APPS = Set.of("/oauth2/token", "/oauth2/revoke", "/userinfo");
    private static final Duration REREAD = Duration.ofSeconds(30);

    private final AppClientStore apps;
    private final Clock clock;
    private volatile Set<String> origins = Set.of();
    private volatile Instant readAt = Instant.EPOCH;

    AppCors(AppClientStore apps, Clock clock) {
        this.apps = apps;
        this.clock = clock;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        // Most requests name no origin (same-origin GETs, bearer clients): their path is not read.
        String path = origin == null ? null : SessionFilter.sentPath(request);
        if (path == null || !(OPEN.contains(path) || FOR_APPS.contains(path))) {
            chain.doFilter(request, response);
            return;
        }
        boolean preflight = "OPTIONS".equals(request.getMethod()) && request.getHeader("Access-Control-Request-Method") != null;
        response.addHeader("Vary", "Origin");
        boolean allowed = OPEN.contains(path) || allowedOrigins().contains(origin);
        if (allowed) {
            response.setHeader("Access-Control-Allow-Origin", OPEN.contains(path) ? "*" : origin);
            response.setHeader("Access-Control-Expose-Headers", "WWW-Authenticate");
        }
        if (preflight) {
            if (allowed) {
                response.setHeader("Access-Control-Allow-Methods", OPEN.contains(path) ? "GET" : "GET, POST");
                response.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type");
                response.setHeader("Access-Control-Max-Age", "600");
            }
            response.setStatus(allowed ? HttpServletResponse.SC_NO_CONTENT : HttpServletResponse.SC_FORBIDDEN);
            return;
        }
        chain.doFilter(request, response);
    }

    /** Whether this filter answers cross-origin requests and preflights to the path. */
    static boolean answers(String path) {
        return OPEN.contains(path) || FOR_APPS.contains(path);
    }

    private Set<String> allowedOrigins() {
        Instant now = clock.instant();
        if (now.isAfter(readAt.plus(REREAD))) {
            origins = apps.publicRedirectUris().stream().map(AppCors::origin).filter(o -> !o.isEmpty()).collect(Collectors.toUnmodifiableSet());
            readAt = now;
        }
        return origins;
    }

    /** {@code https://app.example.com} of {@code https://app.example.com/callback}; empty for a native app's own scheme. */
    static String origin(String uri) {
        try {
            URI parsed = new URI(uri);
            if (!("https".equals(parsed.getScheme()) || "http".equals(parsed.getScheme())) || parsed.getRawAuthority() == null) return "";
            return parsed.getScheme() + "://" + parsed.getRawAuthority();
        } catch (java.net.URISyntaxException unparsable) {
            return "";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Registration {
        @Bean
        FilterRegistrationBean<AppCors> appCors(AppClientStore apps, Clock clock) {
            FilterRegistrationBean<AppCors> registration = new FilterRegistrationBean<>(new AppCors(apps, clock));
            registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER - 1);
            return registration;
        }
    }
}
