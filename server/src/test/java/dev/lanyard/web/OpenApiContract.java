package dev.lanyard.web;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import jakarta.servlet.http.Cookie;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultHandler;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Holds the API to the OpenAPI document it serves at {@code /v3/api-docs}: every exchange with a
 * path under {@code /api/} must have a documented status, content type and body. The request is
 * checked too when the server accepted it (below 400): a refused request may be wrong on purpose,
 * but an accepted one the document calls wrong means the document lies. As a {@link ResultHandler}
 * it runs after every MockMvc request of a {@link LanyardSpringTest} and fails the test on a mismatch;
 * {@link #mismatches(Exchange)} serves tests that talk over real HTTP.
 */
public final class OpenApiContract implements ResultHandler {
    private final WebApplicationContext context;
    private volatile OpenApiInteractionValidator validator;
    private volatile String document;
    private volatile List<java.util.regex.Pattern> ignoredBodies;

    OpenApiContract(WebApplicationContext context) {
        this.context = context;
    }

    /** The contract of an application a test started itself (not through {@link LanyardSpringTest}). */
    public static OpenApiContract of(WebApplicationContext context) {
        return new OpenApiContract(context);
    }

    /** One request and its response, as seen on the wire. Header names are matched without regard to case. */
    public record Exchange(String method, String path, Map<String, List<String>> query, Map<String, List<String>> headers,
                           String requestBody, int status, Map<String, List<String>> responseHeaders, String responseBody) {
    }

    /** The served OpenAPI document (JSON). */
    public String document() {
        if (document == null) {
            try {
                document = MockMvcBuilders.webAppContextSetup(context).build().perform(get("/v3/api-docs"))
                        .andReturn().getResponse().getContentAsString();
            } catch (Exception e) {
                throw new IllegalStateException("the OpenAPI document could not be read", e);
            }
        }
        return document;
    }

    private OpenApiInteractionValidator validator() {
        if (validator == null) {
            // The validator reads a schema without additionalProperties as "no other properties"; OpenAPI
            // says they are allowed. The server refuses unknown properties in a request body but takes back
            // the read-only ones of the resource's own representation, which the request schema does not list
            // (the document says so). Responses stay strict: the server writes exactly what the schema lists.
            validator = OpenApiInteractionValidator.createForInlineApiSpecification(document())
                    .withLevelResolver(LevelResolver.create()
                            .withLevel("validation.request.parameter.query.unexpected", ValidationReport.Level.IGNORE)
                            .withLevel("validation.request.body.schema.additionalProperties", ValidationReport.Level.IGNORE)
                            .build())
                    .build();
        }
        return validator;
    }

    /**
     * "METHOD /path" of the operations whose request body the server ignores (marked
     * {@value ApiDocs#IGNORED_BODY}); the path template's variables match any one segment.
     */
    private List<java.util.regex.Pattern> ignoredBodies() {
        if (ignoredBodies == null) {
            List<java.util.regex.Pattern> found = new ArrayList<>();
            JsonNode paths = JsonMapper.builder().build().readTree(document()).path("paths");
            paths.properties().forEach(path -> path.getValue().properties().forEach(op -> {
                if (!op.getValue().path("requestBody").path(ApiDocs.IGNORED_BODY).asBoolean()) return;
                String template = java.util.regex.Pattern.quote(path.getKey()).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q");
                found.add(java.util.regex.Pattern.compile(op.getKey().toUpperCase(Locale.ROOT) + " " + template));
            }));
            ignoredBodies = List.copyOf(found);
        }
        return ignoredBodies;
    }

    /** Whether the server ignores the body of {@code method path} (a POST without input, say). */
    public boolean ignoresBody(String method, String path) {
        String call = method.toUpperCase(Locale.ROOT) + " " + path;
        return ignoredBodies().stream().anyMatch(p -> p.matcher(call).matches());
    }

    @Override
    public void handle(MvcResult result) {
        MockHttpServletRequest request = result.getRequest();
        if (!request.getRequestURI().startsWith("/api/") || request.isAsyncStarted()) return;
        List<String> problems = mismatches(exchange(request, result.getResponse()));
        if (!problems.isEmpty()) throw new AssertionError(describe(problems));
    }

    /** Fails with every mismatch of this exchange. */
    public void check(Exchange exchange) {
        List<String> problems = mismatches(exchange);
        if (!problems.isEmpty()) throw new AssertionError(describe(problems));
    }

    /** Fails when an exchange over real HTTP disagrees with the document; {@code body} is what the request sent, or null. */
    public void check(HttpRequest request, String body, HttpResponse<String> response) {
        check(exchange(request, body, response));
    }

    /** An exchange over real HTTP, with the path as sent (still encoded, as MockMvc's request URI is). */
    public static Exchange exchange(HttpRequest request, String body, HttpResponse<String> response) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        String raw = request.uri().getRawQuery();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                String[] nameValue = pair.split("=", 2);
                query.computeIfAbsent(decode(nameValue[0]), k -> new ArrayList<>()).add(nameValue.length > 1 ? decode(nameValue[1]) : "");
            }
        }
        return new Exchange(request.method(), request.uri().getRawPath(), query, request.headers().map(), body,
                response.statusCode(), response.headers().map(), response.body());
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** Fails when a response that came over real HTTP is not what the document says {@code method path} answers. */
    public void checkResponse(String method, String path, int status, Map<String, List<String>> headers, String body) {
        List<String> problems = mismatches(new Exchange(method, path, Map.of(), Map.of(), null, status, headers, body), false);
        if (!problems.isEmpty()) throw new AssertionError(describe(problems));
    }

    /** What in this exchange the document does not allow; empty when it agrees. */
    public List<String> mismatches(Exchange exchange) {
        return mismatches(exchange, true);
    }

    private List<String> mismatches(Exchange sent, boolean checkRequest) {
        if (!sent.path().startsWith("/api/")) return List.of();
        Exchange exchange = ignoresBody(sent.method(), sent.path()) ? withoutBody(sent) : sent;
        Request request = request(exchange);
        var response = response(exchange);
        List<String> problems = new ArrayList<>();
        String where = exchange.method() + " " + exchange.path() + " → " + exchange.status();
        if (checkRequest && exchange.status() < 400) {
            validator().validateRequest(request).getMessages().stream()
                    .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                    .filter(m -> !literalNull(m))
                    .forEach(m -> problems.add(where + ": request: " + m.getKey() + ": " + m.getMessage()));
        }
        ValidationReport responseReport = validator().validateResponse(exchange.path(), request.getMethod(), response);
        boolean unknownPath = responseReport.getMessages().stream().anyMatch(m -> m.getKey().equals("validation.request.path.missing")
                || m.getKey().equals("validation.request.operation.notAllowed"));
        // A path the document does not have for this method (an empty id, say), answered as such.
        if (unknownPath && (exchange.status() == 404 || exchange.status() == 405)) return problems;
        responseReport.getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .forEach(m -> problems.add(where + ": response: " + m.getKey() + ": " + m.getMessage()
                        + "\n    body: " + shorten(exchange.responseBody())));
        return problems;
    }

    /**
     * The validator reads a query or path value {@code null} as JSON null; on the wire it is the
     * four-letter string, and the server reads it so.
     */
    private static boolean literalNull(ValidationReport.Message m) {
        return m.getKey().equals("validation.request.parameter.schema.type") && m.getMessage().startsWith("Instance type (null)");
    }

    /** The exchange as the server read it when it ignores the body: no body, so no content type either. */
    private static Exchange withoutBody(Exchange e) {
        Map<String, List<String>> headers = new LinkedHashMap<>(e.headers());
        headers.keySet().removeIf(name -> name.equalsIgnoreCase("Content-Type") || name.equalsIgnoreCase("Content-Length"));
        return new Exchange(e.method(), e.path(), e.query(), headers, null, e.status(), e.responseHeaders(), e.responseBody());
    }

    private static String describe(List<String> problems) {
        return "The exchange disagrees with the OpenAPI document:\n  " + String.join("\n  ", problems);
    }

    private static String shorten(String body) {
        if (body == null) return "";
        return body.length() > 600 ? body.substring(0, 600) + "…" : body;
    }

    private static Request request(Exchange e) {
        var builder = new SimpleRequest.Builder(e.method().toUpperCase(Locale.ROOT), e.path());
        e.query().forEach((name, values) -> builder.withQueryParam(name, values));
        e.headers().forEach((name, values) -> builder.withHeader(name,
                name.equalsIgnoreCase("Content-Type") ? values.stream().map(OpenApiContract::anyJsonAsJson).toList() : values));
        if (e.requestBody() != null && !e.requestBody().isEmpty()) builder.withBody(e.requestBody());
        return builder.build();
    }

    /**
     * The server reads a body sent as any JSON media type ({@code application/json} or
     * {@code application/*+json}, docs/decisions/0003-api-csrf.md); the document names only the first.
     */
    private static String anyJsonAsJson(String contentType) {
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.startsWith("application/") && type.endsWith("+json") ? "application/json" : contentType;
    }

    private static com.atlassian.oai.validator.model.Response response(Exchange e) {
        var builder = SimpleResponse.Builder.status(e.status());
        e.responseHeaders().forEach((name, values) -> builder.withHeader(name, values));
        if (e.responseBody() != null && !e.responseBody().isEmpty()) builder.withBody(e.responseBody());
        return builder.build();
    }

    static Exchange exchange(MockHttpServletRequest request, MockHttpServletResponse response) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        request.getParameterMap().forEach((name, values) -> query.put(name, List.of(values)));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) headers.put(name, Collections.list(request.getHeaders(name)));
        Cookie[] cookies = request.getCookies();
        if (cookies != null && cookies.length > 0) {
            List<String> pairs = new ArrayList<>();
            for (Cookie c : cookies) pairs.add(c.getName() + "=" + c.getValue());
            headers.put("Cookie", List.of(String.join("; ", pairs)));
        }
        Map<String, List<String>> responseHeaders = new LinkedHashMap<>();
        for (String name : response.getHeaderNames()) responseHeaders.put(name, response.getHeaders(name));
        if (response.getContentType() != null) responseHeaders.put("Content-Type", List.of(response.getContentType()));
        byte[] content = request.getContentAsByteArray();
        String body = content == null ? null : new String(content, java.nio.charset.StandardCharsets.UTF_8);
        return new Exchange(request.getMethod(), request.getRequestURI(), query, headers, body,
                response.getStatus(), responseHeaders, new String(response.getContentAsByteArray(), java.nio.charset.StandardCharsets.UTF_8));
    }
}
