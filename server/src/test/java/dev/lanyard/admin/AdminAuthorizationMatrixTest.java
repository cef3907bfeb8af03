package dev.lanyard.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.team.TeamClient;
import dev.lanyard.team.TestMail;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may call what (PRODUCT.md T1–T5): every admin endpoint of the API and every admin page,
 * called by a member of the team (403: problem+json for the API, the error page for pages) and by
 * the admin of another team naming this team's member and invitation ids (404, exactly like an id
 * that does not exist). Either way nothing about the team changes: members and roles, invitations
 * and their links, sessions, policy, permissions, outbox, and no mail goes out.
 *
 * <p>One team is built once for the whole matrix, the way people build it: its admin invites by
 * mail and the invitees join through the link.
 */
@LanyardSpringTest(database = TestMail.SqliteWithSmtp.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminAuthorizationMatrixTest {
    private static final String FORBIDDEN_PAGE = "Only an admin of your team can do this.";
    private static final String NOT_FOUND = "No such member or invitation in your team.";
    private static final String POLICY = "{\"idleTimeout\":\"1d\",\"allowRememberMe\":false,\"rememberedDays\":2,\"lifetimeDays\":1}";
    private static final String REASON = "{\"reason\":\"Security concern\"}";

    enum Kind { API, PAGE }

    /**
     * One admin endpoint or page. {@code {member}} and {@code {invitation}} in the path stand for an
     * id of the team under test; {@code body} is JSON for the API, {@code form} the fields of a page's form.
     */
    record Call(Kind kind, HttpMethod method, String path, String body, Map<String, String> form) {
        static Call api(HttpMethod method, String path, String body) {
            return new Call(Kind.API, method, path, body, Map.of());
        }

        static Call page(HttpMethod method, String path, Map<String, String> form) {
            return new Call(Kind.PAGE, method, path, null, form);
        }

        boolean namesIds() {
            return path.contains("{member}") || path.contains("{invitation}") || path.contains("{key}");
        }

        boolean safe() {
            return method == HttpMethod.GET;
        }

        String pathFor(String member, String invitation, String key) {
            return path.replace("{member}", member).replace("{invitation}", invitation).replace("{key}", key);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static Stream<Call> calls() {
        String newcomer = "{\"email\":\"NEWCOMER\",\"role\":\"member\"}";
        return Stream.of(
                Call.api(HttpMethod.PUT, "/api/v1/team/policy", POLICY),
                Call.api(HttpMethod.GET, "/api/v1/admin/sessions", null),
                Call.api(HttpMethod.GET, "/api/v1/admin/members/{member}/sessions", null),
                Call.api(HttpMethod.POST, "/api/v1/admin/members/{member}/sign-out", REASON),
                Call.api(HttpMethod.POST, "/api/v1/admin/members/{member}/two-factor/reset", REASON),
                Call.api(HttpMethod.POST, "/api/v1/admin/sessions/sign-out", REASON),
                Call.api(HttpMethod.GET, "/api/v1/admin/members", null),
                Call.api(HttpMethod.PATCH, "/api/v1/admin/members/{member}", "{\"role\":\"admin\"}"),
                Call.api(HttpMethod.DELETE, "/api/v1/admin/members/{member}", null),
                Call.api(HttpMethod.GET, "/api/v1/admin/invitations", null),
                Call.api(HttpMethod.POST, "/api/v1/admin/invitations", newcomer),
                Call.api(HttpMethod.POST, "/api/v1/admin/invitations/{invitation}/resend", "{}"),
                Call.api(HttpMethod.DELETE, "/api/v1/admin/invitations/{invitation}", null),
                Call.api(HttpMethod.PUT, "/api/v1/admin/permissions", "{\"membersSeeSessions\":false}"),
                Call.api(HttpMethod.GET, "/api/v1/admin/members/{member}/api-keys", null),
                Call.api(HttpMethod.DELETE, "/api/v1/admin/members/{member}/api-keys/{key}", null),
                Call.api(HttpMethod.GET, "/api/v1/admin/members/{member}/session-limit", null),
                Call.api(HttpMethod.PUT, "/api/v1/admin/members/{member}/session-limit", "{\"sessionLimit\":1}"),
                Call.api(HttpMethod.GET, "/api/v1/admin/members/{member}/remember-me", null),
                Call.api(HttpMethod.PUT, "/api/v1/admin/members/{member}/remember-me", "{\"forbidden\":true}"),
                Call.page(HttpMethod.GET, "/admin/settings", Map.of()),
                Call.page(HttpMethod.POST, "/admin/settings", Map.of("idleTimeout", "1d", "rememberedDays", "2", "lifetimeDays", "1")),
                Call.page(HttpMethod.GET, "/admin/sessions", Map.of()),
                Call.page(HttpMethod.GET, "/admin/members", Map.of()),
                Call.page(HttpMethod.GET, "/admin/members/{member}/sessions", Map.of()),
                Call.page(HttpMethod.POST, "/admin/members/{member}/sign-out", Map.of("reason", "Security concern")),
                Call.page(HttpMethod.GET, "/admin/members/{member}/two-factor/reset", Map.of()),
                Call.page(HttpMethod.POST, "/admin/members/{member}/two-factor/reset", Map.of("reason", "Security concern")),
                Call.page(HttpMethod.POST, "/admin/members/{member}/session-limit", Map.of("limitChoice", "own", "sessionLimit", "1")),
                Call.page(HttpMethod.POST, "/admin/members/{member}/remember-me", Map.of("forbidden", "true")),
                Call.page(HttpMethod.GET, "/admin/members/{member}/api-keys/{key}/revoke", Map.of()),
                Call.page(HttpMethod.POST, "/admin/members/{member}/api-keys/{key}/revoke", Map.of()),
                Call.page(HttpMethod.GET, "/admin/sessions/sign-out-all", Map.of()),
                Call.page(HttpMethod.POST, "/admin/sessions/sign-out-all", Map.of("reason", "Security concern")),
                Call.page(HttpMethod.POST, "/admin/members/invite", Map.of("email", "NEWCOMER", "role", "MEMBER")),
                Call.page(HttpMethod.POST, "/admin/invitations/{invitation}/resend", Map.of()),
                Call.page(HttpMethod.POST, "/admin/invitations/{invitation}/cancel", Map.of()),
                Call.page(HttpMethod.POST, "/admin/members/{member}/role", Map.of("role", "ADMIN")),
                Call.page(HttpMethod.GET, "/admin/members/{member}/remove", Map.of()),
                Call.page(HttpMethod.POST, "/admin/members/{member}/remove", Map.of()),
                Call.page(HttpMethod.POST, "/admin/members/permissions", Map.of("membersSeeSessions", "false")),
                Call.page(HttpMethod.GET, "/admin/outbox", Map.of()));
    }

    /** Requests with input the endpoint would refuse: the member must hear "forbidden", not what is wrong with the input. */
    static Stream<Call> invalidCalls() {
        return Stream.of(
                Call.api(HttpMethod.PUT, "/api/v1/team/policy", "{\"idleTimeout\":\"1d\"}"),
                Call.api(HttpMethod.POST, "/api/v1/admin/members/{member}/sign-out", "{\"reason\":\"\"}"),
                Call.api(HttpMethod.POST, "/api/v1/admin/members/{member}/two-factor/reset", "{\"reason\":\"\"}"),
                Call.api(HttpMethod.POST, "/api/v1/admin/sessions/sign-out", "{\"reason\":\" \"}"),
                Call.api(HttpMethod.GET, "/api/v1/admin/sessions?limit=0", null),
                Call.api(HttpMethod.PATCH, "/api/v1/admin/members/{member}", "{\"role\":\"owner\"}"),
                Call.api(HttpMethod.POST, "/api/v1/admin/invitations", "{\"email\":\"not an email\",\"role\":\"owner\"}"),
                Call.api(HttpMethod.PUT, "/api/v1/admin/permissions", "{}"),
                Call.api(HttpMethod.PUT, "/api/v1/admin/members/{member}/session-limit", "{\"sessionLimit\":101}"),
                Call.api(HttpMethod.PUT, "/api/v1/admin/members/{member}/remember-me", "{}"),
                Call.page(HttpMethod.POST, "/admin/members/{member}/session-limit", Map.of("limitChoice", "many")),
                Call.page(HttpMethod.POST, "/admin/settings", Map.of("idleTimeout", "2d")),
                Call.page(HttpMethod.POST, "/admin/members/{member}/sign-out", Map.of("reason", "")),
                Call.page(HttpMethod.POST, "/admin/members/{member}/two-factor/reset", Map.of("reason", "")),
                Call.page(HttpMethod.POST, "/admin/sessions/sign-out-all", Map.of()),
                Call.page(HttpMethod.POST, "/admin/members/invite", Map.of("email", "not an email", "role", "owner")),
                Call.page(HttpMethod.POST, "/admin/members/{member}/role", Map.of("role", "owner")));
    }

    static Stream<Call> callsNamingIds() {
        return calls().filter(Call::namesIds);
    }

    static Stream<Call> readOnlyCalls() {
        return calls().filter(Call::safe);
    }

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @LocalServerPort
    int port;

    private TeamClient team;
    private Member admin;
    private Member member;
    private Member target;
    private String teamId;
    private String invitationId;
    private Member otherAdmin;
    private String targetKey;
    /** The admin's own API key with every scope but admin. */
    private String adminKeyWithoutAdmin;

    @BeforeAll
    void buildTwoTeams() throws Exception {
        team = new TeamClient(mvc, json, jdbc, port);
        admin = team.admin("ada");
        member = team.join(admin, "mel");
        target = team.join(admin, "tom");
        team.anotherDevice(target);
        team.bearerDevice(target);
        invitationId = team.invite(admin, TestAccounts.uniqueEmail("ivy"), "member");
        teamId = jdbc.sql("SELECT team_id FROM accounts WHERE id = :id").param("id", admin.accountId()).query(String.class).single();
        otherAdmin = team.admin("otto");
        team.join(otherAdmin, "olga");
        targetKey = json.readTree(team.perform(team.json(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                .post("/api/v1/api-keys"), target, "{\"password\":\"correct horse battery staple\",\"name\":\"tom's\",\"scopes\":[\"sessions:read\"]}")).getResponse()
                .getContentAsString()).path("key").path("id").asString();
        adminKeyWithoutAdmin = json.readTree(team.perform(team.json(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                .post("/api/v1/api-keys"), admin, "{\"password\":\"correct horse battery staple\",\"name\":\"ops\",\"scopes\":[\"sessions:read\",\"sessions:write\"]}"))
                .getResponse().getContentAsString()).path("secret").asString();
    }

    static Stream<Call> apiCalls() {
        return calls().filter(c -> c.kind() == Kind.API);
    }

    /** Keys (decision 0018): an admin's own key without the admin scope acts as a member on every admin endpoint. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("apiCalls")
    void anAdminsKeyWithoutTheAdminScopeIsForbiddenAndNothingChanges(Call call) throws Exception {
        List<Object> before = teamState();
        MockHttpServletRequestBuilder request = request(call.method(), call.pathFor(target.accountId(), invitationId, targetKey))
                .header(org.springframework.http.HttpHeaders.AUTHORIZATION, "Bearer " + adminKeyWithoutAdmin);
        if (call.body() != null) request = request.contentType(MediaType.APPLICATION_JSON)
                .content(call.body().replace("NEWCOMER", TestAccounts.uniqueEmail("newcomer")));

        MockHttpServletResponse response = team.perform(request).getResponse();

        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(403);
        assertThat(json.readTree(response.getContentAsString()).path("type").asString()).isEqualTo("urn:lanyard:problem:forbidden");
        assertThat(teamState()).isEqualTo(before);
    }

    /** The calling {@code who}'s request for {@code call}, naming this team's ids, as a browser or API client sends it. */
    private MockHttpServletRequestBuilder requestOf(Call call, Member who) throws Exception {
        String path = call.pathFor(target.accountId(), invitationId, targetKey);
        MockHttpServletRequestBuilder request = request(call.method(), path);
        if (call.kind() == Kind.API) {
            request = call.body() == null ? team.as(request, who)
                    : team.json(request, who, call.body().replace("NEWCOMER", TestAccounts.uniqueEmail("newcomer")));
            return request.accept(MediaType.APPLICATION_JSON);
        }
        if (call.safe()) return team.page(request, who);
        request = team.form(request, who);
        for (var field : call.form().entrySet()) {
            request.param(field.getKey(), field.getValue().replace("NEWCOMER", TestAccounts.uniqueEmail("newcomer")));
        }
        return request;
    }

    /** Everything about the team that an admin action could change, and the mail sent. */
    private List<Object> teamState() {
        List<Object> state = new ArrayList<>();
        state.add(jdbc.sql("SELECT id, email, role, removed_at, session_limit, remember_me_forbidden FROM accounts WHERE team_id = :team ORDER BY id")
                .param("team", teamId).query().listOfRows());
        state.add(jdbc.sql("""
                SELECT id, token_hash, role, expires_at, accepted_at, cancelled_at FROM invitations WHERE team_id = :team ORDER BY id
                """).param("team", teamId).query().listOfRows());
        state.add(jdbc.sql("""
                SELECT s.id, s.ended_at, s.end_reason FROM sessions s JOIN accounts a ON a.id = s.account_id
                WHERE a.team_id = :team ORDER BY s.id
                """).param("team", teamId).query().listOfRows());
        state.add(jdbc.sql("""
                SELECT idle_timeout_ms, allow_remember_me, remembered_days, lifetime_days, members_see_sessions, session_limit, refuse_at_limit
                FROM teams WHERE id = :team
                """).param("team", teamId).query().listOfRows());
        state.add(jdbc.sql("SELECT COUNT(*) FROM outbox WHERE team_id = :team").param("team", teamId).query(Integer.class).single());
        state.add(TestMail.receivedCount());
        return state;
    }

    private void assertProblem(MockHttpServletResponse response, int status, String code, String detail) throws Exception {
        String body = response.getContentAsString();
        assertThat(response.getStatus()).as(body).isEqualTo(status);
        assertThat(response.getContentType()).as(body).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        JsonNode problem = json.readTree(body);
        assertThat(problem.path("type").asString()).isEqualTo("urn:lanyard:problem:" + code);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("detail").asString()).isEqualTo(detail);
    }

    private static void assertErrorPage(MockHttpServletResponse response, int status, String message) throws Exception {
        String body = response.getContentAsString();
        assertThat(response.getStatus()).as(body).isEqualTo(status);
        assertThat(response.getContentType()).startsWith(MediaType.TEXT_HTML_VALUE);
        assertThat(body).contains(message).doesNotContain("Exception").doesNotContain("<form method=\"post\" action=\"/admin");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("calls")
    void aMemberOfTheTeamIsForbiddenAndNothingChanges(Call call) throws Exception {
        List<Object> before = teamState();

        MockHttpServletResponse response = team.perform(requestOf(call, member)).getResponse();

        if (call.kind() == Kind.API) assertProblem(response, 403, "forbidden", "Only an admin of your team can do this.");
        else assertErrorPage(response, 403, FORBIDDEN_PAGE);
        assertThat(teamState()).isEqualTo(before);
        assertThat(team.current(member).getResponse().getStatus()).as("the member is still signed in").isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("callsNamingIds")
    void anotherTeamsAdminNamingThisTeamsIdsFindsNothingAndNothingChanges(Call call) throws Exception {
        List<Object> before = teamState();

        MockHttpServletResponse response = team.perform(requestOf(call, otherAdmin)).getResponse();

        if (call.kind() == Kind.API) assertProblem(response, 404, "not-found", NOT_FOUND);
        else assertErrorPage(response, 404, NOT_FOUND);
        assertThat(teamState()).isEqualTo(before);
        assertThat(team.current(otherAdmin).getResponse().getStatus()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidCalls")
    void aMemberSendingInputThatWouldBeRefusedIsStillForbidden(Call call) throws Exception {
        List<Object> before = teamState();

        MockHttpServletResponse response = team.perform(requestOf(call, member)).getResponse();

        if (call.kind() == Kind.API) assertProblem(response, 403, "forbidden", "Only an admin of your team can do this.");
        else assertErrorPage(response, 403, FORBIDDEN_PAGE);
        assertThat(teamState()).isEqualTo(before);
    }

    /** The matrix's control: the same requests by the team's own admin reach a handler that serves them. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("readOnlyCalls")
    void theTeamsAdminIsServedTheReadOnlyOnes(Call call) throws Exception {
        List<Object> before = teamState();

        MockHttpServletResponse response = team.perform(requestOf(call, admin)).getResponse();

        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(200);
        assertThat(teamState()).isEqualTo(before);
    }
}
