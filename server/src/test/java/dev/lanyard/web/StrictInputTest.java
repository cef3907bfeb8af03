package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;

import java.net.URI;
import java.util.List;
import java.util.Map;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.session.Cursors;
import dev.lanyard.web.ApiClient.Member;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Crafted input is a clear 400, never a conversion, never a 500 (docs/decisions/0014): JSON of the
 * wrong type, with a key given twice or a key the request does not define, control characters in any
 * parameter, path or JSON string, one rule for every list's cursor, and times out of range. Run on
 * SQLite here and on PostgreSQL ({@code PostgresStrictInputTest}), where a NUL that reached the
 * database would fail the query.
 */
@LanyardSpringTest
class StrictInputTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    OpenApiContract contract;
    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    private Member admin;

    @BeforeEach
    void anAdmin() throws Exception {
        admin = new ApiClient(mvc, json).signUp("ada");
    }

    private MockHttpServletResponse as(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.cookie(admin.cookie()).with(admin.from())).andReturn().getResponse();
    }

    private MockHttpServletResponse body(MockHttpServletRequestBuilder request, String body) throws Exception {
        return as(request.contentType(MediaType.APPLICATION_JSON).content(body));
    }

    private JsonNode problem(MockHttpServletResponse response, String field) throws Exception {
        String text = response.getContentAsString();
        assertThat(response.getStatus()).as(text).isEqualTo(400);
        assertThat(response.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        JsonNode problem = json.readTree(text);
        assertThat(problem.path("field").asString()).as(text).isEqualTo(field);
        assertThat(problem.path("detail").asString()).as("no Java type names").doesNotContain("java.").doesNotContain("`")
                .doesNotContain("dev.lanyard");
        return problem;
    }

    // ---- strict JSON

    @Test
    void aNumberIsNotTakenForTrueOrFalse() throws Exception {
        for (String value : new String[] {"-1", "1", "0", "1.5", "\"true\"", "\"yes\""}) {
            JsonNode problem = problem(body(put("/api/v1/admin/permissions"), "{\"membersSeeSessions\":" + value + "}"),
                    "membersSeeSessions");
            assertThat(problem.path("detail").asString()).isEqualTo("'membersSeeSessions' must be true or false.");
        }
        assertThat(body(put("/api/v1/admin/permissions"), "{\"membersSeeSessions\":true}").getStatus()).isEqualTo(200);
    }

    @Test
    void aNumberIsNotTakenForAStringNorAStringForANumber() throws Exception {
        problem(body(patch("/api/v1/sessions/" + admin.sessionId()), "{\"name\":5}"), "name");
        problem(body(patch("/api/v1/sessions/" + admin.sessionId()), "{\"name\":true}"), "name");
        problem(body(put("/api/v1/team/policy"),
                "{\"idleTimeout\":\"7d\",\"allowRememberMe\":true,\"rememberedDays\":\"30\",\"lifetimeDays\":7}"), "rememberedDays");
    }

    /** A whole number past what the field can hold was "not valid JSON" with no field (outside QA). */
    @Test
    void aNumberTooLargeForItsFieldNamesTheField() throws Exception {
        JsonNode problem = problem(body(put("/api/v1/team/policy"),
                "{\"idleTimeout\":\"7d\",\"allowRememberMe\":true,\"rememberedDays\":2147483648,\"lifetimeDays\":7}"), "rememberedDays");
        assertThat(problem.path("detail").asString()).isEqualTo("'rememberedDays' is out of range: see the field's documented values.");
    }

    /** JavaScript's milliseconds read as seconds would be a key that never expires; a year past 9999 overflowed to a 500. */
    @Test
    void anInstantIsAnIsoDateAndTimeOfTheYears1970To9999() throws Exception {
        for (String value : new String[] {"1798761600000", "\"1798761600000\"", "\"+300000000-01-01T00:00:00Z\"", "\"2027-01-01\"",
                "\"1969-12-31T23:59:59Z\"", "true"}) {
            JsonNode problem = problem(body(post("/api/v1/api-keys"),
                    "{\"name\":\"ci\",\"scopes\":[\"sessions:read\"],\"expiresAt\":" + value + "}"), "expiresAt");
            assertThat(problem.path("detail").asString()).as(value).contains("2027-01-01T00:00:00Z");
        }
        assertThat(body(post("/api/v1/api-keys"), "{\"name\":\"ci\",\"scopes\":[\"sessions:read\"],"
                + "\"expiresAt\":\"2099-01-01T00:00:00+02:00\",\"password\":\"" + TestAccounts.PASSWORD + "\"}").getStatus()).isEqualTo(201);
    }

    @Test
    void aNullInAListIsRefusedAndNamesItsField() throws Exception {
        problem(body(post("/api/v1/admin/apps"), "{\"name\":\"X\",\"redirectUris\":[null],\"scopes\":[\"openid\"]}"), "redirectUris[0]");
        problem(body(post("/api/v1/admin/apps"), "{\"name\":\"X\",\"redirectUris\":[\"https://x.example/cb\"],\"scopes\":[\"openid\",null]}"),
                "scopes[1]");
        problem(body(post("/api/v1/api-keys"), "{\"name\":\"ci\",\"scopes\":[null]}"), "scopes[0]");
    }

    @Test
    void aKeyGivenTwiceIsRefusedInsteadOfTheLastOneWinning() throws Exception {
        JsonNode problem = problem(body(put("/api/v1/admin/permissions"),
                "{\"membersSeeSessions\":true,\"membersSeeSessions\":false}"), "membersSeeSessions");
        assertThat(problem.path("detail").asString()).isEqualTo("'membersSeeSessions' is given more than once.");
    }

    /**
     * A misspelt key was read as left out: the change it carried was dropped, or worse, its default applied
     * ({@code sessionLimt} reset the member's own limit to the team's, {@code signOutOther} signed the others out,
     * {@code expiresAT} made a key that never expires). Every PUT and PATCH and the main POSTs refuse it now, name
     * it, list the fields the request has, and change nothing.
     */
    @Test
    void aKeyTheRequestDoesNotDefineIsRefusedNamingItAndChangesNothing() throws Exception {
        String team = jdbc.sql("SELECT team_id FROM accounts WHERE id = :id").param("id", admin.accountId()).query(String.class).single();
        String app = json.readTree(body(post("/api/v1/admin/apps"), "{\"name\":\"Wiki\",\"redirectUris\":[\"https://wiki.example.com/cb\"],"
                + "\"type\":\"confidential\",\"scopes\":[\"openid\"]}").getContentAsString()).path("app").path("id").asString();
        String member = "/api/v1/admin/members/" + admin.accountId();
        String password = TestAccounts.PASSWORD;
        List<Object[]> cases = List.of(
                new Object[] {put("/api/v1/team/policy"), "{'idleTimout':'PT30M'}", "idleTimout"},
                new Object[] {put("/api/v1/team/policy"),
                        "{'idleTimeout':'1d','allowRememberMe':false,'rememberedDays':14,'lifetimeDays':2,'requireSecondFactr':true}",
                        "requireSecondFactr"},
                new Object[] {put("/api/v1/admin/permissions"), "{'membersSeeSession':false}", "membersSeeSession"},
                new Object[] {patch("/api/v1/sessions/" + admin.sessionId()), "{'name':'Laptop','alert':false}", "alert"},
                new Object[] {patch(member), "{'rol':'member'}", "rol"},
                new Object[] {put(member + "/session-limit"), "{'sessionLimt':3}", "sessionLimt"},
                new Object[] {put(member + "/remember-me"), "{'forbidden':true,'forever':true}", "forever"},
                new Object[] {put("/api/v1/admin/apps/" + app), "{'name':'Wiki 2','redirectUris':['https://wiki.example.com/cb'],"
                        + "'scopes':['openid'],'backchannelLogoutUrl':'https://wiki.example.com/bc'}", "backchannelLogoutUrl"},
                new Object[] {put("/api/v1/admin/apps/" + app + "/signals"), "{'enable':true}", "enable"},
                new Object[] {post("/api/v1/admin/apps"), "{'name':'Chat','redirectUris':['https://chat.example.com/cb'],"
                        + "'scopes':['openid'],'typ':'confidential'}", "typ"},
                new Object[] {post("/api/v1/api-keys"), "{'name':'ci','scopes':['sessions:read'],'password':'" + password
                        + "','expiresAT':'2027-01-01T00:00:00Z'}", "expiresAT"},
                new Object[] {post("/api/v1/admin/invitations"), "{'email':'new@example.com','rolle':'admin'}", "rolle"},
                new Object[] {post(member + "/sign-out"), "{'reason':'Leaving','notify':true}", "notify"},
                new Object[] {post("/api/v1/admin/sessions/sign-out"), "{'reason':'Incident','exceptMe':true}", "exceptMe"},
                new Object[] {post("/api/v1/password"), "{'currentPassword':'" + password + "','newPassword':'a brand new passphrase 42',"
                        + "'signOutOther':false}", "signOutOther"});
        for (Object[] c : cases) {
            String before = snapshot(team);
            MockHttpServletResponse refused = body((MockHttpServletRequestBuilder) c[0], ApiClient.quoted((String) c[1]));
            JsonNode problem = problem(refused, (String) c[2]);
            assertThat(problem.path("type").asString()).isEqualTo("urn:lanyard:problem:invalid-json");
            assertThat(problem.path("detail").asString()).as(c[1].toString()).startsWith("'" + c[2] + "' is not a field of this request.");
            assertThat(snapshot(team)).as(c[1] + " changed nothing").isEqualTo(before);
        }
        assertThat(problem(body(put("/api/v1/team/policy"), "{\"idleTimout\":\"PT30M\"}"), "idleTimout").path("detail").asString())
                .isEqualTo("'idleTimout' is not a field of this request. Its fields are: allowRememberMe, atSessionLimit, idleTimeout, "
                        + "lifetimeDays, rememberedDays, requireSecondFactor, sessionLimit.");
    }

    /**
     * A body of only whitespace is an empty body, and one that is JSON but no object (null, an array, a string, a number,
     * true) is not the object every request body is: each said as such, on every operation that reads a JSON body. A
     * blank body was "JSON, but not of the expected shape" and an empty one "missing or is not JSON" (outside review).
     * The receivers' Shared Signals operations authenticate their caller first, and are sent these in SharedSignalsTest;
     * approving or denying a sign-in is for a verified session, which this one is not, and is refused before its body. An
     * operation that reads no body ignores whatever it is sent.
     */
    @Test
    void anEmptyOrBlankBodyIsSaidToBeEmptyAndOneThatIsNoObjectToBeNoneOnEveryOperation() throws Exception {
        String empty = "The request body is empty: send a JSON object with the documented fields.";
        String noObject = "The request body must be a JSON object with the documented fields.";
        List<String> checked = new java.util.ArrayList<>();
        List<String> refusedFirst = new java.util.ArrayList<>();
        json.readTree(contract.document()).path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            JsonNode requestBody = op.getValue().path("requestBody");
            // A body the operation ignores (x-lanyard-ignored: logging out, say) is not read, so it is never refused.
            if (!requestBody.path("content").has("application/json") || requestBody.path("x-lanyard-ignored").asBoolean()
                    || path.getKey().startsWith("/api/v1/ssf/")) return;
            String address = path.getKey().replaceAll("\\{[^}]+}", "x1");
            HttpMethod method = HttpMethod.valueOf(op.getKey().toUpperCase(java.util.Locale.ROOT));
            try {
                if (body(request(method, address), "").getStatus() == 403) {
                    refusedFirst.add(method + " " + path.getKey());
                    return;
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            for (String[] sent : new String[][] {{"", empty}, {"   ", empty}, {" \r\n\t ", empty}, {"null", noObject}, {" [] ", noObject},
                    {"[{}]", noObject}, {"\"x\"", noObject}, {"5", noObject}, {"true", noObject}}) {
                try {
                    MockHttpServletResponse refused = body(request(method, address), sent[0]);
                    assertThat(refused.getStatus()).as(refused.getContentAsString()).isEqualTo(400);
                    assertThat(refused.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
                    JsonNode problem = json.readTree(refused.getContentAsString());
                    assertThat(problem.path("type").asString()).isEqualTo("urn:lanyard:problem:invalid-json");
                    assertThat(problem.path("detail").asString()).isEqualTo(sent[1]);
                    assertThat(problem.has("field")).as("the body as a whole, no field of it").isFalse();
                } catch (Exception | AssertionError e) {
                    throw new AssertionError(method + " " + address + " '" + sent[0] + "'", e);
                }
            }
            checked.add(method + " " + path.getKey());
        }));
        assertThat(checked).contains("PUT /api/v1/team/policy", "POST /api/v1/signup", "POST /api/v1/login", "POST /api/v1/admin/apps");
        assertThat(refusedFirst).allSatisfy(operation -> assertThat(operation).matches("POST /api/v1/sessions/\\{[a-zA-Z]+}/(approve|deny)"));
        MockHttpServletResponse broken = body(put("/api/v1/team/policy"), "  {\"idleTimeout\":");
        assertThat(json.readTree(broken.getContentAsString()).path("detail").asString()).as("broken JSON is still said as such")
                .startsWith("The request body is not valid JSON (line 1, column ");
    }

    /** GET, then PUT or PATCH what it answered: every change operation takes its resource's representation back (decision 14). */
    @Test
    void everyPutAndPatchTakesBackWhatItsGetAnswers() throws Exception {
        String app = json.readTree(body(post("/api/v1/admin/apps"), "{\"name\":\"Wiki\",\"redirectUris\":[\"https://wiki.example.com/cb\"],"
                + "\"type\":\"confidential\",\"scopes\":[\"openid\"]}").getContentAsString()).path("app").path("id").asString();
        String member = "/api/v1/admin/members/" + admin.accountId();
        String[][] pairs = {
                {"/api/v1/team/policy", "PUT", "/api/v1/team/policy"},
                {"/api/v1/sessions/" + admin.sessionId(), "PATCH", "/api/v1/sessions/" + admin.sessionId()},
                {"/api/v1/admin/members", "PATCH", member},
                {member + "/session-limit", "PUT", member + "/session-limit"},
                {member + "/remember-me", "PUT", member + "/remember-me"},
                {"/api/v1/admin/apps/" + app, "PUT", "/api/v1/admin/apps/" + app},
                {"/api/v1/admin/apps/" + app + "/signals", "PUT", "/api/v1/admin/apps/" + app + "/signals"}};
        for (String[] pair : pairs) {
            JsonNode read = json.readTree(as(get(pair[0])).getContentAsString());
            if (read.has("items")) read = read.path("items").path(0); // the member list: the one member, as listed
            MockHttpServletResponse back = body(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request(
                    org.springframework.http.HttpMethod.valueOf(pair[1]), pair[2]), json.writeValueAsString(read));
            assertThat(back.getStatus()).as(pair[1] + " " + pair[2] + ": " + back.getContentAsString()).isEqualTo(200);
        }
    }

    @Test
    void signingInOrUpWithAKeyTheRequestDoesNotDefineIsRefusedAndStartsNoSession() throws Exception {
        var newcomer = TestAccounts.newcomer("carol");
        long sessions = jdbc.sql("SELECT COUNT(*) FROM sessions").query(Long.class).single();
        for (Object[] c : new Object[][] {
                {"/api/v1/signup", Map.of("email", newcomer.email(), "password", newcomer.password(), "name", newcomer.name(),
                        "team", newcomer.team(), "tokenType", "bearer"), "tokenType"},
                {"/api/v1/login", Map.of("email", admin.email(), "password", TestAccounts.PASSWORD, "rememberme", true), "rememberme"},
                {"/api/v1/login/second-factor", Map.of("challenge", "chl_x", "code", "123456", "remember", true), "remember"}}) {
            MockHttpServletResponse refused = mvc.perform(post((String) c[0]).with(ApiClient.from(ApiClient.newAddress()))
                    .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(c[1]))).andReturn().getResponse();
            problem(refused, (String) c[2]);
            assertThat(ApiClient.sessionCookie(refused)).isEmpty();
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM sessions").query(Long.class).single()).isEqualTo(sessions);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM accounts WHERE email = :e").param("e", newcomer.email()).query(Long.class).single())
                .isZero();
    }

    /** An unknown key is refused whatever its value; one inside an object is named by its path (SharedSignalsTest sends one). */
    @Test
    void aKeyTheRequestDoesNotDefineIsRefusedWhateverItsValueAndNamedByItsPath() throws Exception {
        JsonNode problem = problem(body(put("/api/v1/admin/permissions"), "{\"membersSeeSessions\":true,\"extra\":{\"a\":1}}"), "extra");
        assertThat(problem.path("detail").asString()).isEqualTo("'extra' is not a field of this request. Its fields are: membersSeeSessions.");
        assertThat(ErrorAdvice.unknownField("delivery.url", "delivery", List.of("method", "endpoint_url", "authorization_header")))
                .isEqualTo("'delivery.url' is not a field of this request. The fields of 'delivery' are: authorization_header, "
                        + "endpoint_url, method.");
    }

    /** What a refused request could have changed: the team, its people and their rules, sessions, apps, keys, invitations, audit. */
    private String snapshot(String team) {
        StringBuilder out = new StringBuilder();
        out.append(jdbc.sql("SELECT * FROM teams WHERE id = :t").param("t", team).query().listOfRows()).append('\n');
        out.append(jdbc.sql("SELECT id, email, name, role, password_hash, session_limit, remember_me_forbidden, removed_at FROM accounts "
                + "WHERE team_id = :t ORDER BY id").param("t", team).query().listOfRows()).append('\n');
        out.append(jdbc.sql("SELECT s.id, s.name, s.alerts, s.ended_at FROM sessions s JOIN accounts a ON a.id = s.account_id "
                + "WHERE a.team_id = :t ORDER BY s.id").param("t", team).query().listOfRows()).append('\n');
        out.append(jdbc.sql("SELECT * FROM oauth_clients WHERE team_id = :t ORDER BY id").param("t", team).query().listOfRows()).append('\n');
        out.append(jdbc.sql("SELECT * FROM ssf_receivers WHERE team_id = :t").param("t", team).query().listOfRows()).append('\n');
        out.append(jdbc.sql("SELECT k.* FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE a.team_id = :t ORDER BY k.session_id")
                .param("t", team).query().listOfRows()).append('\n');
        out.append(jdbc.sql("SELECT * FROM invitations WHERE team_id = :t ORDER BY id").param("t", team).query().listOfRows()).append('\n');
        out.append(jdbc.sql("SELECT seq, action FROM audit_entries WHERE team_id = :t ORDER BY seq").param("t", team).query().listOfRows());
        return out.toString();
    }

    @Test
    void aJsonStringWithAControlCharacterIsRefusedAndNamesItsField() throws Exception {
        for (String bad : new String[] {"\\u0000", "\\u0007", "\\u007f", "\\ud800\\u0000"}) {
            JsonNode problem = problem(body(patch("/api/v1/sessions/" + admin.sessionId()), "{\"name\":\"Lap" + bad + "top\"}"), "name");
            assertThat(problem.path("detail").asString()).isEqualTo("'name' cannot contain control characters.");
        }
        for (String half : new String[] {"\\ud800", "\\udc00", "\\ud83d\\ud83d"}) {
            JsonNode problem = problem(body(patch("/api/v1/sessions/" + admin.sessionId()), "{\"name\":\"Lap" + half + "top\"}"), "name");
            assertThat(problem.path("detail").asString()).as("outside review AD")
                    .isEqualTo("'name' cannot contain half of a character (an unpaired UTF-16 surrogate).");
        }
        MockHttpServletResponse named = body(patch("/api/v1/sessions/" + admin.sessionId()), "{\"name\":\"Laptop \\ud83d\\udcbb\"}");
        assertThat(named.getStatus()).as("a whole surrogate pair is a character like any other").isEqualTo(200);
    }

    // ---- control characters in parameters and paths

    @Test
    void aControlCharacterInAQueryParameterIsRefusedBeforeItReachesTheDatabase() throws Exception {
        problem(as(get(URI.create("/api/v1/admin/sessions?member=a%00b"))), "member");
        problem(as(get(URI.create("/api/v1/admin/members?member=%01"))), "member");
        problem(as(get(URI.create("/api/v1/audit?actor=ada%00@example.com"))), "actor");
        problem(as(get(URI.create("/api/v1/sessions?cursor=%00"))), "cursor");
        problem(as(get(URI.create("/api/v1/admin/sessions?member=%ED%A0%80"))), "member");
        problem(as(get("/api/v1/admin/sessions").param("member", "a\u0000b")), "member");
        problem(as(get("/api/v1/admin/sessions").param("member", "a\u007fb")), "member");
    }

    @Test
    void aControlCharacterInAPathVariableIsRefused() throws Exception {
        problem(as(get(URI.create("/api/v1/sessions/ses_%01x"))), "path");
        problem(as(get(URI.create("/api/v1/admin/members/acc_%7F/sessions"))), "path");
    }

    @Test
    void aPageWithAControlCharacterInItsAddressSaysWhatIsWrong() throws Exception {
        // Over real HTTP: the message comes from the container's error page, which MockMvc does not render.
        java.net.http.HttpResponse<String> page = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/sessions?member=a%00b"))
                        .header("Cookie", ApiClient.COOKIE + "=" + admin.token()).header("Accept", "text/html").GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("The field \u201cmember\u201d cannot contain control characters");
    }

    /** A form sent over real HTTP as a browser sends it, {@code body} already encoded; the page it gets back. */
    private java.net.http.HttpResponse<String> formOverHttp(String path, String body, String referer, boolean signedIn) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "text/html").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (referer != null) request.header("Referer", referer);
        if (signedIn) request.header("Cookie", ApiClient.COOKIE + "=" + admin.token());
        return java.net.http.HttpClient.newHttpClient().send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A form field with a control character (a NUL, a bell) is refused before anything reads it, as before; the page
     * that says so names the field and leads back to the form it came from (or to the start, signed in or not), not to
     * a sessions list a signed-out person does not have.
     */
    @Test
    void aFormWithAControlCharacterIsRefusedNamingTheFieldWithALinkBackToTheForm() throws Exception {
        String origin = "http://127.0.0.1:" + port;
        var logIn = formOverHttp("/login", "email=nul%40example.com&password=correct+horse%07battery", origin + "/login", false);
        assertThat(logIn.statusCode()).isEqualTo(400);
        assertThat(logIn.body()).contains("The field \u201cpassword\u201d cannot contain control characters")
                .contains("<a href=\"/login\">Back to the form</a>").doesNotContain("Back to your sessions");

        // The key's name is checked with the form's other fields (ChecksControlCharacters); its password is not.
        var keyName = formOverHttp("/settings/api-keys", "name=CI&password=x%00", origin + "/settings/api-keys?cursor=abc", true);
        assertThat(keyName.statusCode()).isEqualTo(400);
        assertThat(keyName.body()).contains("The field \u201cpassword\u201d cannot contain control characters")
                .contains("<a href=\"/settings/api-keys?cursor=abc\">Back to the form</a>");

        for (String elsewhere : new String[]{"https://evil.example/login", "http://127.0.0.1:1/login", "not a URL", null}) {
            var page = formOverHttp("/login", "email=A%00da", elsewhere, false);
            assertThat(page.statusCode()).isEqualTo(400);
            assertThat(page.body()).as("Referer " + elsewhere).contains("<a href=\"/\">Back to the start page</a>")
                    .doesNotContain("evil.example").doesNotContain("Back to your sessions");
        }
    }

    /**
     * A control character in one sign-up field was refused before the others were checked: the API named that field
     * alone, and the page went to the control-character page instead of the form. Now the answer names every field at
     * fault, the control character among them in the words it has everywhere else, and nothing is made.
     */
    @Test
    void aSignUpWithAControlCharacterNamesEveryFieldAtFault() throws Exception {
        String email = TestAccounts.uniqueEmail("ctl");
        for (String[] c : new String[][] {
                {"{'name':'A\\u0000da','email':'not an email','password':'short','team':''}",
                        "name: 'name' cannot contain control characters.", "email: Enter a valid email address.",
                        "password: Use a password of at least 12 characters.", "team: Enter a team name (up to 100 characters)."},
                {"{'name':'','email':'" + email + "','password':'correct horse\\u0007battery','team':'Acme'}",
                        "name: Enter your name (up to 100 characters).", "password: 'password' cannot contain control characters."},
                {"{'name':'Ada','email':'a\\u0000" + email + "','password':'correct horse battery','team':'Ac\\ud800me'}",
                        "email: 'email' cannot contain control characters.",
                        "team: 'team' cannot contain half of a character (an unpaired UTF-16 surrogate)."}}) {
            MockHttpServletResponse refused = mvc.perform(post("/api/v1/signup").with(ApiClient.from(ApiClient.newAddress()))
                    .contentType(MediaType.APPLICATION_JSON).content(ApiClient.quoted(c[0]))).andReturn().getResponse();
            JsonNode problem = problem(refused, c[1].substring(0, c[1].indexOf(':')));
            assertThat(problem.path("type").asString()).isEqualTo("urn:lanyard:problem:invalid-input");
            assertThat(problem.path("errors").valueStream().map(e -> e.path("field").asString() + ": " + e.path("detail").asString())
                    .toList()).as(c[0]).containsExactly(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertThat(ApiClient.sessionCookie(refused)).isEmpty();
        }
        JsonNode alone = problem(mvc.perform(post("/api/v1/signup").with(ApiClient.from(ApiClient.newAddress()))
                .contentType(MediaType.APPLICATION_JSON).content(ApiClient.quoted("{'name':'Ada','email':'" + email
                        + "','password':'correct horse battery','team':'Ac\\u001fme'}"))).andReturn().getResponse(), "team");
        assertThat(alone.path("detail").asString()).as("one field at fault: as before").isEqualTo("'team' cannot contain control characters.");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM accounts WHERE email = :e").param("e", email).query(Integer.class).single())
                .as("nothing was made").isZero();
    }

    /** The page: the form again with every message, what was typed in the other fields kept (never the password). */
    @Test
    void theSignUpPageWithAControlCharacterShowsTheFormWithEveryFieldsError() throws Exception {
        String email = TestAccounts.uniqueEmail("ctl");
        var page = formWithItsTokenOverHttp("/signup", Map.of("name", "A\u0007da", "email", email, "password", "short",
                "team", "Acme \u2013 Labs"));
        assertThat(page.statusCode()).as(page.body()).isEqualTo(400);
        assertThat(page.body()).contains("<form method=\"post\" action=\"/signup\"")
                .contains("<li>Your name cannot contain control characters.</li>", "<li>Use a password of at least 12 characters.</li>")
                .containsPattern("id=\"name\"[^>]*aria-invalid=\"true\"").containsPattern("id=\"password\"[^>]*aria-invalid=\"true\"")
                .containsPattern("id=\"email\"[^>]*value=\"" + java.util.regex.Pattern.quote(email) + "\"")
                .containsPattern("id=\"team\"[^>]*value=\"Acme \u2013 Labs\"")
                .doesNotContain("A\u0007da").doesNotContain("value=\"short\"").doesNotContain("Back to the form");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM accounts WHERE email = :e").param("e", email).query(Integer.class).single()).isZero();

        // Another field than the form's own is still refused before anything reads it.
        var extra = formWithItsTokenOverHttp("/signup", Map.of("name", "Ada", "email", email, "password", "correct horse battery",
                "team", "Acme", "extra", "x\u0000"));
        assertThat(extra.statusCode()).isEqualTo(400);
        assertThat(extra.body()).contains("The field \u201cextra\u201d cannot contain control characters");
    }

    /** Opens the form's page over HTTP, then posts {@code fields} with its CSRF token, as a browser does. */
    private java.net.http.HttpResponse<String> formWithItsTokenOverHttp(String path, Map<String, String> fields) throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        var form = client.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "text/html").GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        var token = java.util.regex.Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"").matcher(form.body());
        assertThat(token.find()).as("a form with a CSRF token").isTrue();
        String cookie = form.headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith("XSRF-TOKEN="))
                .map(h -> h.split(";", 2)[0]).findFirst().orElseThrow();
        java.util.Map<String, String> all = new java.util.LinkedHashMap<>(fields);
        all.put("_csrf", token.group(1));
        String body = String.join("&", all.entrySet().stream().map(e -> e.getKey() + "="
                + java.net.URLEncoder.encode(e.getValue(), java.nio.charset.StandardCharsets.UTF_8)).toList());
        return client.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "text/html").header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookie)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    // ---- query parameters: once each, with a value

    /**
     * {@code ?limit=1&limit=2} answered 200 (the first won), {@code ?filter=all&filter=verified} 400 (the values joined
     * with a comma), {@code ?filter=} all sessions: every query parameter of every operation the document lists is
     * now refused the same way when it is given twice or empty, naming it.
     */
    @Test
    void aQueryParameterGivenTwiceOrWithoutAValueIsRefusedNamingItOnEveryOperation() throws Exception {
        List<String> checked = new java.util.ArrayList<>();
        json.readTree(contract.document()).path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            String template = path.getKey().replaceAll("\\{[^}]+}", "x1");
            for (JsonNode parameter : op.getValue().path("parameters")) {
                if (!parameter.path("in").asString().equals("query")) continue;
                String name = parameter.path("name").asString();
                HttpMethod method = HttpMethod.valueOf(op.getKey().toUpperCase(java.util.Locale.ROOT));
                // A bare "?name" is checked over HTTP below: MockMvc reads it as a null value, which no container sends.
                for (String query : List.of(name + "=1&" + name + "=1", name + "=1&" + name + "=2", name + "=", name + "=+")) {
                    try {
                        JsonNode problem = problem(as(request(method, URI.create(template + "?" + query))), name);
                        assertThat(problem.path("type").asString()).isEqualTo("urn:lanyard:problem:invalid-parameter");
                        assertThat(problem.path("detail").asString()).as(query).contains("'" + name + "'");
                    } catch (Exception e) {
                        throw new AssertionError(method + " " + template + "?" + query, e);
                    }
                }
                checked.add(method + " " + path.getKey() + " " + name);
            }
        }));
        assertThat(checked).contains("GET /api/v1/sessions limit", "GET /api/v1/sessions filter", "DELETE /api/v1/sessions scope",
                "GET /api/v1/audit/export format", "GET /api/v1/ssf/streams stream_id");
    }

    @Test
    void anEncodedOrBareParameterIsRefusedTooAndOneLeftOutTakesItsDefault() throws Exception {
        problem(as(get(URI.create("/api/v1/sessions?lim%69t=1&limit=2"))), "limit");
        problem(as(get(URI.create("/api/v1/sessions?filter=all&cursor=&limit=5"))), "cursor");
        assertThat(as(get(URI.create("/api/v1/sessions?limit=1&filter=verified"))).getStatus()).isEqualTo(200);
        assertThat(as(get(URI.create("/api/v1/sessions"))).getStatus()).isEqualTo(200);
        java.net.http.HttpResponse<String> bare = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/sessions?filter"))
                        .header("Cookie", ApiClient.COOKIE + "=" + admin.token()).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(bare.statusCode()).as(bare.body()).isEqualTo(400);
        assertThat(json.readTree(bare.body()).path("field").asString()).isEqualTo("filter");
        // Pages read forms, whose empty fields mean "none": the rule is the API's.
        assertThat(as(get(URI.create("/settings/sessions?filter=")).accept(MediaType.TEXT_HTML)).getStatus()).isEqualTo(200);
    }

    /**
     * A number in the query is plain decimal digits (outside review): {@code ?limit=0x10} listed 16 items and
     * {@code +1} was taken, as Spring's conversion reads numbers as Java source does; {@code 99999999999} was "not valid"
     * where {@code 0} and {@code -1} were "between 1 and 100". On every operation with a numeric query parameter the
     * document lists, anything but digits is refused saying so, and every number out of range, however large, gets the
     * range's message. The sessions page's own {@code since} is read the same way.
     */
    @Test
    void aNumberInTheQueryIsPlainDecimalDigitsAndAnyOutOfRangeGetsTheRangesMessage() throws Exception {
        List<String> checked = new java.util.ArrayList<>();
        json.readTree(contract.document()).path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            String template = path.getKey().replaceAll("\\{[^}]+}", "x1");
            for (JsonNode parameter : op.getValue().path("parameters")) {
                if (!parameter.path("in").asString().equals("query") || !parameter.path("schema").path("type").asString().equals("integer")) continue;
                String name = parameter.path("name").asString();
                HttpMethod method = HttpMethod.valueOf(op.getKey().toUpperCase(java.util.Locale.ROOT));
                try {
                    for (String notDecimal : List.of("0x10", "#10", "+1", "1e3", " 1", "1 ", "1.5", "--1", "-", "\u0661")) {
                        JsonNode problem = problem(as(request(method, template).queryParam(name, notDecimal)), name);
                        assertThat(problem.path("type").asString()).as(notDecimal).isEqualTo("urn:lanyard:problem:invalid-parameter");
                        assertThat(problem.path("detail").asString()).as(notDecimal).isEqualTo("'" + name + "' must be a whole number, in decimal digits.");
                    }
                    checked.add(method + " " + path.getKey() + " " + name);
                    if (template.contains("x1")) continue; // a list of something named by the path: its lookup comes first
                    for (String outOfRange : List.of("0", "-1", "101", "99999999999", "-99999999999", "9".repeat(40), "-" + "9".repeat(40))) {
                        JsonNode problem = problem(as(request(method, template).queryParam(name, outOfRange)), name);
                        assertThat(problem.path("detail").asString()).as(outOfRange).isEqualTo(name + " must be between 1 and 100.");
                    }
                    assertThat(as(request(method, template).queryParam(name, "7")).getStatus()).as(template + " 7").isEqualTo(200);
                } catch (Exception e) {
                    throw new AssertionError(method + " " + template + " " + name, e);
                }
            }
        }));
        assertThat(checked).contains("GET /api/v1/sessions limit", "GET /api/v1/sessions/history limit", "GET /api/v1/audit limit",
                "GET /api/v1/admin/sessions limit", "GET /api/v1/admin/members limit", "GET /api/v1/api-keys limit",
                "GET /api/v1/admin/members/{member}/api-keys limit");

        MockHttpServletResponse hex = as(get("/settings/sessions/departed").queryParam("arrived", "ses_x").queryParam("since", "0x10"));
        assertThat(hex.getStatus()).as("a page's since in hex").isEqualTo(400);
        MockHttpServletResponse far = as(get("/settings/sessions/departed").queryParam("arrived", "ses_x").queryParam("since", "9".repeat(30)));
        assertThat(far.getStatus()).as("a page's since past the last millisecond a long holds").isEqualTo(200);
    }

    // ---- one cursor rule

    @Test
    void everyListRefusesACursorItDidNotHandOut() throws Exception {
        String[] badCursors = {"!!!", "abc", "bm9jb2xvbg", "A".repeat(600), "YQBi"}; // YQBi is "a\0b"
        for (String list : new String[] {"/api/v1/sessions", "/api/v1/sessions/history", "/api/v1/admin/sessions", "/api/v1/audit",
                "/api/v1/admin/members"}) {
            for (String cursor : badCursors) {
                JsonNode problem = problem(as(get(list).param("cursor", cursor)), "cursor");
                assertThat(problem.path("type").asString()).as(list + " " + cursor).isEqualTo("urn:lanyard:problem:invalid-cursor");
            }
        }
        for (String page : new String[] {"/settings/sessions", "/settings/sessions/history", "/admin/sessions", "/admin/audit"}) {
            MockHttpServletResponse refused = as(get(page).param("cursor", "!!!").accept(MediaType.TEXT_HTML));
            assertThat(refused.getStatus()).as(page).isEqualTo(400);
            assertThat(refused.getContentAsString()).as(page).contains("The cursor is not valid.");
        }
    }

    /**
     * The member lists (the team overview and the members) hand out the email of the page's last member as it is stored:
     * lower case, shaped like an address, in the codec's one spelling. A cursor of anything else, decoded, is not one they
     * gave out: the members list read any text as the email to page after (outside tester).
     */
    @Test
    void aMemberListRefusesACursorThatIsNoEmailAsStored() throws Exception {
        List<String> refused = new java.util.ArrayList<>();
        for (String text : new String[] {"nocolon", "a@b", "@example.com", "ada@", "Ada@Example.com", "a b@example.com",
                "a@b@example.com"}) {
            refused.add(Cursors.encode(text));
        }
        String genuine = Cursors.encode("ada@example.com"); // "YWRhQGV4YW1wbGUuY29t": no slack bits
        String sevenBytes = Cursors.encode("a@b.com"); // "YUBiLmNvbQ": the last character carries 4 unused bits
        refused.add(sevenBytes.substring(0, sevenBytes.length() - 1) + "R"); // the same bytes, spelt otherwise
        for (String list : new String[] {"/api/v1/admin/members", "/api/v1/admin/sessions"}) {
            for (String cursor : refused) {
                JsonNode problem = problem(as(get(list).param("cursor", cursor)), "cursor");
                assertThat(problem.path("type").asString()).as(list + " " + cursor).isEqualTo("urn:lanyard:problem:invalid-cursor");
            }
            assertThat(as(get(list).param("cursor", genuine)).getStatus()).as(list).isEqualTo(200);
            assertThat(as(get(list).param("cursor", sevenBytes)).getStatus()).as(list).isEqualTo(200);
        }
    }

    @Test
    void theTeamOverviewPagesWithTheCursorItHandsOut() throws Exception {
        JsonNode first = json.readTree(as(get("/api/v1/admin/sessions").param("limit", "1")).getContentAsString());
        assertThat(first.path("members")).hasSize(1);
        // One member: no next page; a cursor made of the member's own email pages past them.
        assertThat(first.path("nextCursor").isNull()).isTrue();
        String past = dev.lanyard.session.Cursors.encode(admin.email());
        MockHttpServletResponse after = as(get("/api/v1/admin/sessions").param("cursor", past));
        assertThat(after.getStatus()).isEqualTo(200);
        assertThat(json.readTree(after.getContentAsString()).path("members")).isEmpty();
    }

    // ---- times in range

    @Test
    void anAuditTimeOutsideTheYears1970To9999IsRefusedNamingTheParameter() throws Exception {
        for (String[] bad : new String[][] {{"from", "+300000000-01-01T00:00:00Z"}, {"to", "+300000000-01-01T00:00:00Z"},
                {"from", "-300000000-01-01T00:00:00Z"}, {"from", "1969-12-31T23:59:59Z"}, {"to", "+10000-01-01T00:00:01Z"}}) {
            JsonNode problem = problem(as(get("/api/v1/audit").param(bad[0], bad[1])), bad[0]);
            assertThat(problem.path("detail").asString()).as(bad[1]).contains(bad[0]);
            MockHttpServletResponse export = as(get("/api/v1/audit/export").param(bad[0], bad[1]));
            problem(export, bad[0]);
        }
        assertThat(as(get("/api/v1/audit").param("from", "1970-01-01").param("to", "9999-12-31")).getStatus()).isEqualTo(200);
    }
}
