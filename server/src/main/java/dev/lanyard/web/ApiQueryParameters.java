package dev.lanyard.web;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
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
 * {@code []} is no parameter of the API's and is ignored, as every unknown one is ({@link BracketedNames}).
 *
 * <p>Only the query string counts, and only under {@code /api/}: pages read forms, whose empty fields mean "none". A
 * form body is not the API's: Spring's {@code FormContentFilter} is off (application.yml), so a {@code DELETE}'s form
 * is not read as parameters, where its {@code stream_id} was joined with the query's (outside review). Runs after
 * {@link ControlCharacterFilter}, so the names it decodes are valid UTF-8 without control characters.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 30)
class ApiQueryParameters extends HttpFilter {
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
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (name.isEmpty()) continue; // "?=x" names no parameter: the container's parser decides (UnparsableParameters)
            String shown = ControlCharacterFilter.shown(name);
            String detail = !seen.add(name) ? "'" + shown + "' is given more than once."
                    : eq < 0 || decode(pair.substring(eq + 1)).isBlank() ? "'" + shown + "' has no value: give one, or leave it out."
                    : null;
            if (detail != null) {
                Problems.write(request, response, json, Problems.of(HttpStatus.BAD_REQUEST, "invalid-parameter", detail, shown));
                return;
            }
        }
        chain.doFilter(request, response);
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
