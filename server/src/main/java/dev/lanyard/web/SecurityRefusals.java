package dev.lanyard.web;

import java.io.IOException;
import java.util.Map;

import dev.lanyard.account.LinkTokens;
import dev.lanyard.keys.KeyAccess;
import dev.lanyard.ops.MetricsAccess;
import dev.lanyard.ops.RequestMetrics;
import dev.lanyard.session.EndReason;
import dev.lanyard.session.SessionFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.csrf.MissingCsrfTokenException;
import tools.jackson.databind.json.JsonMapper;

/**
 * How the API's and the pages' chains ({@link SecurityConfiguration}) answer a request they turn away: one not signed
 * in ({@link #entryPoint}) and one refused ({@link #accessDenied}), for the API, the metrics, a page and its live stream.
 */
final class SecurityRefusals {
    private static final Logger log = LoggerFactory.getLogger(SecurityRefusals.class);

    /** The live stream of open pages (SessionPages). */
    static final String LIVE_EVENTS = "/settings/sessions/events";

    private SecurityRefusals() {
    }

    /**
     * Not signed in: the API answers 401; a page goes to the sign-in page, saying why the session ended; a page's live
     * stream asked for with an ended session hears that it was signed out, and why.
     */
    static AuthenticationEntryPoint entryPoint(JsonMapper json, MetricsAccess metrics) {
        return (request, response, failure) -> {
            EndReason ended = (EndReason) request.getAttribute(SessionFilter.ENDED_REASON);
            if (Problems.ACTUATOR.matches(request)) {
                metricsTokenMissing(request, response, json, metrics);
                return;
            }
            if (ended != null && LIVE_EVENTS.equals(SessionFilter.sentPath(request))) {
                // An open page whose stream (re)connects after its session ended: told why, as the stream would have
                // told it, instead of a redirect EventSource cannot follow (the page would never learn it was signed out).
                response.setStatus(HttpStatus.OK.value());
                response.setContentType("text/event-stream;charset=UTF-8");
                response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
                response.getWriter().write("event: signed-out\ndata: "
                        + json.writeValueAsString(Map.of("reason", ended.code(), "message", ended.notice())) + "\n\n");
                return;
            }
            if (Problems.isApi(request)) {
                response.setHeader(HttpHeaders.WWW_AUTHENTICATE, Problems.bearerChallenge(request));
                Problems.write(request, response, json, ended == null
                        ? Problems.of(HttpStatus.UNAUTHORIZED, "unauthenticated", Problems.unauthenticated(request))
                        : Problems.of(HttpStatus.UNAUTHORIZED, "session-ended",
                                request.getAttribute(SessionFilter.ENDED_API_KEY) != null ? ended.keyNotice() : ended.notice()));
                return;
            }
            SignInRedirect.send(request, response, ended);
        };
    }

    /**
     * Refused: a form's CSRF token missing or not the cookie's, the metrics without their token, or not allowed (an API
     * key out of its scopes). A request refused for its CSRF token whose method no handler takes at its path
     * ({@code PUT /login}, {@code DELETE} on a form's address) is told that instead, {@code 405} with the methods the path
     * takes, as a {@code PROPFIND} there is ({@link RefusedMethods}): "This form has expired" sent a browser to reload a
     * form that never was. Nothing is let through that was not: only the answer to a refused request changes.
     */
    static AccessDeniedHandler accessDenied(JsonMapper json, MetricsAccess metrics, HandlerPaths handlers, RefusedRequests refusals) {
        return (request, response, denied) -> {
            boolean csrf = denied instanceof CsrfException;
            if (csrf) {
                java.util.Set<String> taken = handlers.methods(request);
                if (!taken.isEmpty() && !taken.contains(request.getMethod())) {
                    refusals.refuseMethod(request, response, taken);
                    return;
                }
                // As Spring Security marks the request's observation: a refused CSRF token is the request's failure.
                RequestMetrics.failed(request, denied);
                // Which form was refused and why, by the exception's kind: its message may quote the token sent.
                log.info("Refused {} {}: {}", request.getMethod(), LinkTokens.redact(request.getRequestURI()),
                        denied instanceof MissingCsrfTokenException ? "no CSRF cookie (a new token was made)" : "the CSRF token sent does not match the cookie's");
            }
            if (Problems.ACTUATOR.matches(request) && !csrf) {
                // The metrics' only credential is their token, whoever else the caller may be.
                metricsTokenMissing(request, response, json, metrics);
                return;
            }
            if (Problems.isApi(request)) {
                Object why = request.getAttribute(KeyAccess.REFUSED);
                Problems.write(request, response, json, Problems.of(HttpStatus.FORBIDDEN, csrf ? "csrf" : "forbidden",
                        csrf ? "The request could not be verified." : why != null ? why.toString() : "You are not allowed to do this."));
                return;
            }
            request.setAttribute(ErrorPages.MESSAGE, csrf
                    ? "This form has expired or was sent from another site. Go back, reload the page and try again."
                    : "You are not allowed to do this.");
            response.setStatus(HttpStatus.FORBIDDEN.value());
            request.getRequestDispatcher("/error").forward(request, response);
        };
    }

    /** A metrics request without the token: asked for it, or, with none configured, told that metrics are not served over HTTP. */
    private static void metricsTokenMissing(HttpServletRequest request, HttpServletResponse response,
                                            JsonMapper json, MetricsAccess metrics) throws IOException {
        if (!metrics.configured()) {
            // Said on the metrics' own path only; any other actuator path is simply not there.
            Problems.write(request, response, json, Problems.of(HttpStatus.NOT_FOUND, "not-found", "/actuator/prometheus".equals(SessionFilter.sentPath(request))
                    ? "Metrics are not served over HTTP: no lanyard.ops.metrics-token is configured." : "Not found."));
            return;
        }
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        Problems.write(request, response, json, Problems.of(HttpStatus.UNAUTHORIZED, "unauthenticated",
                "Send the metrics token (lanyard.ops.metrics-token) as Authorization: Bearer."));
    }
}
