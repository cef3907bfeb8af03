package dev.lanyard.web;

import java.io.IOException;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cross-site request forgery defence for the JSON API, in place of form tokens (see
 * docs/decisions/0003-api-csrf.md). A request that carries {@code Authorization: Bearer} cannot be
 * forged by another site and passes. Any other state-changing API request (it relies on the
 * cookie, or is a sign-up or login) must send a JSON body, which a cross-site form cannot do
 * without a CORS preflight that Lanyard never approves, and must not come from a foreign origin.
 */
final class ApiRequestGuard extends OncePerRequestFilter {
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private final JsonMapper json;

    ApiRequestGuard(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !Problems.isApi(request) || SAFE.contains(request.getMethod());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            chain.doFilter(request, response);
            return;
        }
        if (foreignOrigin(request)) {
            Problems.write(response, json, Problems.of(HttpStatus.FORBIDDEN, "cross-origin",
                    "Cross-origin requests are not accepted. Use a bearer token for API clients on other origins."));
            return;
        }
        boolean hasBody = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null
                || !"DELETE".equals(request.getMethod());
        if (hasBody && !isJson(request.getContentType())) {
            Problems.write(response, json, Problems.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                    "Send the request body as application/json."));
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) return false;
        String type = contentType.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    /** An Origin (or, lacking one, a Sec-Fetch-Site) that says the request came from another site. */
    private static boolean foreignOrigin(HttpServletRequest request) {
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin != null) return !origin.equalsIgnoreCase(ownOrigin(request));
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        return fetchSite != null && !(fetchSite.equals("same-origin") || fetchSite.equals("none"));
    }

    private static String ownOrigin(HttpServletRequest request) {
        String scheme = request.getScheme();
        int port = request.getServerPort();
        boolean defaultPort = (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + request.getServerName() + (defaultPort ? "" : ":" + port);
    }
}
