package dev.lanyard.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import dev.lanyard.account.LinkTokens;
import dev.lanyard.ops.DatabaseDiskHealth;
import dev.lanyard.ops.DatabaseFull;
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
 * <p>When the database's disk is full ({@link DatabaseFull}), a request that writes is refused the same way, saying
 * that nothing can be stored ({@code database-full}), with one WARN line naming the database's error; it was a 500 that
 * said "Nothing you did was lost", with a stack trace per request (outside review).
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
    /** A full disk is not over in seconds: someone has to make room. */
    static final String FULL_RETRY_AFTER_SECONDS = "60";
    static final String FULL_MESSAGE = "Lanyard cannot store anything right now: its database's disk is full. Nothing was changed; "
            + "try again later.";

    private final JsonMapper json;
    private final DatabaseDiskHealth disk;

    DatabaseOutage(JsonMapper json, DatabaseDiskHealth disk) {
        this.json = json;
        this.disk = disk;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (RuntimeException | ServletException e) {
            if (response.isCommitted()) throw e;
            Optional<String> full = DatabaseFull.code(e);
            if (full.isPresent()) {
                disk.full();
                log.warn("Refused {} {}: the database's disk is full ({}); nothing can be stored until there is room on it",
                        request.getMethod(), LinkTokens.redact(request.getRequestURI()), full.get());
                refuse(request, response, FULL_RETRY_AFTER_SECONDS, "database-full", "Lanyard cannot store anything", FULL_MESSAGE);
                return;
            }
            if (!DatabaseUnreachable.isCauseOf(e)) throw e;
            log.warn("Refused {} {}: database unavailable ({})", request.getMethod(), LinkTokens.redact(request.getRequestURI()),
                    NestedExceptionUtils.getMostSpecificCause(e).getClass().getSimpleName());
            refuse(request, response, RETRY_AFTER_SECONDS, "database-unavailable", "Lanyard is unavailable", MESSAGE);
        }
    }

    /** Answers 503 with {@code Retry-After}: the problem {@code code} in the API, a page of {@code title} and {@code message} else. */
    private void refuse(HttpServletRequest request, HttpServletResponse response, String retryAfter, String code, String title,
                        String message) throws IOException {
        response.reset();
        response.setHeader(HttpHeaders.RETRY_AFTER, retryAfter);
        if (Problems.isApi(request)) {
            Problems.write(request, response, json, Problems.of(HttpStatus.SERVICE_UNAVAILABLE, code, message));
        } else {
            response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
            response.setContentType("text/html;charset=UTF-8");
            response.getOutputStream().write(("<!doctype html><title>" + title + "</title><p>" + message + "</p>")
                    .getBytes(StandardCharsets.UTF_8));
        }
    }
}
