package dev.lanyard.apps;

import java.io.IOException;
import java.util.Locale;

import dev.lanyard.session.SessionFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContext;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;

/**
 * Spring's {@code AuthorizationServerContextFilter} in the introspection chain (decision 79). Without a configured
 * issuer, Spring's filter takes the issuer from each request: it builds the request's whole URL, parses it again with
 * {@code UriComponentsBuilder}, takes the endpoint's path off and writes it back out, about 3 µs of an introspection's
 * CPU. For a request to the introspection endpoint's own path that comes to {@code scheme://host[:port]}, which is
 * what this writes from the request's scheme, name and port, the port left out where Spring's {@code UrlUtils} leaves
 * it out. Everything else (a configured issuer, an endpoint path that holds another endpoint's, any other path, a
 * dispatch that is not the request's own) goes to Spring's filter, which this wraps. {@code IntrospectionIssuerTest}
 * compares the two on the shapes a request can take.
 */
final class IntrospectionIssuer implements Filter {
    /** The filter the authorization server configurer adds (not public). */
    static final String SPRINGS = "org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization"
            + ".AuthorizationServerContextFilter";

    private final Filter spring;
    private final AuthorizationServerSettings settings;
    /** The introspection endpoint's path, or null where the issuer is configured or the path holds another endpoint's. */
    private final String endpoint;

    IntrospectionIssuer(Filter spring, AuthorizationServerSettings settings) {
        this.spring = spring;
        this.settings = settings;
        this.endpoint = settings.getIssuer() == null && holdsNoOtherEndpoint(settings) ? settings.getTokenIntrospectionEndpoint() : null;
    }

    /** Spring's filter, when {@code filter} is it: in the introspection chain, this stands in its place. */
    static Filter inPlaceOf(Filter filter, AuthorizationServerSettings settings) {
        return SPRINGS.equals(filter.getClass().getName()) ? new IntrospectionIssuer(filter, settings) : filter;
    }

    /** The filter of Spring's this stands in for. */
    Filter spring() {
        return spring;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        if (endpoint == null || request.getDispatcherType() != DispatcherType.REQUEST || !endpoint.equals(SessionFilter.sentPath(request))) {
            spring.doFilter(req, res, chain);
            return;
        }
        AuthorizationServerContextHolder.setContext(new Context(issuer(request), settings));
        try {
            chain.doFilter(req, res);
        } finally {
            AuthorizationServerContextHolder.resetContext();
        }
    }

    /** {@code scheme://host[:port][/context-path]}, as Spring's resolver makes it for a request to an endpoint's own path. */
    static String issuer(HttpServletRequest request) {
        String scheme = request.getScheme().toLowerCase(Locale.ROOT);
        int port = request.getServerPort();
        boolean defaultPort = "http".equals(scheme) && port == 80 || "https".equals(scheme) && port == 443;
        StringBuilder issuer = new StringBuilder(scheme).append("://").append(request.getServerName());
        if (!defaultPort && ("http".equals(scheme) || "https".equals(scheme))) issuer.append(':').append(port);
        issuer.append(request.getContextPath());
        return issuer.toString();
    }

    /**
     * Whether no other endpoint's path (Spring's resolver takes the first it finds in the request's path off it) is
     * part of the introspection endpoint's path, so that the resolver takes off that path whole.
     */
    private static boolean holdsNoOtherEndpoint(AuthorizationServerSettings settings) {
        String introspection = settings.getTokenIntrospectionEndpoint();
        if (introspection == null || introspection.contains("/.well-known/oauth-authorization-server")
                || introspection.contains("/.well-known/openid-configuration")) {
            return false;
        }
        for (var setting : settings.getSettings().entrySet()) {
            if (setting.getKey().endsWith("-endpoint") && setting.getValue() instanceof String path
                    && !path.equals(introspection) && introspection.contains(path)) {
                return false;
            }
        }
        return true;
    }

    private record Context(String issuer, AuthorizationServerSettings settings) implements AuthorizationServerContext {
        @Override
        public String getIssuer() {
            return issuer;
        }

        @Override
        public AuthorizationServerSettings getAuthorizationServerSettings() {
            return settings;
        }
    }
}
