package dev.lanyard.web;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import dev.lanyard.apps.ClientEndpoints;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.web.firewall.RequestRejectedException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code 400} to a request Spring Security's firewall refuses for something other than its method: an encoded slash
 * or semicolon, a path that is not normalised, a header or parameter with a control character (a {@code U+202E} sent as
 * UTF-8 is one, as Tomcat reads a header's bytes as ISO-8859-1). Written here, not by the error dispatch: that dispatch
 * read the same header again, the firewall refused it again, and the answer went out without a body.
 *
 * <p>The API's paths and the metrics get problem+json, whatever they accept; the token, introspection and revocation
 * endpoints OAuth's error; anything else a client asking for JSON and not HTML gets problem+json too and the rest the plain
 * error page, as {@link ContainerErrorPages} answers the requests Tomcat refuses. The answer says which part of the request
 * was refused, never its value, nor does the log line ({@link BadRequestLog}): the exception's message quotes it.
 */
final class RefusedRequests {
    private RefusedRequests() {
    }

    static void refuse(HttpServletRequest request, HttpServletResponse response, RequestRejectedException rejected,
                       JsonMapper json, ClientEndpoints clientEndpoints, BadRequestLog log) throws IOException {
        Part part = Part.of(rejected);
        log.refused(request, HttpStatus.BAD_REQUEST.value(), "the firewall refused " + part.named);
        if (response.isCommitted()) return;
        response.resetBuffer();
        SecurityHeaders.apply(response);
        if (matches(clientEndpoints, request)) {
            clientEndpoints.refuse(response, part.detail);
            return;
        }
        response.setStatus(HttpStatus.BAD_REQUEST.value());
        byte[] body;
        if (wantsProblem(request)) {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            body = json.writeValueAsBytes(Problems.of(HttpStatus.BAD_REQUEST, "bad-request", part.detail));
        } else {
            response.setContentType(MediaType.TEXT_HTML_VALUE + ";charset=UTF-8");
            body = ContainerErrorPages.page(request.getContextPath(), part.detail).getBytes(StandardCharsets.UTF_8);
        }
        response.setContentLength(body.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        }
    }

    /**
     * Which part of the request the firewall refused, told by how its message starts (what follows quotes the request),
     * and what the answer says of it: plain ASCII without quotes, as OAuth's {@code error_description} must be.
     */
    private enum Part {
        HEADER("a header", "A header of the request has a character the server does not accept, such as a control "
                + "character. Nothing was changed."),
        PARAMETER("a parameter", "A parameter of the request has a name or value the server does not accept, such as one "
                + "with a control character. Nothing was changed."),
        ADDRESS("the address", "The address has something the server does not accept, such as an encoded slash, period or "
                + "percent sign, a semicolon, a backslash, a double slash, a dot segment or a character outside printable "
                + "ASCII. Nothing was changed."),
        OTHER("the request", "The request has a header, path or parameter the server does not accept. Nothing was changed.");

        private final String named;
        private final String detail;

        Part(String named, String detail) {
            this.named = named;
            this.detail = detail;
        }

        static Part of(RequestRejectedException rejected) {
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

    private static boolean matches(ClientEndpoints clientEndpoints, HttpServletRequest request) {
        try {
            return clientEndpoints.matches(request);
        } catch (RuntimeException unreadablePath) {
            return false;
        }
    }
}
