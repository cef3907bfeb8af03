package dev.lanyard.web;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API's query parameters follow the rule its JSON bodies do ({@link StrictJson}): each is given
 * once, with a value. A parameter given twice ({@code ?limit=1&limit=2}) was read by the type it was
 * bound to: a number took the first value, a string the values joined with a comma (a 400 for
 * {@code filter}, a search for {@code member}); an empty or blank one ({@code ?filter=}, {@code ?filter},
 * {@code ?filter=+}) was read as left out. Both are now 400 {@code invalid-parameter} naming the parameter, for every API
 * endpoint alike and before any of them reads it. Leaving a parameter out still means its default. A name ending in
 * {@code []} is no parameter of the API's and is ignored, as every unknown one is ({@link WithoutBracketedNames}).
 *
 * <p>Only the query string counts, and only under {@code /api/}: pages read forms, whose empty fields mean "none". A
 * form body is not the API's: Spring's {@code FormContentFilter} is off (application.yml), so a {@code DELETE}'s form
 * is not read as parameters, where its {@code stream_id} was joined with the query's (outside review). Runs after
 * {@link ControlCharacterFilter}, so the names it decodes are valid UTF-8 without control characters.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 30)
class ApiQueryParameters extends HttpFilter {
    private static final String BRACKETS = "[]";
    private final JsonMapper json;

    ApiQueryParameters(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String query = request.getQueryString();
        if (query == null || query.isEmpty() || !Problems.isApi(request)) {
            chain.doFilter(request, response);
            return;
        }
        Set<String> seen = new HashSet<>();
        boolean bracketed = false;
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (name.isEmpty()) continue; // "?=x" names no parameter: the container's parser decides (UnparsableParameters)
            bracketed |= name.endsWith(BRACKETS);
            String shown = ControlCharacterFilter.shown(name);
            String detail = !seen.add(name) ? "'" + shown + "' is given more than once."
                    : eq < 0 || decode(pair.substring(eq + 1)).isBlank() ? "'" + shown + "' has no value: give one, or leave it out."
                    : null;
            if (detail != null) {
                Problems.write(request, response, json, Problems.of(HttpStatus.BAD_REQUEST, "invalid-parameter", detail, shown));
                return;
            }
        }
        chain.doFilter(bracketed ? new WithoutBracketedNames(request) : request, response);
    }

    /**
     * The request without its parameters named {@code x[]}: Spring MVC reads {@code ?scope[]=all} as {@code scope} when
     * {@code scope} is not given (a convention of some JavaScript libraries), which got around the rule above
     * ({@code ?scope=others&scope[]=all}, {@code ?limit[]=5}). No operation of the API takes such a name, so it is an
     * unknown parameter like any other: ignored.
     */
    private static final class WithoutBracketedNames extends HttpServletRequestWrapper {
        WithoutBracketedNames(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getParameter(String name) {
            return name.endsWith(BRACKETS) ? null : super.getParameter(name);
        }

        @Override
        public String[] getParameterValues(String name) {
            return name.endsWith(BRACKETS) ? null : super.getParameterValues(name);
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            Map<String, String[]> kept = new LinkedHashMap<>(super.getParameterMap());
            kept.keySet().removeIf(name -> name.endsWith(BRACKETS));
            return Collections.unmodifiableMap(kept);
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.enumeration(getParameterMap().keySet());
        }
    }

    /** A name or value as the container reads it ({@code +} is a space); as sent when it does not decode. */
    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }
}
