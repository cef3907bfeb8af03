package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.InvitationStatus;
import dev.lanyard.account.Role;
import dev.lanyard.account.TeamId;
import dev.lanyard.account.TeamPolicy;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.device.DeviceType;
import dev.lanyard.keys.KeyScope;
import dev.lanyard.session.AppType;
import io.swagger.v3.oas.annotations.Operation;
import org.springdoc.core.events.SpringDocAppInitializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.MediaType;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The served OpenAPI document says what the server does (the exchanges themselves are checked by {@link OpenApiContract}). */
@LanyardSpringTest
class ApiDocsTest {
    @Autowired
    OpenApiContract contract;
    @Autowired
    JsonMapper json;
    @Autowired
    MockMvc mvc;
    @Autowired
    Accounts accounts;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping handlers;

    private JsonNode doc() {
        return json.readTree(contract.document());
    }

    private List<JsonNode> operations() {
        List<JsonNode> operations = new ArrayList<>();
        doc().path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> operations.add(op.getValue())));
        return operations;
    }

    @Test
    void everyFailureIsDocumentedAsProblemJson() {
        assertThat(operations()).isNotEmpty().allSatisfy(op -> {
            for (String code : List.of("400", "401", "403", "404", "406", "415", "429", "503")) {
                assertThat(op.path("responses").path(code).path("content").path("application/problem+json").path("schema")
                        .path("$ref").asString()).as(op.path("operationId").asString() + " " + code)
                        .isEqualTo("#/components/schemas/ProblemDetail");
            }
            op.path("responses").properties().forEach(r -> assertThat(r.getValue().path("content").has("*/*"))
                    .as(op.path("operationId").asString() + " " + r.getKey()).isFalse());
        });
    }

    /** 406 and 503 everywhere, 413 wherever a body is read (outside QA: 503 was documented on one operation, 406 and 413 nowhere). */
    @Test
    void notAcceptableTooLargeAndUnavailableAreDocumentedWhereTheyHappen() {
        doc().path("paths").properties().forEach(path -> path.getValue().properties().forEach(entry -> {
            String name = entry.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey();
            JsonNode responses = entry.getValue().path("responses");
            boolean readsBody = List.of("post", "put", "patch").contains(entry.getKey());
            assertThat(responses.has("406")).as(name).isTrue();
            assertThat(responses.has("413")).as(name).isEqualTo(readsBody);
            assertThat(responses.has("503")).as(name).isTrue();
            for (String code : List.of("406", "413", "503")) {
                if (!responses.has(code)) continue;
                assertThat(responses.path(code).path("content").path("application/problem+json").path("schema").path("$ref")
                        .asString()).as(name + " " + code).isEqualTo("#/components/schemas/ProblemDetail");
            }
        }));
    }

    /**
     * The server "Try it out" sends requests to is never taken from the request: from a forged {@code Host} header
     * springdoc named another site (outside review). Without a public URL it is Lanyard's path, read against the
     * document's own address.
     */
    @Test
    void theDocumentsServerIsNeverTheRequestsHost() throws Exception {
        MvcResult result = mvc.perform(get("/v3/api-docs")
                .header("Host", "evil.example").with(request -> {
                    request.setServerName("evil.example");
                    return request;
                })).andExpect(status().isOk()).andReturn();

        JsonNode servers = json.readTree(result.getResponse().getContentAsString()).path("servers");
        assertThat(servers.size()).isEqualTo(1);
        assertThat(servers.path(0).path("url").asString()).isEqualTo("/");
    }

    @Test
    void theDocumentsServerIsThePublicUrlWithLanyardsPathWhenSetElseThePathAlone() {
        MockEnvironment environment = new MockEnvironment();
        assertThat(ApiDocs.serverUrl(environment)).isEqualTo("/");
        environment.setProperty("server.servlet.context-path", "/lanyard");
        assertThat(ApiDocs.serverUrl(environment)).isEqualTo("/lanyard");
        environment.setProperty("lanyard.web.public-url", "https://example.com/");
        assertThat(ApiDocs.serverUrl(environment)).isEqualTo("https://example.com/lanyard");
        environment.setProperty("server.servlet.context-path", "/");
        assertThat(ApiDocs.serverUrl(environment)).isEqualTo("https://example.com");
    }

    @Autowired
    org.springframework.context.ApplicationContext context;

    /**
     * springdoc warned at every start that the document and Swagger UI are "enabled by default" and should be turned off
     * in production (outside review): they are Lanyard's API documentation, so application.yml turns them on itself.
     */
    @Test
    void springdocDoesNotWarnThatTheDocumentAndSwaggerUiAreOn() {
        ch.qos.logback.classic.Logger springdoc = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(SpringDocAppInitializer.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        springdoc.addAppender(logged);
        try {
            Map<String, SpringDocAppInitializer> initializers = context.getBeansOfType(SpringDocAppInitializer.class);
            assertThat(initializers).as("the document's and Swagger UI's").hasSize(2);
            initializers.values().forEach(SpringDocAppInitializer::init);
        } finally {
            springdoc.detachAppender(logged);
        }
        assertThat(logged.list).isEmpty();
    }

    @Test
    void successCodesAreTheOnesTheServerAnswers() {
        JsonNode paths = doc().path("paths");
        assertThat(paths.path("/api/v1/signup").path("post").path("responses").has("201")).isTrue();
        assertThat(paths.path("/api/v1/signup").path("post").path("responses").has("200")).isFalse();
        assertThat(paths.path("/api/v1/login").path("post").path("responses").has("201")).isTrue();
        assertThat(paths.path("/api/v1/logout").path("post").path("responses").has("204")).isTrue();
        assertThat(paths.path("/api/v1/sessions/{id}").path("delete").path("responses").has("204")).isTrue();
        assertThat(paths.path("/api/v1/sessions/{id}").path("delete").path("responses").has("409")).isTrue();
        assertThat(paths.path("/api/v1/logout").path("post").path("responses").path("204").has("content")).isFalse();
    }

    /**
     * A member's sessions as an admin sees them and the invitations stay arrays, as they were before they had pages (outside
     * review: each stopped at 100): the document says they take a limit and a cursor and name the next page in a Link header.
     */
    @Test
    void theListsThatAreArraysNameTheirNextPageInALinkHeader() {
        JsonNode paths = doc().path("paths");
        for (String path : List.of("/api/v1/admin/members/{id}/sessions", "/api/v1/admin/invitations")) {
            JsonNode list = paths.path(path).path("get");
            List<String> parameters = new ArrayList<>();
            list.path("parameters").forEach(p -> parameters.add(p.path("name").asString()));
            JsonNode ok = list.path("responses").path("200");
            assertThat(parameters).as(path).contains("limit", "cursor");
            assertThat(ok.path("content").path("application/json").path("schema").path("type").asString()).as(path).isEqualTo("array");
            assertThat(ok.path("headers").path("Link").path("description").asString()).as(path).contains("rel=\"next\"");
        }
    }

    /**
     * Outside review: a walk through a busy member's sessions by their cursor missed those used meanwhile. Both lists of a
     * member's sessions document order, its values the server's own, and say which order a walk can rely on.
     */
    @Test
    void theListsOfAMembersSessionsDocumentTheirOrdersAndWhichOneAWalkCanRelyOn() {
        JsonNode paths = doc().path("paths");
        for (String path : List.of("/api/v1/sessions", "/api/v1/admin/members/{id}/sessions")) {
            JsonNode order = paths.path(path).path("get").path("parameters").valueStream()
                    .filter(p -> p.path("name").asString().equals("order")).findFirst().orElseThrow();
            assertThat(strings(order.path("schema").path("enum"))).as(path)
                    .containsExactlyElementsOf(Arrays.stream(dev.lanyard.session.ListOrder.values()).map(dev.lanyard.session.ListOrder::code).toList());
            assertThat(order.path("schema").path("default").asString()).as(path).isEqualTo("recently-active");
            assertThat(order.path("description").asString()).as(path)
                    .contains("can move ahead of the cursor", "exactly once", "400 invalid-cursor");
        }
    }

    @Test
    void signUpAndLoginNeedNoCredentials() {
        JsonNode paths = doc().path("paths");
        assertThat(paths.path("/api/v1/signup").path("post").path("security").isArray()).isTrue();
        assertThat(paths.path("/api/v1/signup").path("post").path("security")).isEmpty();
        assertThat(paths.path("/api/v1/login").path("post").path("security")).isEmpty();
        assertThat(paths.path("/api/v1/sessions").path("get").has("security")).as("the global requirement applies").isFalse();
    }

    @Test
    void auditListDocumentsTheFiltersItReads() {
        List<String> names = new ArrayList<>();
        doc().path("paths").path("/api/v1/audit").path("get").path("parameters").forEach(p -> names.add(p.path("name").asString()));
        assertThat(names).contains("action", "actor", "from", "to", "scope", "limit", "cursor").doesNotContain("filters");
    }

    /** SSF 1.0 requires the stream_id of a status read and a delete: the server reads it as optional only to refuse it in its words. */
    @Test
    void theStreamIdOfAnSsfQueryIsRequiredWhereTheSpecificationRequiresIt() {
        JsonNode paths = doc().path("paths");
        java.util.function.Function<JsonNode, JsonNode> streamId = op -> op.path("parameters").valueStream()
                .filter(p -> p.path("name").asString().equals("stream_id")).findFirst().orElseThrow();
        assertThat(streamId.apply(paths.path("/api/v1/ssf/status").path("get")).path("required").asBoolean()).isTrue();
        assertThat(streamId.apply(paths.path("/api/v1/ssf/streams").path("delete")).path("required").asBoolean()).isTrue();
        assertThat(streamId.apply(paths.path("/api/v1/ssf/streams").path("get")).path("required").asBoolean())
                .as("without it, a read lists every stream").isFalse();
    }

    @Test
    void fieldsThatCanBeNullAreNullableAndEveryResponseFieldIsRequired() {
        JsonNode session = doc().path("components").path("schemas").path("SessionJson");
        assertThat(session.path("properties").path("endedAt").path("nullable").asBoolean()).isTrue();
        assertThat(session.path("properties").path("current").path("nullable").asBoolean()).isFalse();
        // null where an admin looks at another member's session (only its owner learns its id)
        assertThat(session.path("properties").path("id").path("nullable").asBoolean()).isTrue();
        List<String> required = new ArrayList<>();
        session.path("required").forEach(r -> required.add(r.asString()));
        assertThat(required).contains("id", "endedAt", "device", "location");
        List<String> login = new ArrayList<>();
        doc().path("components").path("schemas").path("LoginRequest").path("required").forEach(r -> login.add(r.asString()));
        assertThat(login).containsExactlyInAnyOrder("email", "password");
        for (String request : List.of("LoginRequest", "SecondFactorRequest")) {
            JsonNode zone = doc().path("components").path("schemas").path(request).path("properties").path("zone");
            assertThat(zone.path("type").asString()).as(request).isEqualTo("string");
            assertThat(zone.path("description").asString()).as(request).contains("time zone region");
        }
    }

    @Test
    void twoRecordsOfTheSameNameDoNotShareASchema() {
        JsonNode schemas = doc().path("components").path("schemas");
        assertThat(schemas.path("MemberJson").path("properties").has("createdAt")).isTrue();
        assertThat(schemas.path("MemberSessions").path("properties").has("activeSessions")).isTrue();
    }

    /**
     * An admin's sign-out of a member or of the team counted API keys as sessions (outside review): its answer says how many
     * of what ended were keys, in a schema of its own, not the member's own sign-out's, whose count never holds a key.
     */
    @Test
    void anAdminsSignOutAnswerSaysHowManyOfWhatEndedWereApiKeys() {
        for (String path : List.of("/api/v1/admin/members/{id}/sign-out", "/api/v1/admin/sessions/sign-out")) {
            assertThat(doc().path("paths").path(path).path("post").path("responses").path("200").path("content")
                    .path("application/json").path("schema").path("$ref").asString()).as(path)
                    .isEqualTo("#/components/schemas/AdminSignOutEnded");
        }
        assertThat(property("AdminSignOutEnded", "ended").path("description").asString()).contains("sessions and API keys");
        assertThat(property("AdminSignOutEnded", "endedApiKeys").path("description").asString()).contains("API keys");
        assertThat(strings(doc().path("components").path("schemas").path("AdminSignOutEnded").path("required")))
                .containsExactlyInAnyOrder("ended", "endedApiKeys");
        assertThat(property("Ended", "ended").path("description").asString()).as("the member's own").contains("API keys are never among them");
    }

    @Test
    void operationsWithoutInputTakeAnyBodyAndSayTheyIgnoreIt() {
        for (String path : List.of("/api/v1/logout", "/api/v1/audit/verify")) {
            JsonNode body = doc().path("paths").path(path).path("post").path("requestBody");
            assertThat(body.path("x-lanyard-ignored").asBoolean()).as(path).isTrue();
            assertThat(body.path("required").asBoolean()).as(path).isFalse();
            assertThat(body.path("description").asString()).as(path).startsWith("Ignored");
            assertThat(body.path("content").has("*/*")).as(path).isTrue();
        }
    }

    @Test
    void aBearerRequestToAnOperationWithoutInputMaySendAnyBody() throws Exception {
        ApiClient api = new ApiClient(mvc, json);
        var admin = api.logInForBearer(api.signUp("ignored-body"));
        // The contract check that runs after every request holds both exchanges to the document.
        mvc.perform(post("/api/v1/audit/verify").with(ApiClient.bearer(admin)).contentType(MediaType.TEXT_PLAIN).content("[1, 2"))
                .andExpect(status().isOk());
        mvc.perform(post("/api/v1/audit/verify").with(ApiClient.bearer(admin)).contentType(MediaType.APPLICATION_JSON).content("[1, 2, 3]"))
                .andExpect(status().isOk());
        mvc.perform(post("/api/v1/logout").with(ApiClient.bearer(admin)).contentType(MediaType.APPLICATION_JSON).content("\"bye\""))
                .andExpect(status().isNoContent());
    }

    // ---- operation ids: what a generated client's methods are called

    /**
     * springdoc names an operation after its Java method and numbers clashes in the order it meets them
     * ({@code list_2} was GET /sessions, and which list got which number could change with any new
     * controller): every API handler names its operation itself, and the names stay distinct.
     */
    @Test
    void everyOperationHasAStableUniqueNameOfItsOwn() {
        Map<String, String> ids = new LinkedHashMap<>();
        doc().path("paths").properties().forEach(path -> path.getValue().properties().forEach(op ->
                ids.put(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), op.getValue().path("operationId").asString(""))));
        assertThat(ids).isNotEmpty();
        assertThat(ids.values()).as("lower camel case, never numbered like list_2").allMatch(id -> id.matches("[a-z][a-zA-Z]+"));
        assertThat(new HashSet<>(ids.values())).as("unique").hasSameSizeAs(ids.values());
        assertThat(ids).containsEntry("GET /api/v1/sessions", "listSessions")
                .containsEntry("GET /api/v1/sessions/{id}", "getSession")
                .containsEntry("DELETE /api/v1/sessions/{id}", "revokeSession")
                .containsEntry("GET /api/v1/audit", "listAuditEntries")
                .containsEntry("POST /api/v1/audit/verify", "verifyAuditLog")
                .containsEntry("POST /api/v1/password", "changePassword")
                .containsEntry("POST /api/v1/api-keys", "createApiKey")
                .containsEntry("DELETE /api/v1/apps/{id}", "revokeApp")
                .containsEntry("PUT /api/v1/team/policy", "replaceTeamPolicy");
        // Chosen in the code, not derived from a method name a refactoring may change.
        List<String> unnamed = new ArrayList<>();
        handlers.getHandlerMethods().forEach((mapping, method) -> {
            boolean api = mapping.getPatternValues().stream().anyMatch(p -> p.startsWith("/api/"));
            Operation operation = method.getMethodAnnotation(Operation.class);
            if (api && (operation == null || operation.operationId().isBlank())) unnamed.add(method.toString());
        });
        assertThat(unnamed).as("API handlers without @Operation(operationId)").isEmpty();
    }

    // ---- fixed values: the codes the server takes and answers

    private JsonNode property(String schema, String property) {
        return doc().path("components").path("schemas").path(schema).path("properties").path(property);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asString()));
        return out;
    }

    private static List<String> codes(Enum<?>[] values) {
        return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toList();
    }

    @Test
    void fieldsWithFixedValuesListTheCodesOfTheServersOwnEnums() {
        List<String> roles = codes(Role.values());
        for (String schema : List.of("MemberJson", "MemberSessions", "AccountJson", "InvitationJson", "NewInvitation", "RoleChange"))
            assertThat(strings(property(schema, "role").path("enum"))).as(schema + ".role").containsExactlyInAnyOrderElementsOf(roles);
        assertThat(strings(property("SessionJson", "appType").path("enum"))).containsExactlyInAnyOrderElementsOf(codes(AppType.values()));
        assertThat(strings(property("DeviceJson", "type").path("enum")))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(DeviceType.values()).map(DeviceType::code).toList());
        List<String> scopes = Arrays.stream(KeyScope.values()).map(KeyScope::code).toList();
        assertThat(strings(property("NewKeyJson", "scopes").path("items").path("enum"))).containsExactlyInAnyOrderElementsOf(scopes);
        assertThat(strings(property("ApiKeyJson", "scopes").path("items").path("enum"))).containsExactlyInAnyOrderElementsOf(scopes);
        assertThat(strings(property("InvitationJson", "status").path("enum")))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(InvitationStatus.values()).map(InvitationStatus::code).toList());
        for (String schema : List.of("AppRequest", "AppJson"))
            assertThat(strings(property(schema, "type").path("enum"))).as(schema).containsExactlyInAnyOrder("public", "confidential");
        for (String schema : List.of("PolicyJson", "PolicyChange"))
            assertThat(strings(property(schema, "idleTimeout").path("enum"))).as(schema).hasSameSizeAs(TeamPolicy.IDLE_CHOICES);
    }

    /** A session's title, device name and place say in the document what the pages show (outside review). */
    @Test
    void theDevicesTitleAndNameAndThePlacesLabelSayWhatTheyHold() {
        assertThat(property("DeviceJson", "description").path("description").asString()).contains("device's name", "PlayStation 5");
        assertThat(property("DeviceJson", "model").path("description").asString()).contains("Samsung Smart TV");
        assertThat(property("DeviceJson", "browser").path("description").asString()).contains("poses as");
        assertThat(property("LocationJson", "label").path("description").asString()).contains("city, region and country");
        assertThat(property("LocationJson", "label").path("example").asString()).isEqualTo("Springfield, Illinois, United States");
        assertThat(property("LocationJson", "region").path("description").asString()).isNotBlank();
        assertThat(property("LastUsed", "location").path("description").asString()).contains("location.label");
    }

    /** Each sign-in app type the document offers is taken, and every other one the server knows is refused. */
    @Test
    void theAppTypesASignInMayNameAreTheOnesTheServerTakes() throws Exception {
        List<String> offered = strings(property("LoginRequest", "appType").path("enum"));
        assertThat(codes(AppType.values())).containsAll(offered);
        ApiClient api = new ApiClient(mvc, json);
        ApiClient.Member member = api.signUp("app-types");
        for (String code : codes(AppType.values())) {
            MvcResult result = mvc.perform(post("/api/v1/login").with(ApiClient.from(ApiClient.newAddress()))
                    .contentType(MediaType.APPLICATION_JSON).content(api.write(Map.of("email", member.email(),
                            "password", TestAccounts.PASSWORD, "tokenType", "bearer", "appType", code)))).andReturn();
            assertThat(result.getResponse().getStatus()).as(code).isEqualTo(offered.contains(code) ? 201 : 400);
        }
    }

    /** Each idle timeout the document lists is one of the policy's choices, and together they are all of them. */
    @Test
    void theIdleTimeoutsOfThePolicyAreThePolicysChoices() throws Exception {
        ApiClient.Member admin = new ApiClient(mvc, json).signUp("idle-choices");
        TeamId team = accounts.find(new AccountId(admin.accountId())).orElseThrow().team();
        Set<Duration> reached = new HashSet<>();
        for (String code : strings(property("PolicyChange", "idleTimeout").path("enum"))) {
            String policy = "{'idleTimeout':'" + code + "','allowRememberMe':true,'rememberedDays':30,'lifetimeDays':7}";
            mvc.perform(put("/api/v1/team/policy").cookie(admin.cookie()).with(admin.from())
                    .contentType(MediaType.APPLICATION_JSON).content(ApiClient.quoted(policy))).andExpect(status().isOk());
            reached.add(accounts.policy(team).idleTimeout());
        }
        assertThat(reached).containsExactlyInAnyOrderElementsOf(TeamPolicy.IDLE_CHOICES);
        assertThat(strings(property("PolicyJson", "idleTimeout").path("enum")))
                .isEqualTo(strings(property("PolicyChange", "idleTimeout").path("enum")));
    }

    // ---- what a request must carry, and the ranges the server holds it to

    private List<String> required(String schema) {
        return strings(doc().path("components").path("schemas").path(schema).path("required"));
    }

    @Test
    void aPolicyChangeRequiresWhatTheServerRequiresAndStatesItsRanges() {
        assertThat(required("PolicyChange")).containsExactlyInAnyOrder("idleTimeout", "allowRememberMe", "rememberedDays", "lifetimeDays");
        for (String schema : List.of("PolicyChange", "PolicyJson")) {
            assertThat(range(schema, "rememberedDays")).as(schema).containsExactly(1, TeamPolicy.MAX_DAYS);
            assertThat(range(schema, "lifetimeDays")).as(schema).containsExactly(1, TeamPolicy.MAX_LIFETIME_DAYS);
            assertThat(range(schema, "sessionLimit")).as(schema).containsExactly(0, TeamPolicy.MAX_SESSION_LIMIT);
        }
        for (String schema : List.of("MemberSessionLimit", "SessionLimitChange"))
            assertThat(range(schema, "sessionLimit")).as(schema).containsExactly(0, TeamPolicy.MAX_SESSION_LIMIT);
        assertThat(property("NewKeyJson", "scopes").path("minItems").asInt()).isEqualTo(1);
    }

    private List<Integer> range(String schema, String property) {
        JsonNode p = property(schema, property);
        return Stream.of(p.path("minimum"), p.path("maximum")).map(n -> n.isMissingNode() ? null : n.asInt()).toList();
    }
}
