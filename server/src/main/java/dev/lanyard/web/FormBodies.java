package dev.lanyard.web;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.BodyEncoding;
import dev.lanyard.apps.ClientEndpoints;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * A form is read as it was sent, as the API's bodies are ({@link ApiRequestGuard}): one with a {@code Content-Encoding}
 * other than {@code identity}, or a charset Java does not know, is {@code 415} saying which ({@link BodyEncoding}), with
 * {@code Accept-Encoding: identity} for a coding (RFC 9110 §15.5.16). Neither header was looked at (outside review): a
 * plain form labelled gzip was read as if it were not, a compressed one was "not valid UTF-8", blaming the characters
 * typed, and an unknown charset was read as UTF-8.
 * <ul>
 * <li>At every endpoint of the authorization server that reads a form ({@link ClientEndpoints#readsForm}: token,
 *     introspection, revocation, authorization, userinfo, end-session) the answer is OAuth's {@code invalid_request}.
 *     {@code 415}, not the {@code 400} of RFC 6749 §5.2, which it allows "unless specified otherwise": HTTP answers a body
 *     sent in a coding or media type the server does not take with {@code 415}, as the API does, and the body is OAuth's
 *     error, which an OAuth client reads whatever the status.</li>
 * <li>A page's form gets the error page saying the same (problem+json for a client that asks for JSON,
 *     {@link RefusedRequests#answer}).</li>
 * <li>The API is left to {@link ApiRequestGuard} and the Shared Signals receivers' own check, which answer once the
 *     caller is authenticated.</li>
 * </ul>
 * It runs before the container reads the form ({@link UnparsableParameters}), so no field of it is read, no client
 * authenticated and no CSRF token looked for (it is in the body that cannot be read). The paths are matched only for a
 * request it would refuse: the common one, with neither a {@code Content-Encoding} nor an unknown charset, costs two
 * header lookups (and the charset's lookup when it names one).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 8)
class FormBodies extends HttpFilter {
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    /** What a form is sent as: said when it is not. */
    private static final String AS_SENT = "send the form as UTF-8 (Content-Type: application/x-www-form-urlencoded, or with charset=UTF-8).";

    private final ClientEndpoints endpoints;
    private final RefusedRequests refusals;

    FormBodies(ClientEndpoints endpoints, RefusedRequests refusals) {
        this.endpoints = endpoints;
        this.refusals = refusals;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (SAFE.contains(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        String type = request.getContentType();
        Optional<String> coding = request.getHeader(HttpHeaders.CONTENT_ENCODING) == null ? Optional.empty()
                : BodyEncoding.contentCoding(request);
        Optional<String> charset = coding.isPresent() || type == null || type.indexOf(';') < 0 ? Optional.empty()
                : BodyEncoding.unknownCharset(type);
        if ((coding.isEmpty() && charset.isEmpty()) || Problems.isApi(request)) {
            chain.doFilter(request, response);
            return;
        }
        boolean oauth = endpoints.readsForm(request);
        if (coding.isPresent()) {
            response.setHeader(HttpHeaders.ACCEPT_ENCODING, "identity");
            refuse(request, response, oauth, "Lanyard does not accept a compressed request body"
                    + (coding.get().isEmpty() ? "" : " (Content-Encoding: " + coding.get() + ")") + ": send it uncompressed, without Content-Encoding.");
        } else if (oauth) {
            refuse(request, response, true, (charset.get().isEmpty() ? "The charset of the Content-Type" : "The charset " + charset.get())
                    + " is not supported: " + AS_SENT);
        } else {
            refuse(request, response, false, (charset.get().isEmpty() ? "The charset of the Content-Type" : "The charset “" + charset.get() + "”")
                    + " is not supported: " + AS_SENT);
        }
    }

    /** OAuth's error at the authorization server's endpoints ({@code detail} plain ASCII then), the error page elsewhere. */
    private void refuse(HttpServletRequest request, HttpServletResponse response, boolean oauth, String detail) throws IOException {
        if (oauth) {
            SecurityHeaders.apply(response);
            endpoints.refuse(response, HttpStatus.UNSUPPORTED_MEDIA_TYPE, detail);
        } else {
            refusals.answer(request, response, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", detail);
        }
    }
}
