package dev.lanyard.apps;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.geo.IpLiteral;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;

/**
 * Without a configured issuer (neither {@code lanyard.web.public-url} nor the authorization server's {@code issuer}), the
 * authorization server takes its issuer from each request's {@code Host}: {@code Host: evil.example} made discovery name
 * {@code http://evil.example} and its tokens carry that {@code iss}, which the Shared Signals API took. Such a request is
 * now answered 400 at the authorization server's endpoints and documents, unless its {@code Host} names this server as
 * the connection reached it: the address it was sent to ({@code 127.0.0.1}, a network address), or, on a loopback
 * connection, {@code localhost}, {@code 127.0.0.1} or {@code [::1]}; with the port the connection came in on. A request
 * from a trusted proxy ({@code lanyard.web.trusted-proxies}) is the proxy's to check, as for its origin. A configured
 * issuer is fixed and ignores {@code Host}. Runs before {@link EndpointMethods}, on its paths.
 */
class IssuerHost extends HttpFilter {
    static final String DETAIL = "The Host header names neither this machine nor an address it was reached at, and no issuer is "
            + "configured: reach Lanyard at localhost or at its own address, or set lanyard.web.public-url to the address people use.";

    private final ClientAddresses addresses;

    IssuerHost(ClientAddresses addresses) {
        this.addresses = addresses;
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication
    static class Registration {
        /** Only when no issuer is configured: a configured one is every request's, whatever its Host. */
        @Bean
        FilterRegistrationBean<IssuerHost> issuerHost(AuthorizationServerSettings settings, ClientAddresses addresses, IssuerSetting issuer) {
            FilterRegistrationBean<IssuerHost> registration = new FilterRegistrationBean<>(new IssuerHost(addresses));
            registration.setUrlPatterns(EndpointMethods.paths(settings));
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 24);
            registration.setEnabled(issuer.issuer() == null);
            return registration;
        }
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (namesThisServer(request) || addresses.fromTrustedProxy(request)) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(HttpStatus.BAD_REQUEST.value());
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write("{\"error\":\"invalid_request\",\"error_description\":\"" + DETAIL + "\"}");
    }

    /** Whether the request's {@code Host} (name and port) is this server as the connection reached it. */
    static boolean namesThisServer(HttpServletRequest request) {
        if (request.getServerPort() != request.getLocalPort()) return false;
        Optional<InetAddress> local = IpLiteral.parse(request.getLocalAddr());
        if (local.isEmpty()) return false;
        String host = request.getServerName();
        if (local.get().isLoopbackAddress() && "localhost".equalsIgnoreCase(host)) return true;
        Optional<InetAddress> named = IpLiteral.parse(host);
        return named.isPresent() && (named.get().equals(local.get())
                || local.get().isLoopbackAddress() && named.get().isLoopbackAddress());
    }
}
