package dev.lanyard.web;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lanyard's {@code application/problem+json} answers: a stable {@code type}
 * ({@code urn:lanyard:problem:<code>}), a human {@code detail} and, where one input is at
 * fault, its {@code field}.
 */
final class Problems {
    /**
     * The API's paths, matched on the decoded, normalised path the way the dispatcher routes them,
     * so {@code /%61pi/v1/logout} is the API for every rule (its own security chain, the request guard,
     * error answers) and cannot be the API for one and a page for another.
     */
    static final RequestMatcher API = PathPatternRequestMatcher.withDefaults().matcher("/api/**");
    /** Actuator endpoints: answered like the API (problems, never a redirect to the sign-in page). */
    static final RequestMatcher ACTUATOR = PathPatternRequestMatcher.withDefaults().matcher("/actuator/**");

    private Problems() {
    }

    static ProblemDetail of(HttpStatus status, String code, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("urn:lanyard:problem:" + code));
        problem.setTitle(status.getReasonPhrase());
        return problem;
    }

    static ProblemDetail of(HttpStatus status, String code, String detail, String field) {
        ProblemDetail problem = of(status, code, detail);
        if (field != null && !field.isEmpty()) problem.setProperty("field", field);
        return problem;
    }

    /**
     * A refusal that names its fields ({@link dev.lanyard.FieldErrors}): {@code field} the first, and when several are at
     * fault {@code errors} lists each as {@code {field, detail}}, as the form's page shows them all.
     */
    static ProblemDetail of(HttpStatus status, String code, String detail, dev.lanyard.FieldErrors refused) {
        List<dev.lanyard.FieldErrors.FieldError> each = refused.fieldErrors();
        ProblemDetail problem = of(status, code, detail, each.isEmpty() ? "" : each.get(0).field());
        if (each.size() > 1)
            problem.setProperty("errors", each.stream().map(one -> Map.of("field", one.field(), "detail", one.message())).toList());
        return problem;
    }

    /**
     * The challenge of an API {@code 401}: RFC 9110 §15.5.2 has every 401 name a scheme, and RFC 6750 §3 a refused bearer
     * token that was sent {@code invalid_token}.
     */
    static String bearerChallenge(HttpServletRequest request) {
        String authorization = request.getHeader(org.springframework.http.HttpHeaders.AUTHORIZATION);
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? "Bearer error=\"invalid_token\"" : "Bearer";
    }

    /**
     * Why an API request is not signed in, in words for whoever integrates: a bearer token this server does not know
     * (mistyped, revoked long ago, or an app's OAuth access token, which is for {@code /userinfo}), another scheme, or
     * nothing at all. An unknown token and a token that never existed read the same, so this tells nothing of any token.
     */
    static String unauthenticated(HttpServletRequest request) {
        String authorization = request.getHeader(org.springframework.http.HttpHeaders.AUTHORIZATION);
        if (authorization == null || authorization.isBlank()) return "Sign in first.";
        if (authorization.strip().equalsIgnoreCase("Bearer")) return "The bearer token is empty: send Authorization: Bearer "
                + "followed by a session token or an API key.";
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7))
            return "This bearer token is neither a session token nor an API key of this server: sign in for a session token, "
                    + "or create an API key. (An app's OAuth access token is for /userinfo and introspection, not /api/v1.)";
        return "The API takes a bearer token (Authorization: Bearer, a session token or an API key) or the session cookie, "
                + "not this authentication scheme.";
    }

    static boolean isApi(HttpServletRequest request) {
        return API.matches(request);
    }

    /**
     * The problem's {@code instance}: the request's path as the client sent it (still percent-encoded), without path
     * parameters ({@code /api/v1/admin/members;x=1} is {@code /api/v1/admin/members}), any character a URI's path cannot
     * hold percent-encoded. Each character outside a path was dropped before, which turned {@code ;x=1} into
     * {@code x1} and the instance into the address of nothing (outside review). Spring MVC's own answers take the raw
     * path; no path parameter gets that far (the firewall refuses a semicolon), so theirs and these agree.
     */
    static URI instance(String requestUri) {
        StringBuilder path = new StringBuilder(requestUri.length());
        boolean parameter = false;
        for (int i = 0; i < requestUri.length(); i++) {
            char c = requestUri.charAt(i);
            if (c == '/') parameter = false;
            else if (c == ';') parameter = true;
            if (parameter) continue;
            if (PATH_CHARACTERS.indexOf(c) >= 0 || c == '%' && i + 2 < requestUri.length()
                    && HexFormat.isHexDigit(requestUri.charAt(i + 1)) && HexFormat.isHexDigit(requestUri.charAt(i + 2))) {
                path.append(c);
            } else {
                // Tomcat gives each byte of the path as one character: a byte, or, past Latin-1, the character's UTF-8.
                byte[] bytes = c <= 0xFF ? new byte[] {(byte) c} : String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                for (byte b : bytes) path.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
            }
        }
        return URI.create(path.toString());
    }

    /** What RFC 3986 lets a path hold as it is: unreserved characters, sub-delimiters but {@code ;}, {@code :}, {@code @} and {@code /}. */
    private static final String PATH_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,=:@/";

    /** Writes a problem from a filter, where no controller advice runs, with the request's path as its {@link #instance}. */
    static void write(HttpServletRequest request, HttpServletResponse response, JsonMapper json, ProblemDetail problem) throws IOException {
        if (problem.getInstance() == null && request.getRequestURI() != null) problem.setInstance(instance(request.getRequestURI()));
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        json.writeValue(response.getOutputStream(), problem);
    }
}
