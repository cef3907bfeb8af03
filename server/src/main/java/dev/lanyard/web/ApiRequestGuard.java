package dev.lanyard.web;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.BodyEncoding;
import dev.lanyard.geo.ExternalOrigins;
import dev.lanyard.session.SessionFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cross-site request forgery defence beside the form tokens (see docs/decisions/0003-api-csrf.md),
 * for every state-changing request, the API's and the pages'.
 *
 * <ul>
 * <li>No state-changing request may come from a foreign origin: an {@code Origin} other than
 *     Lanyard's own, or without one, a {@code Sec-Fetch-Site} other than {@code same-origin} or
 *     {@code none} ({@link ExternalOrigins#foreign}, which the data export's download and the consent form ask too).
 *     Pages answer with the error page, the API with {@code 403 cross-origin}.</li>
 * <li>Nor may an open page's live stream ({@link SecurityRefusals#LIVE_EVENTS}), though a GET: each holds one of the
 *     session's three places, and a page of another origin on the same site (another port of localhost), whose
 *     requests carry the cookie, could take them all and close the member's own tabs' streams (outside review). A
 *     same-origin {@code EventSource} sends no {@code Origin} and {@code Sec-Fetch-Site: same-origin}, and passes. It
 *     is answered 403 with no body, which an {@code EventSource} does not retry.</li>
 * <li>An API request that carries {@code Authorization: Bearer} cannot be forged by another site
 *     and passes. Any other state-changing API request (it relies on the cookie, or is a sign-up
 *     or login) must send a JSON body, which a cross-site form cannot do without a CORS preflight
 *     that Lanyard never approves.</li>
 * <li>A bearer request with a body may send any type its endpoint reads, but a wildcard or
 *     unparsable {@code Content-Type} is {@code 415 unsupported-media-type}, as it is without a bearer. So are the Shared
 *     Signals receivers' requests, which their own chain passes to {@code ReceiverArguments} to be checked once the
 *     receiver is authenticated (outside review: a wildcard there was a 500 with a stack trace in the log).</li>
 * <li>An API request's body is read as it is sent: one with a {@code Content-Encoding} other than
 *     {@code identity} ({@code gzip}, {@code br}) is {@code 415} saying so, with {@code Accept-Encoding: identity}
 *     (RFC 9110 §15.5.16), and a {@code Content-Type} whose charset Java does not know is {@code 415} naming the
 *     charset ({@link BodyEncoding}). Both were ignored or misnamed (outside review): a gzipped body was "not valid UTF-8",
 *     a plain one labelled gzip was read, and {@code charset=bogus} was told to send application/json.</li>
 * </ul>
 * It runs after authorization, so a request without credentials is told to sign in (401) rather
 * than how to format a body it is not allowed to send.
 *
 * <p>For the request dispatch only, as {@link dev.lanyard.session.SessionFilter} (decision 46).
 */
final class ApiRequestGuard extends HttpFilter {
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private final JsonMapper json;
    private final ExternalOrigins origins;

    ApiRequestGuard(JsonMapper json, ExternalOrigins origins) {
        this.json = json;
        this.origins = origins;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getDispatcherType() != DispatcherType.REQUEST) {
            chain.doFilter(request, response);
            return;
        }
        if (SAFE.contains(request.getMethod())) {
            if (SecurityRefusals.LIVE_EVENTS.equals(SessionFilter.sentPath(request)) && origins.foreign(request)) {
                response.setStatus(HttpStatus.FORBIDDEN.value());
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        boolean api = Problems.isApi(request);
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (api && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            if (!readable(request, response, false)) return;
            chain.doFilter(request, response);
            return;
        }
        if (origins.foreign(request)) {
            if (api) {
                Problems.write(request, response, json, Problems.of(HttpStatus.FORBIDDEN, "cross-origin",
                        "Cross-origin requests are not accepted. Use a bearer token for API clients on other origins."));
            } else {
                request.setAttribute(ErrorPages.MESSAGE, dev.lanyard.Problem.FOREIGN_FORM);
                response.setStatus(HttpStatus.FORBIDDEN.value());
                request.getRequestDispatcher("/error").forward(request, response);
            }
            return;
        }
        if (api && !readable(request, response, true)) return;
        chain.doFilter(request, response);
    }

    /**
     * Whether the API can read the body as sent, else answers 415 saying why ({@link BodyEncoding#unreadable});
     * {@code jsonOnly}: it must be JSON, as a request without a bearer must send.
     */
    private boolean readable(HttpServletRequest request, HttpServletResponse response, boolean jsonOnly) throws IOException {
        Optional<BodyEncoding.Unreadable> unreadable = BodyEncoding.unreadable(request, jsonOnly);
        if (unreadable.isEmpty()) return true;
        if (unreadable.get().compressed()) response.setHeader(HttpHeaders.ACCEPT_ENCODING, "identity");
        Problems.write(request, response, json, Problems.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, unreadable.get().code(),
                unreadable.get().getMessage()));
        return false;
    }
}
