package dev.lanyard.apps;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.lanyard.session.SessionFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;

/**
 * The authorization server's endpoints and documents answer a method they do not take with {@code 405} and the
 * {@code Allow} they do take (RFC 9110 §15.5.6), as the API does. Spring's chain matches each endpoint by its methods
 * only, so another method fell through to the pages: {@code GET /oauth2/token} was a redirect to the sign-in page and
 * {@code POST} to discovery a {@code 403} (outside review AD). A plain {@code OPTIONS} is answered {@code 200} with that
 * {@code Allow}, as the API answers it; a CORS preflight passes on to {@link AppCors}; {@code HEAD} is served as
 * {@code GET} where that is. Registered for these paths alone ({@link Registration}): no other request, the API's and the
 * session check's among them, passes through it.
 */
class EndpointMethods extends HttpFilter {
    private static final Set<String> GET = Set.of("GET");
    private static final Set<String> POST = Set.of("POST");
    private static final Set<String> GET_OR_POST = Set.of("GET", "POST");

    private final Map<String, Set<String>> allowed = new LinkedHashMap<>();
    /**
     * Spring's paths of what Lanyard does not offer and discovery does not name, each with what its {@code 404} says:
     * dynamic client registration (OpenID Connect Dynamic Client Registration 1.0 and RFC 7591; a team's admin registers
     * apps in Lanyard), pushed authorization requests (RFC 9126) and the device authorization grant (RFC 8628: its
     * authorization endpoint, and the verification page where a person would enter the code). Answered for every
     * method, in this filter's form: registration and the verification page were the pages' CSRF refusal, {@code 403}
     * with {@code "instance":"/error"}, for a POST and a redirect to the sign-in page for a GET, and the other two
     * Spring's {@code 401} with a {@code WWW-Authenticate: Bearer} challenge, as if a token would open them (outside
     * reviews).
     */
    private final Map<String, String> notServed;

    EndpointMethods(AuthorizationServerSettings settings) {
        allowed.put(settings.getAuthorizationEndpoint(), GET_OR_POST);
        allowed.put(settings.getTokenEndpoint(), POST);
        allowed.put(settings.getTokenIntrospectionEndpoint(), POST);
        allowed.put(settings.getTokenRevocationEndpoint(), POST);
        allowed.put(settings.getJwkSetEndpoint(), GET);
        allowed.put(settings.getOidcUserInfoEndpoint(), GET_OR_POST);
        allowed.put(settings.getOidcLogoutEndpoint(), GET_OR_POST);
        allowed.put("/.well-known/openid-configuration", GET);
        allowed.put("/.well-known/oauth-authorization-server", GET);
        allowed.put(UserInfoErrors.RESOURCE_METADATA, GET);
        allowed.put(UserInfoErrors.RESOURCE_METADATA + settings.getOidcUserInfoEndpoint(), GET);
        String registration = "Lanyard does not take dynamic client registration: a team admin registers an app on the "
                + "team's Apps page or through the admin API.";
        String deviceGrant = "Lanyard does not offer the device authorization grant: an app signs its members in with the "
                + "authorization code grant, as discovery says.";
        notServed = Map.of(
                settings.getOidcClientRegistrationEndpoint(), registration,
                settings.getClientRegistrationEndpoint(), registration,
                settings.getPushedAuthorizationRequestEndpoint(), "Lanyard does not take pushed authorization requests: an app "
                        + "sends its authorization request to the authorization endpoint, as discovery says.",
                settings.getDeviceAuthorizationEndpoint(), deviceGrant,
                settings.getDeviceVerificationEndpoint(), deviceGrant);
    }

    /** A CORS preflight to a path {@link AppCors} answers, which passes on to it. */
    private static boolean preflight(HttpServletRequest request) {
        return "OPTIONS".equals(request.getMethod()) && request.getHeader("Origin") != null
                && request.getHeader("Access-Control-Request-Method") != null && AppCors.answers(SessionFilter.sentPath(request));
    }

    /** What a plain {@code OPTIONS} names: the methods taken, {@code HEAD} where {@code GET} is, and {@code OPTIONS}. */
    private static String allow(Set<String> methods) {
        java.util.TreeSet<String> all = new java.util.TreeSet<>(methods);
        if (all.contains("GET")) all.add("HEAD");
        all.add("OPTIONS");
        return String.join(", ", all);
    }

    /** The methods taken at {@code path}, one of the authorization server's endpoints or documents; none at any other. */
    Set<String> methods(String path) {
        return allowed.getOrDefault(path, Set.of());
    }

    /** The authorization server's endpoints and documents. */
    static java.util.Collection<String> paths(AuthorizationServerSettings settings) {
        return new EndpointMethods(settings).paths();
    }

    private java.util.Collection<String> paths() {
        java.util.List<String> paths = new java.util.ArrayList<>(allowed.keySet());
        paths.addAll(notServed.keySet());
        return paths;
    }

    /** Before the security chains, and for the endpoints' own paths only. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication
    static class Registration {
        @Bean
        FilterRegistrationBean<EndpointMethods> endpointMethods(AuthorizationServerSettings settings) {
            EndpointMethods filter = new EndpointMethods(settings);
            FilterRegistrationBean<EndpointMethods> registration = new FilterRegistrationBean<>(filter);
            registration.setUrlPatterns(filter.paths());
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 25);
            return registration;
        }
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = SessionFilter.sentPath(request);
        if (notServed.containsKey(path)) {
            problem(response, HttpStatus.NOT_FOUND, "not-found", notServed.get(path), path);
            return;
        }
        Set<String> methods = allowed.get(path);
        if (methods == null || methods.contains(request.getMethod()) || preflight(request)) {
            chain.doFilter(request, response);
            return;
        }
        if ("OPTIONS".equals(request.getMethod())) {
            // Answered here, as the API answers it: the chain sent it to the sign-in page (outside review).
            response.setStatus(HttpStatus.OK.value());
            response.setHeader(HttpHeaders.ALLOW, allow(methods));
            response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
            response.setContentLength(0);
            return;
        }
        if ("HEAD".equals(request.getMethod()) && methods.contains("GET")) {
            // RFC 9110 §9.1: HEAD wherever GET is served (uptime checks send it). Spring's filters match GET only, so it
            // goes through them as a GET; Tomcat sends no body for the HEAD the client sent.
            chain.doFilter(new jakarta.servlet.http.HttpServletRequestWrapper(request) {
                @Override
                public String getMethod() {
                    return "GET";
                }
            }, response);
            return;
        }
        String allow = String.join(", ", methods.stream().sorted().toList());
        response.setHeader(HttpHeaders.ALLOW, allow);
        problem(response, HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed", "This endpoint takes " + allow.replace(", ", " or ") + " only.", path);
    }

    /**
     * Writes a problem ({@code application/problem+json}) of the type {@code urn:lanyard:problem:<type>}, with the path as
     * its {@code instance}. {@code path} and {@code detail} are this filter's own (a path it is registered for), never
     * anything else of the request, so they need no escaping.
     */
    private static void problem(HttpServletResponse response, HttpStatus status, String type, String detail, String path) throws IOException {
        response.setStatus(status.value());
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write("{\"type\":\"urn:lanyard:problem:" + type + "\",\"title\":\"" + status.getReasonPhrase() + "\",\"status\":"
                + status.value() + ",\"detail\":\"" + detail + "\",\"instance\":\"" + path + "\"}");
    }
}
