package dev.lanyard.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.lanyard.ops.ServedPath;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The OpenAPI document: its title, the two ways to authenticate (bearer token or session cookie),
 * and what every operation can answer besides success. The document must tell the truth; the
 * tests check every API exchange against it (docs/decisions/0016-openapi-contract.md).
 */
@Configuration(proxyBeanMethods = false)
class ApiDocs {
    static final String PROBLEM = "ProblemDetail";
    /** Marks a request body the server ignores (see {@link #ignoredBody()}). */
    static final String IGNORED_BODY = "x-lanyard-ignored";
    /** Operations anyone may call, as {@link SecurityConfiguration} permits them. */
    private static final Set<String> PUBLIC = Set.of("/api/v1/signup", "/api/v1/signup/confirm", "/api/v1/signup/confirm/own", "/api/v1/login");
    /** What any operation may answer when it fails, besides what it documents itself. */
    private static final Map<String, String> COMMON_ERRORS = commonErrors();

    private static Map<String, String> commonErrors() {
        Map<String, String> errors = new LinkedHashMap<>();
        errors.put("400", "The input is not valid; `field` names the input at fault");
        errors.put("401", "Not signed in, or the session has ended");
        errors.put("403", "Not allowed: another role is needed, the team requires a second factor the member has not set up, "
                + "or the request came from another origin");
        errors.put("404", "No such object, or it belongs to someone else");
        errors.put("406", "The Accept header allows none of the types this operation answers (nor application/problem+json). "
                + "Nothing was done");
        errors.put("415", "The body cannot be read as sent: compressed (Content-Encoding), in a charset Lanyard does not know, "
                + "of a wildcard type, or, with the session cookie, not application/json. Nothing was done");
        errors.put("429", "Too many attempts; Retry-After says when to try again");
        errors.put("503", "The database cannot be reached (database-unavailable), or its disk is full and nothing can be stored "
                + "(database-full): nothing was changed; Retry-After says when to try again");
        return errors;
    }

    /** What an operation that reads a request body (POST, PUT, PATCH) may answer besides (see {@link BodyLimit}). */
    static final String TOO_LARGE = "The request body is larger than the server accepts (lanyard.web.max-body-size, "
            + "1 MiB unless configured); `detail` names the limit. Nothing was read";

    @Bean
    OpenAPI lanyardApi(Environment environment) {
        return new OpenAPI()
                .servers(List.of(new Server().url(serverUrl(environment))))
                .info(new Info().title("Lanyard API").version("v1").description("""
                        Where am I signed in, and can I end it — now? Errors are application/problem+json \
                        with a stable type (`urn:lanyard:problem:{code}`). Requests authenticated by the \
                        session cookie must send JSON bodies and no foreign Origin; bearer requests need neither. \
                        A property a request body does not define is refused (400, its field named), except the \
                        read-only properties of the resource's own representation, which a body may carry back and \
                        which are ignored (GET, edit, PUT); Shared Signals stream requests follow SSF 1.0 instead: \
                        Transmitter-Supplied properties sent back must match. The body of an operation that takes no \
                        input is ignored (x-lanyard-ignored). A query parameter is given at most once and never empty: \
                        leave it out for its default (given twice or empty, it is refused: 400, its name in field)."""))
                .components(new Components()
                        .addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .description("A session token from POST /api/v1/login with {\"tokenType\":\"bearer\"}"))
                        .addSecuritySchemes("cookie", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.COOKIE).name("lanyard_session")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"))
                .addSecurityItem(new SecurityRequirement().addList("cookie"));
    }

    /**
     * The API's address in the document, where Swagger UI's "Try it out" sends requests: {@code lanyard.web.public-url} with
     * the path Lanyard is served at when it is set, else that path alone ({@code /}, {@code /lanyard}), which a client
     * reads against the address it fetched the document from. Left to springdoc, it was made from each request's
     * {@code Host} header, so a forged one named another site (outside review).
     */
    static String serverUrl(Environment environment) {
        String publicUrl = environment.getProperty("lanyard.web.public-url", "").strip();
        if (!publicUrl.isEmpty()) return ServedPath.under(publicUrl, environment);
        String path = ServedPath.of(environment);
        return path.isEmpty() ? "/" : path;
    }

    /**
     * Makes every operation say what it really answers: the common problems, every failure as
     * application/problem+json, no body on 204, no security requirement on sign-up and login,
     * and every property of a response present (Jackson writes each record component, null or not).
     */
    @Bean
    OpenApiCustomizer truthfulResponses() {
        return api -> {
            // Here rather than in the OpenAPI bean: springdoc replaces the schemas it finds on its own.
            api.getComponents().addSchemas(PROBLEM, problemSchema());
            api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
                if (PUBLIC.contains(path)) operation.setSecurity(List.of());
                boolean unsafe = method != io.swagger.v3.oas.models.PathItem.HttpMethod.GET
                        && method != io.swagger.v3.oas.models.PathItem.HttpMethod.DELETE;
                if (unsafe && operation.getRequestBody() == null) operation.setRequestBody(ignoredBody());
                if (unsafe && !operation.getResponses().containsKey("413"))
                    operation.getResponses().addApiResponse("413", new ApiResponse().description(TOO_LARGE));
                describeFailures(operation);
            }));
            markResponsePropertiesRequired(api);
        };
    }

    private static void describeFailures(Operation operation) {
        ApiResponses responses = operation.getResponses();
        // An operation that answers 201 or 204 never answers 200 (springdoc adds 200, described "OK", by default),
        // unless it says so itself (login: 200 when a second factor is needed).
        ApiResponse ok = responses.get("200");
        if ((responses.containsKey("201") || responses.containsKey("204")) && ok != null && "OK".equals(ok.getDescription()))
            responses.remove("200");
        COMMON_ERRORS.forEach((code, description) -> {
            if (!responses.containsKey(code)) responses.addApiResponse(code, new ApiResponse().description(description));
        });
        responses.forEach((code, response) -> {
            if (code.startsWith("4") || code.startsWith("5")) {
                response.setContent(new Content().addMediaType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
            } else if (code.equals("204")) {
                response.setContent(null);
            }
        });
        // A 2xx annotated without a description would make the document invalid.
        responses.values().forEach(r -> {
            if (r.getDescription() == null) r.setDescription("");
        });
    }

    /**
     * Schemas that requests send (found by name: those only a request body refers to) keep the
     * {@code required} their annotations give; everything a response carries is always present.
     */
    private static void markResponsePropertiesRequired(OpenAPI api) {
        Set<String> requestOnly = new java.util.HashSet<>();
        Set<String> inResponses = new java.util.HashSet<>();
        api.getPaths().values().forEach(item -> item.readOperations().forEach(op -> {
            if (op.getRequestBody() != null && op.getRequestBody().getContent() != null)
                op.getRequestBody().getContent().values().forEach(m -> refs(api, m.getSchema(), requestOnly));
            op.getResponses().values().forEach(r -> {
                if (r.getContent() != null) r.getContent().values().forEach(m -> refs(api, m.getSchema(), inResponses));
            });
        }));
        requestOnly.removeAll(inResponses);
        api.getComponents().getSchemas().forEach((name, schema) -> {
            if (name.equals(PROBLEM) || requestOnly.contains(name) || schema.getProperties() == null) return;
            schema.setRequired(List.copyOf(schema.getProperties().keySet()));
        });
    }

    /** Adds the names of every component schema reachable from {@code schema}. */
    @SuppressWarnings("rawtypes")
    private static void refs(OpenAPI api, Schema schema, Set<String> into) {
        if (schema == null) return;
        if (schema.get$ref() != null) {
            String name = schema.get$ref().substring(schema.get$ref().lastIndexOf('/') + 1);
            if (into.add(name)) refs(api, api.getComponents().getSchemas().get(name), into);
            return;
        }
        if (schema.getItems() != null) refs(api, schema.getItems(), into);
        if (schema.getProperties() != null) ((Map<?, ?>) schema.getProperties()).values().forEach(s -> refs(api, (Schema) s, into));
        if (schema.getAllOf() != null) schema.getAllOf().forEach(s -> refs(api, (Schema) s, into));
        if (schema.getOneOf() != null) schema.getOneOf().forEach(s -> refs(api, (Schema) s, into));
    }

    /**
     * A POST, PUT or PATCH without input takes any body and ignores it: bearer requests may send
     * anything (or nothing) of any type; cookie-authenticated requests must still send
     * application/json (a cross-site form cannot), usually {@code {}}, or get 415. The extension
     * {@value #IGNORED_BODY} marks such a body for tools, and the contract tests check these requests
     * as the server reads them: without a body.
     */
    private static io.swagger.v3.oas.models.parameters.RequestBody ignoredBody() {
        var body = new io.swagger.v3.oas.models.parameters.RequestBody().required(false)
                .description("Ignored: the server does not read it. Bearer requests may send any body of any type, or none; "
                        + "requests authenticated by the session cookie must send application/json (usually {}).")
                .content(new Content()
                        .addMediaType(org.springframework.http.MediaType.APPLICATION_JSON_VALUE, new MediaType().schema(new Schema<>()))
                        .addMediaType(org.springframework.http.MediaType.ALL_VALUE, new MediaType().schema(new Schema<>())));
        body.addExtension(IGNORED_BODY, true);
        return body;
    }

    /** RFC 9457 as Lanyard writes it (see {@link Problems}). */
    private static Schema<?> problemSchema() {
        return new ObjectSchema()
                .description("RFC 9457 problem details")
                .addProperty("type", new StringSchema().description("Stable problem type: urn:lanyard:problem:{code}, e.g. urn:lanyard:problem:session-ended"))
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema().description("What went wrong, for people"))
                .addProperty("instance", new StringSchema())
                .addProperty("field", new StringSchema().description("The input at fault, where there is one"))
                .addProperty("errors", new ArraySchema().description(
                        "Every input at fault with its own message, when there are several (field is the first of them)")
                        .items(new ObjectSchema().addProperty("field", new StringSchema()).addProperty("detail", new StringSchema())))
                .required(List.of("type", "title", "status"));
    }
}
