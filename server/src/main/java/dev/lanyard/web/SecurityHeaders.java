package dev.lanyard.web;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.web.header.HeaderWriterFilter;

/**
 * The security headers for answers written outside the security filter chain: error pages
 * reached by a dispatch the chain's header writer does not see (a request the firewall refused)
 * and the container's own answers to requests it could not parse. Headers already set stay.
 * And when the chains write theirs: {@link #writtenFirst()}.
 */
final class SecurityHeaders {
    private SecurityHeaders() {
    }

    /**
     * Makes a chain write its headers as the request enters it, not when its response is committed
     * (decision 43). Written last, Spring Security wraps the request and the response of every request
     * to catch the commit, so each attribute read and each write goes through two more wrappers, and
     * each header is looked for among those already set. A handler that sets one of them itself (a
     * download's {@code Cache-Control: no-store}, the consent page's policy) replaces it, as it was kept before.
     */
    static ObjectPostProcessor<HeaderWriterFilter> writtenFirst() {
        return new ObjectPostProcessor<>() {
            @Override
            public <O extends HeaderWriterFilter> O postProcess(O filter) {
                filter.setShouldWriteHeadersEagerly(true);
                return filter;
            }
        };
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
