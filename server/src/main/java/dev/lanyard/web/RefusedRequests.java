package dev.lanyard.web;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import dev.lanyard.AuthorizationHeader;
import dev.lanyard.apps.ClientEndpoints;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers written at once, not by the error dispatch, to requests refused before any handler: the error dispatch reads
 * the request again (its {@code Accept} among others), and what was refused once is refused again there, the answer
 * going out without a body. Three kinds: what Spring Security's firewall refuses for something other than its method
 * ({@link #refuse}: an encoded slash or semicolon, a path that is not normalised, a header or parameter with a control
 * character; a {@code U+202E} sent as UTF-8 is one, as Tomcat reads a header's bytes as ISO-8859-1); a method no handler
 * takes at the path ({@link #refuseMethod}); and any other refusal a filter makes ({@link #answer}). A request with more
 * than one {@code Authorization} header ({@link AuthorizationHeader}) is refused as the firewall refuses a header.
 *
 * <p>The API's paths and the metrics get problem+json, whatever they accept; the token, introspection and revocation
 * endpoints OAuth's error for a {@code 400}, and userinfo the same with a {@code Bearer} challenge (RFC 6750 §3.1), as its
 * own refusals carry one (it was the error page, outside review); anything else a client asking for JSON and not HTML gets problem+json too
 * and the rest the plain error page, as {@link ContainerErrorPages} answers the requests Tomcat refuses. The answer says
 * which part of the request was refused, never its value, nor does the log line ({@link BadRequestLog}): the exception's
 * message quotes it.
 */
@Component
class RefusedRequests {
    private final JsonMapper json;
    private final ClientEndpoints clientEndpoints;
    private final BadRequestLog log;

    RefusedRequests(JsonMapper json, ClientEndpoints clientEndpoints, BadRequestLog log) {
        this.json = json;
        this.clientEndpoints = clientEndpoints;
        this.log = log;
    }

    /** The firewall's {@code 400}, saying which part of the request it refused. */
    void refuse(HttpServletRequest request, HttpServletResponse response, RequestRejectedException rejected) throws IOException {
        Part part = Part.of(rejected);
        log.refused(request, HttpStatus.BAD_REQUEST.value(), part.logged);
        answer(request, response, HttpStatus.BAD_REQUEST, "bad-request", part.detail);
    }

    /**
     * A method no handler takes at the path: {@code 405} with the methods {@code allowed} there in {@code Allow}, as
     * Spring MVC's own 405 names them; {@code 404} where none are.
     */
    void refuseMethod(HttpServletRequest request, HttpServletResponse response, Set<String> allowed) throws IOException {
        if (allowed.isEmpty()) {
            answer(request, response, HttpStatus.NOT_FOUND, "not-found", ErrorPages.message(HttpStatus.NOT_FOUND));
            return;
        }
        log.refused(request, HttpStatus.METHOD_NOT_ALLOWED.value(), "the address takes " + String.join(", ", allowed));
        response.setHeader(HttpHeaders.ALLOW, String.join(", ", allowed));
        answer(request, response, HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed", ErrorPages.message(HttpStatus.METHOD_NOT_ALLOWED));
    }

    /**
     * Writes {@code status} with {@code detail}, a sentence of Lanyard's (never the request's text): problem+json
     * ({@code urn:lanyard:problem:<code>}, the path as its {@link Problems#instance}) or the plain error page, as the
     * class says; OAuth's {@code invalid_request} for a {@code 400} where an app calls, so {@code detail} must then be
     * printable ASCII without quotes or backslashes (RFC 6749 §5.2); at userinfo with its {@code Bearer} challenge.
     */
    void answer(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String code, String detail)
            throws IOException {
        if (response.isCommitted()) return;
        response.resetBuffer();
        SecurityHeaders.apply(response);
        if (status == HttpStatus.BAD_REQUEST && clientEndpoint(request)) {
            clientEndpoints.refuse(response, detail);
            return;
        }
        if (status == HttpStatus.BAD_REQUEST && userInfo(request)) {
            clientEndpoints.refuseAtUserInfo(response, detail);
            return;
        }
        response.setStatus(status.value());
        byte[] body;
        if (wantsProblem(request)) {
            ProblemDetail problem = Problems.of(status, code, detail);
            if (request.getRequestURI() != null) problem.setInstance(Problems.instance(request.getRequestURI()));
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            body = json.writeValueAsBytes(problem);
        } else {
            response.setContentType(MediaType.TEXT_HTML_VALUE + ";charset=UTF-8");
            body = ContainerErrorPages.page(request.getContextPath(), detail).getBytes(StandardCharsets.UTF_8);
        }
        response.setContentLength(body.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        }
    }

    /**
     * Which part of the request was refused, told by its type or how the firewall's message starts (what
     * follows quotes the request); what the log line and the answer say of it: plain ASCII without quotes, as OAuth's
     * {@code error_description} must be.
     */
    private enum Part {
        AUTHORIZATION("it has more than one Authorization header", "Send one Authorization header: this request has more "
                + "than one, and which of them counts would be a guess. Nothing was changed."),
        HEADER("the firewall refused a header", "A header of the request has a character the server does not accept, such "
                + "as a control character. Nothing was changed."),
        PARAMETER("the firewall refused a parameter", "A parameter of the request has a name or value the server does not "
                + "accept, such as one with a control character. Nothing was changed."),
        ADDRESS("the firewall refused the address", "The address has something the server does not accept, such as an "
                + "encoded slash, period or percent sign, a semicolon, a backslash, a double slash, a dot segment or a "
                + "character outside printable ASCII. Nothing was changed."),
        OTHER("the firewall refused the request", "The request has a header, path or parameter the server does not accept. "
                + "Nothing was changed.");

        private final String logged;
        private final String detail;

        Part(String logged, String detail) {
            this.logged = logged;
            this.detail = detail;
        }

        static Part of(RequestRejectedException rejected) {
            if (rejected instanceof AuthorizationHeader.MoreThanOneAuthorizationHeader) return AUTHORIZATION;
            String message = rejected.getMessage() == null ? "" : rejected.getMessage();
            if (message.startsWith("The request was rejected because the header")) return HEADER;
            if (message.startsWith("The request was rejected because the parameter")) return PARAMETER;
            if (message.startsWith("The request was rejected because the URL") || message.startsWith("The requestURI ")
                    || message.startsWith("The servletPath ") || message.startsWith("The pathInfo ")
                    || message.startsWith("The contextPath ")) {
                return ADDRESS;
            }
            return OTHER;
        }
    }

    /**
     * The API's paths and the metrics, as the raw path says (the firewall refused it, so it may be one the matchers read
     * otherwise, {@code /api/v1;x/sessions}) or as the matchers do ({@code /%61pi/v1/…}); elsewhere a client that asks
     * for JSON and not HTML.
     */
    private static boolean wantsProblem(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String base = request.getContextPath();
        String path = uri != null && uri.startsWith(base) ? uri.substring(base.length()) : "";
        if (path.startsWith("/api/") || path.regionMatches(true, 0, "/%61pi/", 0, 7) || path.startsWith("/actuator/")) return true;
        try {
            if (Problems.isApi(request) || Problems.ACTUATOR.matches(request)) return true;
        } catch (RuntimeException unreadablePath) {
            // Left to the Accept header.
        }
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        return accept != null && accept.contains("json") && !accept.contains("text/html");
    }

    private boolean clientEndpoint(HttpServletRequest request) {
        try {
            return clientEndpoints.matches(request);
        } catch (RuntimeException unreadablePath) {
            return false;
        }
    }

    private boolean userInfo(HttpServletRequest request) {
        try {
            return clientEndpoints.userInfo(request);
        } catch (RuntimeException unreadablePath) {
            return false;
        }
    }
}
