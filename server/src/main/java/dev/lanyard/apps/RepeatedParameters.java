package dev.lanyard.apps;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * RFC 6749 §3.2: request parameters must not be included more than once. A request to the token,
 * introspection or revocation endpoint with any parameter repeated (in the form, the query, or across
 * both) is answered {@code 400 invalid_request} before its client is authenticated. Spring's own
 * converters check a few parameters only: a repeated {@code code} reached the code verifier as a list
 * and failed there with a 500 (outside review S). RFC 6749 §2.3 in the same step: a client must not use more than one
 * authentication method in a request, so HTTP Basic with a {@code client_secret} in the form is refused the same way.
 */
final class RepeatedParameters implements Filter {
    private final RequestMatcher endpoints;

    /** {@code endpoints}: the requests checked (the token, introspection and revocation endpoints). */
    RepeatedParameters(RequestMatcher endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        String refused = endpoints.matches(request) ? refused(request) : null;
        if (refused == null) {
            chain.doFilter(req, res);
            return;
        }
        EndpointErrors.write((HttpServletResponse) res, HttpStatus.BAD_REQUEST, new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, refused, null));
    }

    /** Why the request is refused before its client is authenticated, or null. */
    private static String refused(HttpServletRequest request) {
        String repeated = repeated(request.getParameterMap());
        if (repeated != null) return "The parameter " + repeated + " is included more than once.";
        if (EndpointErrors.basic(request) && request.getParameter("client_secret") != null)
            return "The client authenticated twice: use HTTP Basic or client_secret in the form, not both.";
        return null;
    }

    /** The first parameter with more than one value, or null. */
    private static String repeated(Map<String, String[]> parameters) {
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            if (parameter.getValue().length > 1) return parameter.getKey();
        }
        return null;
    }
}
