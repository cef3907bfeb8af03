package dev.lanyard.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import dev.lanyard.account.LinkTokens;
import dev.lanyard.ops.DatabaseUnreachable;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * When the database cannot be reached, every request that needs it, the session check first of
 * all, is refused with 503 and {@code Retry-After}: a problem ({@code database-unavailable}) in
 * the API, a short message on pages. Never a 500, and never an unverified session let through.
 * Outermost filter, so it also covers the security chain.
 *
 * <p>A plain {@link HttpFilter}: Spring Boot registers it for the request dispatch only, as a
 * {@code OncePerRequestFilter} behaves, without its request attributes on every request (decision 41).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class DatabaseOutage extends HttpFilter {
    private static final Logger log = LoggerFactory.getLogger(DatabaseOutage.class);
    static final String RETRY_AFTER_SECONDS = "5";
    static final String MESSAGE = "Lanyard cannot reach its database right now. Nothing was changed; try again in a few seconds.";

    private final JsonMapper json;

    DatabaseOutage(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (RuntimeException | ServletException e) {
            if (!DatabaseUnreachable.isCauseOf(e) || response.isCommitted()) throw e;
            log.warn("Refused {} {}: database unavailable ({})", request.getMethod(), LinkTokens.redact(request.getRequestURI()),
                    NestedExceptionUtils.getMostSpecificCause(e).getClass().getSimpleName());
            response.reset();
            response.setHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
            if (Problems.isApi(request)) {
                Problems.write(request, response, json, Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "database-unavailable", MESSAGE));
            } else {
                response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
                response.setContentType("text/html;charset=UTF-8");
                response.getOutputStream().write(("<!doctype html><title>Lanyard is unavailable</title><p>" + MESSAGE + "</p>")
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
    }
}
