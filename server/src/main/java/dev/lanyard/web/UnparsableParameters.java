package dev.lanyard.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Refuses, before anything else runs, a request whose query or form parameters Tomcat cannot
 * parse ({@code GET /login?=}): 400 with the error page or problem, and one rate-limited log line.
 * Left alone, the first code to ask for a parameter fails deep inside Spring and the container logs
 * the whole stack trace, some 140 lines for an 8-byte request. A parameter that is not percent-encoded
 * UTF-8 ({@code ?action=%FF}, {@code %C0%AF}, a {@code %} without two hex digits after it) is told so, without
 * its value: "The request was not valid." left the client to guess (outside review).
 *
 * <p>A plain {@link HttpFilter}: Spring Boot registers it for the request dispatch only, as a
 * {@code OncePerRequestFilter} behaves, without its request attributes on every request (decision 41).
 *
 * <p>It runs right after Spring Boot's {@code CharacterEncodingFilter} ({@link Ordered#HIGHEST_PRECEDENCE}): the
 * container decodes a form once, with the encoding set when it is first read. Ordered alongside it, this
 * filter could read a form first, as ISO-8859-1, and every non-ASCII character typed into any form of
 * Lanyard's was stored garbled ("ö" as "Ã¶"), a password among them.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class UnparsableParameters extends HttpFilter {
    /** Said of a parameter Tomcat could not decode; printable ASCII without quotes, as OAuth's error_description must be. */
    static final String NOT_UTF8 = "A parameter of the request is not valid UTF-8 percent-encoding: each % must be "
            + "followed by two hexadecimal digits, and the bytes they stand for must be UTF-8. Nothing was changed.";

    private final BadRequestLog log;
    private final BodyLimit limit;
    private final RefusedRequests refusals;

    UnparsableParameters(BadRequestLog log, BodyLimit limit, RefusedRequests refusals) {
        this.log = log;
        this.limit = limit;
        this.refusals = refusals;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            request.getParameterMap();
        } catch (IllegalStateException | IllegalArgumentException e) {
            // A form sent in chunks past the size Tomcat reads (the body limit, application.yml): 413 like any other.
            if (e instanceof InvalidParameterException invalid && invalid.getErrorCode() == HttpStatus.CONTENT_TOO_LARGE.value()) {
                limit.refuse(request, response);
                return;
            }
            // Tomcat's decoding failure, with its cause (a bad escape, bytes that are not UTF-8); its message quotes the value.
            if (e instanceof InvalidParameterException && e.getCause() instanceof IOException) {
                log.refused(request, HttpServletResponse.SC_BAD_REQUEST, "a parameter is not valid UTF-8 percent-encoding");
                refusals.answer(request, response, HttpStatus.BAD_REQUEST, "invalid-parameter", NOT_UTF8);
                return;
            }
            log.refused(request, HttpServletResponse.SC_BAD_REQUEST, "its query or form parameters cannot be parsed");
            response.sendError(HttpServletResponse.SC_BAD_REQUEST);
            return;
        }
        chain.doFilter(request, response);
    }
}
