package dev.lanyard.web;

import jakarta.servlet.http.HttpServletResponse;

/**
 * The security headers for answers written outside the security filter chain: error pages
 * reached by a dispatch the chain's header writer does not see (a request the firewall refused)
 * and the container's own answers to requests it could not parse. Headers already set stay.
 */
final class SecurityHeaders {
    private SecurityHeaders() {
    }

    static void apply(HttpServletResponse response) {
        setIfAbsent(response, "Content-Security-Policy", SecurityConfiguration.CSP);
        setIfAbsent(response, "X-Content-Type-Options", "nosniff");
        setIfAbsent(response, "X-Frame-Options", "DENY");
        setIfAbsent(response, "Referrer-Policy", "same-origin");
        setIfAbsent(response, "Permissions-Policy", SecurityConfiguration.PERMISSIONS_POLICY);
        setIfAbsent(response, "Cache-Control", "no-cache, no-store, max-age=0, must-revalidate");
    }

    private static void setIfAbsent(HttpServletResponse response, String name, String value) {
        if (!response.containsHeader(name)) response.setHeader(name, value);
    }
}
