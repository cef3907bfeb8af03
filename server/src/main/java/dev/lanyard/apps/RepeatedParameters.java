package dev.lanyard.apps;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import dev.lanyard.ControlCharacters;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * RFC 6749 §3.2: request parameters must not be included more than once. A request to the token,
 * introspection or revocation endpoint with any parameter repeated (in the form, the query, or across
 * both) is answered {@code 400 invalid_request} before its client is authenticated. Spring's own
 * converters check a few parameters only: a repeated {@code code} reached the code verifier as a list
 * and failed there with a 500 (outside review S). RFC 6749 §2.3 in the same step: a client must not use more than one
 * authentication method in a request, so HTTP Basic with a {@code client_secret} in the form is refused the same way.
 *
 * <p>RFC 6749 §3.2 also: a parameter sent without a value is taken as left out. The request passes on without such
 * parameters, so an empty one is answered as a missing one: Spring's client authentication looked an empty {@code code} up
 * ({@code invalid_grant}), took an empty {@code grant_type} for an unsupported one and a public app's empty
 * {@code code_verifier} for no client authentication (outside review), where each left out is {@code invalid_request},
 * or for the verifier {@code invalid_grant} (decision 70).
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
        if (!endpoints.matches(request)) {
            chain.doFilter(req, res);
            return;
        }
        String refused = repeated(request.getParameterMap());
        HttpServletRequest given = withoutEmpty(request);
        if (refused == null) refused = twoMethods(given);
        if (refused == null) {
            chain.doFilter(given, res);
            return;
        }
        EndpointErrors.refuse((HttpServletResponse) res, refused);
    }

    /** Why a request whose parameters are all given once is refused before its client is authenticated, or null. */
    private static String twoMethods(HttpServletRequest request) {
        if (EndpointErrors.basic(request) && request.getParameter("client_secret") != null)
            return "The client authenticated twice: use HTTP Basic or client_secret in the form, not both.";
        return null;
    }

    /** Why the request is refused for a parameter with more than one value, or null. */
    private static String repeated(Map<String, String[]> parameters) {
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            if (parameter.getValue().length <= 1) continue;
            String name = parameter.getKey();
            return ControlCharacters.plainName(name) ? "The parameter " + name + " is included more than once."
                    : "A parameter is included more than once.";
        }
        return null;
    }

    /**
     * {@code request} without the parameters it sent with an empty value; itself when there is none (the common case,
     * introspection's among them, passes on unwrapped). Its parameters are given once each.
     */
    static HttpServletRequest withoutEmpty(HttpServletRequest request) {
        Map<String, String[]> all = request.getParameterMap();
        boolean anyEmpty = false;
        for (String[] values : all.values()) anyEmpty |= empty(values);
        if (!anyEmpty) return request;
        Map<String, String[]> kept = new LinkedHashMap<>(all);
        kept.values().removeIf(RepeatedParameters::empty);
        Map<String, String[]> parameters = Collections.unmodifiableMap(kept);
        return new HttpServletRequestWrapper(request) {
            @Override
            public String getParameter(String name) {
                String[] values = parameters.get(name);
                return values == null || values.length == 0 ? null : values[0];
            }

            @Override
            public String[] getParameterValues(String name) {
                String[] values = parameters.get(name);
                return values == null ? null : values.clone();
            }

            @Override
            public Map<String, String[]> getParameterMap() {
                return parameters;
            }

            @Override
            public Enumeration<String> getParameterNames() {
                return Collections.enumeration(parameters.keySet());
            }
        };
    }

    private static boolean empty(String[] values) {
        for (String value : values) {
            if (!value.isEmpty()) return false;
        }
        return values.length > 0;
    }
}
