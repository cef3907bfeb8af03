package dev.lanyard.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.LinkTokens;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.support.DefaultHandlerExceptionResolver;

/**
 * Logs refused bad requests in one line each, at most {@link #PER_MINUTE} a minute: a client can
 * send malformed requests far faster than anyone reads them, and each must not cost a stack trace.
 * The lines left out are counted and the count is told in the next line that is written. A line
 * names the method and a shortened, cleaned path with its link token hidden ({@link LinkTokens}), never
 * the query, headers or body.
 */
@Component
class BadRequestLog implements WebMvcConfigurer {
    static final int PER_MINUTE = 10;
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final int MAX_PATH = 100;
    private static final Logger log = LoggerFactory.getLogger(BadRequestLog.class);

    private final Clock clock;
    private Instant windowStart = Instant.EPOCH;
    private int written;
    private long left;

    BadRequestLog(Clock clock) {
        this.clock = clock;
    }

    /**
     * Spring MVC's own answers to a client's mistakes (a method the path does not take, a missing parameter, …) are
     * logged here too, not in a warning line of their own each: its resolver in place, the same but for the log line.
     */
    @Override
    public void extendHandlerExceptionResolvers(List<HandlerExceptionResolver> resolvers) {
        resolvers.replaceAll(resolver -> resolver.getClass() == DefaultHandlerExceptionResolver.class ? new Logged(this) : resolver);
    }

    /** Spring MVC's resolver of its own exceptions, logging what it resolved through {@link BadRequestLog}. */
    private static final class Logged extends DefaultHandlerExceptionResolver {
        private final BadRequestLog log;

        Logged(BadRequestLog log) {
            this.log = log;
        }

        @Override
        protected void logException(Exception ex, HttpServletRequest request) {
            int status = ex instanceof ErrorResponse answer ? answer.getStatusCode().value() : HttpServletResponse.SC_BAD_REQUEST;
            // Lanyard's own failures it resolves (a response it could not write, 500) are no client's mistake: logged as before.
            if (status >= 500) super.logException(ex, request);
            else log.refused(request, status, ex.getClass().getSimpleName());
        }
    }

    void refused(HttpServletRequest request, int status, String why) {
        line(status, request.getMethod(), request.getRequestURI(), why).ifPresent(log::warn);
    }

    /** The line to log for this refusal, or empty if this minute's lines are used up. */
    synchronized Optional<String> line(int status, String method, String path, String why) {
        Instant now = clock.instant();
        if (!now.isBefore(windowStart.plus(WINDOW))) {
            windowStart = now;
            written = 0;
        }
        if (written >= PER_MINUTE) {
            left++;
            return Optional.empty();
        }
        written++;
        String line = "Refused a bad request (" + status + "): " + clean(method, 10) + " " + clean(LinkTokens.redact(path), MAX_PATH) + ": " + why;
        if (left > 0) line += " (" + left + " more not logged)";
        left = 0;
        return Optional.of(line);
    }

    /** Printable ASCII only, so a request cannot forge log lines or smuggle control characters. */
    private static String clean(String value, int max) {
        if (value == null) return "-";
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && out.length() < max; i++) {
            char c = value.charAt(i);
            out.append(c >= 0x21 && c < 0x7f ? c : '?');
        }
        return value.length() > max ? out + "…" : out.toString();
    }
}
