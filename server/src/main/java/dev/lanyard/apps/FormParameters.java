package dev.lanyard.apps;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * A form posted to an endpoint of the authorization server is read from its fields, whatever the address's query string
 * holds. Spring's converters take a field for a query parameter, and leave it out, when the query string contains its
 * name anywhere ({@code String.contains}): {@code ?x=mystatex} lost a posted authorization request's state,
 * {@code ?x=nonce} its ID token's nonce, and {@code ?note=my_code_verifier_here} a code exchange's verifier (outside
 * review). A POST with a query string is passed on with the form's fields alone and no query string, so nothing compares
 * names with it. A field also given in the query keeps the query's value too: it is repeated, and refused as such
 * (Spring's converter, {@link RepeatedParameters}). A query parameter the form does not have is left out, as Spring
 * means to leave it out.
 */
final class FormParameters implements Filter {

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        String query = request.getQueryString();
        boolean posted = "POST".equals(request.getMethod()) && query != null && !query.isEmpty();
        chain.doFilter(posted ? formOf(request, query) : request, res);
    }

    /**
     * The request with the parameters its form gave. The container gives a parameter's values in the query string first,
     * then the form's: a parameter with more values than the query string gave it is one of the form's.
     */
    private static HttpServletRequest formOf(HttpServletRequest request, String query) {
        Map<String, Integer> inQuery = namesIn(query);
        Map<String, String[]> form = new LinkedHashMap<>();
        request.getParameterMap().forEach((name, values) -> {
            if (values.length > inQuery.getOrDefault(name, 0)) form.put(name, values);
        });
        return given(request, form, null);
    }

    /**
     * How many times each name is given in {@code query}, decoded as the container decodes it. A name that is no valid
     * encoding never gets here: {@code ControlCharacterFilter} refused it.
     */
    private static Map<String, Integer> namesIn(String query) {
        Map<String, Integer> names = new HashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (!name.isEmpty()) names.merge(name, 1, Integer::sum);
        }
        return names;
    }

    /** {@code request} with exactly {@code parameters} (each at least one value) and {@code query} as its query string. */
    static HttpServletRequest given(HttpServletRequest request, Map<String, String[]> parameters, String query) {
        Map<String, String[]> given = Collections.unmodifiableMap(parameters);
        return new HttpServletRequestWrapper(request) {
            @Override
            public String getParameter(String name) {
                String[] values = given.get(name);
                return values == null || values.length == 0 ? null : values[0];
            }

            @Override
            public String[] getParameterValues(String name) {
                String[] values = given.get(name);
                return values == null ? null : values.clone();
            }

            @Override
            public Map<String, String[]> getParameterMap() {
                return given;
            }

            @Override
            public Enumeration<String> getParameterNames() {
                return Collections.enumeration(given.keySet());
            }

            @Override
            public String getQueryString() {
                return query;
            }
        };
    }
}
