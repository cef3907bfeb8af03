package dev.lanyard.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.session.ApiKeyToken;
import dev.lanyard.team.TeamClient;
import dev.lanyard.team.TestMail;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** API keys through the whole security chain (PRODUCT.md A1): scopes, expiry, revocation, and what leaves keys alone. */
@LanyardSpringTest(database = TestMail.SqliteWithSmtp.class)
class ApiKeyApiTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MutableClock clock;
    @Autowired
    ApiKeys keys;
    @Autowired
    AdminScopes adminScopes;
    @Autowired
    dev.lanyard.account.Accounts accounts;
    @LocalServerPort
    int port;

    private TeamClient team;

    @BeforeEach
    void client() {
        team = new TeamClient(mvc, json, jdbc, port);
    }

    private record Key(String id, String secret) {
    }

    private Key create(Member who, Object body) throws Exception {
        MockHttpServletResponse response = team.perform(team.json(post("/api/v1/api-keys"), who,
                body instanceof String ? body : json.writeValueAsString(body))).getResponse();
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(201);
        JsonNode created = json.readTree(response.getContentAsString());
        return new Key(created.path("key").path("id").asString(), created.path("secret").asString());
    }

    private Key createWith(Member who, String... scopes) throws Exception {
        return create(who, Map.of("name", "CI deploy", "scopes", List.of(scopes), "password", TestAccounts.PASSWORD));
    }

    private MockHttpServletResponse withKey(MockHttpServletRequestBuilder request, String secret) throws Exception {
        return team.perform(request.header(HttpHeaders.AUTHORIZATION, "Bearer " + secret)).getResponse();
    }

    private static String type(MockHttpServletResponse response) throws Exception {
        assertThat(response.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        return response.getContentAsString().replaceAll(".*\"type\":\"urn:lanyard:problem:([a-z-]+)\".*", "$1");
    }

    @Test
    void createdKeyHasTheDesignedFormatAndIsShownOnlyOnce() throws Exception {
        Member ada = team.admin("ada");
        Key key = createWith(ada, "sessions:read");
        assertThat(key.secret()).startsWith("lyk_").hasSize(ApiKeyToken.LENGTH);
        assertThat(ApiKeyToken.wellFormed(key.secret())).isTrue();
        String listed = team.perform(team.as(get("/api/v1/api-keys"), ada)).getResponse().getContentAsString();
        assertThat(listed).contains(key.id()).contains(key.secret().substring(0, ApiKeyToken.SHOWN))
                .doesNotContain(key.secret()).doesNotContain(key.secret().substring(ApiKeyToken.SHOWN, ApiKeyToken.SHOWN + 12));
        String stored = jdbc.sql("SELECT token_hash FROM sessions WHERE id = :id").param("id", key.id()).query(String.class).single();
        assertThat(stored).isEqualTo(ApiKeyToken.hash(key.secret())).doesNotContain(key.secret());
    }

    @Test
    void readScopeReadsButCannotEndSessionsManageKeysOrActAsAdmin() throws Exception {
        Member ada = team.admin("ada");
        Member laptop = team.anotherDevice(ada);
        Key key = createWith(ada, "sessions:read");
        assertThat(withKey(get("/api/v1/sessions"), key.secret()).getStatus()).isEqualTo(200);
        MockHttpServletResponse end = withKey(delete("/api/v1/sessions/" + laptop.sessionId()), key.secret());
        assertThat(end.getStatus()).isEqualTo(403);
        assertThat(type(end)).isEqualTo("forbidden");
        assertThat(json.readTree(end.getContentAsString()).path("detail").asString())
                .as("says why: the scope").isEqualTo("This API key may only read (sessions:read): this request needs sessions:write.");
        assertThat(team.current(laptop).getResponse().getStatus()).as("the laptop is still signed in").isEqualTo(200);
        MockHttpServletResponse newKey = withKey(post("/api/v1/api-keys").contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\"more\",\"scopes\":[\"admin\"]}"), key.secret());
        assertThat(newKey.getStatus()).isEqualTo(403);
        assertThat(withKey(delete("/api/v1/api-keys/" + key.id()), key.secret()).getStatus()).as("nor revoke keys").isEqualTo(403);
        MockHttpServletResponse admin = withKey(get("/api/v1/admin/members"), key.secret());
        assertThat(admin.getStatus()).as("an admin's key without admin").isEqualTo(403);
        assertThat(json.readTree(admin.getContentAsString()).path("detail").asString()).as("names the scope the key lacks (outside review AO)")
                .isEqualTo("Only an admin of your team can do this, with an API key that has the admin scope; this key does not have it.");
        for (String path : List.of("/api/v1/admin/apps", "/api/v1/admin/apps/any/signals")) {
            assertThat(json.readTree(withKey(get(path), key.secret()).getContentAsString()).path("detail").asString())
                    .as("the apps and signals modules say it alike: %s", path)
                    .isEqualTo("Only an admin of your team can do this, with an API key that has the admin scope; this key does not have it.");
        }
        assertThat(withKey(post("/api/v1/logout"), key.secret()).getStatus()).isEqualTo(403);
        assertThat(withKey(get("/settings/sessions").accept(MediaType.TEXT_HTML), key.secret()).getStatus())
                .as("a key opens no page").isEqualTo(403);
    }

    /** What no key may do is said as such to an admin's key, not as the admin scope it lacks (the chain refuses it first). */
    @Test
    void anAdminsKeyIsToldKeysCannotChangeAPasswordNotThatItLacksTheAdminScope() throws Exception {
        Member ada = team.admin("ada");
        Key key = createWith(ada, "sessions:read", "sessions:write");
        MockHttpServletResponse change = withKey(post("/api/v1/password").contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(
                Map.of("currentPassword", TestAccounts.PASSWORD, "newPassword", "a brand new passphrase 42"))), key.secret());
        assertThat(change.getStatus()).isEqualTo(403);
        assertThat(type(change)).isEqualTo("forbidden");
        assertThat(json.readTree(change.getContentAsString()).path("detail").asString())
                .isEqualTo("An API key neither logs out nor changes the password: sign in for that.");
    }

    /**
     * OPTIONS and HEAD change nothing: with a key, log out and the password answer them as every path of the API does, and
     * as they do with a session (outside review: 403 "An API key neither logs out nor changes the password"). OPTIONS is
     * 200 with {@code Allow}, even for a key that may only read; HEAD of these POST-only paths 405 with {@code Allow}.
     * Over HTTP: neither answer is in the OpenAPI document, which MockMvc's exchanges are checked against.
     */
    @Test
    void optionsAndHeadAreAnsweredToAKeyAtLogOutAndPasswordAsAtEveryOtherPath() throws Exception {
        Member ada = team.admin("ada");
        Key reader = createWith(ada, "sessions:read");
        Key writer = createWith(ada, "sessions:read", "sessions:write");
        String session = team.api().logInForBearer(ada).token();
        for (String path : List.of("/api/v1/logout", "/api/v1/password")) {
            for (String bearer : List.of(reader.secret(), writer.secret(), session)) {
                java.net.http.HttpResponse<String> options = overHttp("OPTIONS", path, bearer);
                assertThat(options.statusCode()).as(path + ": " + options.body()).isEqualTo(200);
                assertThat(options.headers().firstValue(HttpHeaders.ALLOW).orElse("")).as(path).contains("POST");
                java.net.http.HttpResponse<String> head = overHttp("HEAD", path, bearer);
                assertThat(head.statusCode()).as(path).isEqualTo(405);
                assertThat(head.headers().firstValue(HttpHeaders.ALLOW).orElse("")).as(path).contains("POST");
            }
        }
        assertThat(overHttp("OPTIONS", "/api/v1/sessions", reader.secret()).statusCode()).as("a key that may only read").isEqualTo(200);
        assertThat(withKey(post("/api/v1/logout"), writer.secret()).getStatus()).as("a POST is still refused").isEqualTo(403);
        assertThat(team.current(ada).getResponse().getStatus()).as("signed in still").isEqualTo(200);
    }

    private java.net.http.HttpResponse<String> overHttp(String method, String path, String bearer) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path)).header(HttpHeaders.AUTHORIZATION, "Bearer " + bearer)
                .method(method, java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** A key of the admin scope alone passed no request (admin endpoints need sessions:read or :write too): refused at creation. */
    @Test
    void aKeyOfTheAdminScopeAloneIsRefusedAtCreation() throws Exception {
        Member ada = team.admin("ada");
        MockHttpServletResponse refused = team.perform(team.json(post("/api/v1/api-keys"), ada, json.writeValueAsString(
                Map.of("name", "admin only", "scopes", List.of("admin"), "password", TestAccounts.PASSWORD)))).getResponse();
        assertThat(refused.getStatus()).isEqualTo(400);
        JsonNode problem = json.readTree(refused.getContentAsString());
        assertThat(problem.path("field").asString()).isEqualTo("scopes");
        assertThat(problem.path("detail").asString()).contains("choose one of them as well");
    }

    /** The key's own expiresAt is null without an expiry; its session said 9999-12-31 (outside review AO). */
    @Test
    void aKeyWithoutAnExpiryHasNoneInTheSessionsListEither() throws Exception {
        Member ada = team.admin("ada");
        Key key = createWith(ada, "sessions:read");
        JsonNode listed = json.readTree(team.perform(team.as(get("/api/v1/sessions"), ada)).getResponse().getContentAsString());
        JsonNode asSession = listed.path("items").valueStream().filter(s -> key.id().equals(s.path("id").asString())).findFirst().orElseThrow();
        assertThat(asSession.path("expiresAt").isNull()).as(asSession.toString()).isTrue();
        JsonNode one = json.readTree(team.perform(team.as(get("/api/v1/sessions/" + key.id()), ada)).getResponse().getContentAsString());
        assertThat(one.path("expiresAt").isNull()).isTrue();
    }

    /** A token the server does not know is told apart from no credentials at all (outside review AO). */
    @Test
    void anUnknownBearerTokenIsSaidToBeUnknownHere() throws Exception {
        MockHttpServletResponse unknown = withKey(get("/api/v1/sessions"), "lyk_" + "x".repeat(40));
        assertThat(unknown.getStatus()).isEqualTo(401);
        assertThat(json.readTree(unknown.getContentAsString()).path("detail").asString())
                .startsWith("This bearer token is neither a session token nor an API key of this server");
        MockHttpServletResponse basic = team.perform(get("/api/v1/sessions").header(HttpHeaders.AUTHORIZATION, "Basic YTpi")).getResponse();
        assertThat(basic.getStatus()).isEqualTo(401);
        assertThat(json.readTree(basic.getContentAsString()).path("detail").asString()).startsWith("The API takes a bearer token");
        MockHttpServletResponse empty = team.perform(get("/api/v1/sessions").header(HttpHeaders.AUTHORIZATION, "Bearer")).getResponse();
        assertThat(json.readTree(empty.getContentAsString()).path("detail").asString()).startsWith("The bearer token is empty");
        MockHttpServletResponse none = team.perform(get("/api/v1/sessions")).getResponse();
        assertThat(json.readTree(none.getContentAsString()).path("detail").asString()).isEqualTo("Sign in first.");
    }

    @Test
    void writeScopeNeitherEndsNorChangesAKeyThroughTheSessions() throws Exception {
        Member ada = team.admin("ada");
        Key writer = createWith(ada, "sessions:write");
        Key other = create(ada, Map.of("name", "Admin tooling", "scopes", List.of("admin", "sessions:write"), "password", TestAccounts.PASSWORD));
        for (MockHttpServletRequestBuilder attempt : List.of(delete("/api/v1/sessions/" + other.id()),
                patch("/api/v1/sessions/" + other.id()).contentType(MediaType.APPLICATION_JSON).content("{\"name\":\"Chrome on macOS\"}"),
                patch("/api/v1/sessions/" + writer.id()).contentType(MediaType.APPLICATION_JSON).content("{\"name\":\"Chrome on macOS\"}"))) {
            MockHttpServletResponse refused = withKey(attempt, writer.secret());
            assertThat(refused.getStatus()).as(refused.getContentAsString()).isEqualTo(403);
            assertThat(type(refused)).isEqualTo("api-key-not-allowed");
        }
        assertThat(withKey(get("/api/v1/sessions/current"), other.secret()).getStatus()).as("the other key still works").isEqualTo(200);
        assertThat(jdbc.sql("SELECT name FROM sessions WHERE id IN (:a, :b) ORDER BY name").param("a", writer.id()).param("b", other.id())
                .query(String.class).list()).containsExactly("Admin tooling", "CI deploy");
        assertThat(team.perform(team.as(delete("/api/v1/sessions/" + other.id()), ada)).getResponse().getStatus())
                .as("signed in, the owner ends a key among the sessions").isEqualTo(204);
    }

    /**
     * A key that names itself to the sessions API, by its id or as {@code current}, is told a key ends no key (403), as its
     * logout is refused, not to use Log out (outside review: it was 409 current-session).
     */
    @Test
    void aKeyEndingItselfThroughTheSessionsIsToldAKeyEndsNoKey() throws Exception {
        Member ada = team.admin("ada");
        Key writer = createWith(ada, "sessions:write");
        for (String self : List.of(writer.id(), "current")) {
            MockHttpServletResponse refused = withKey(delete("/api/v1/sessions/" + self), writer.secret());
            assertThat(refused.getStatus()).as(self + ": " + refused.getContentAsString()).isEqualTo(403);
            assertThat(type(refused)).isEqualTo("api-key-not-allowed");
        }
        assertThat(withKey(post("/api/v1/logout"), writer.secret()).getStatus()).as("as its logout is").isEqualTo(403);
        assertThat(withKey(get("/api/v1/sessions/current"), writer.secret()).getStatus()).as("the key still works").isEqualTo(200);
    }

    @Test
    void writeScopeEndsSessionsAndAdminScopeReachesAdminEndpoints() throws Exception {
        Member ada = team.admin("ada");
        Member laptop = team.anotherDevice(ada);
        Key writer = createWith(ada, "sessions:write");
        assertThat(withKey(delete("/api/v1/sessions/" + laptop.sessionId()), writer.secret()).getStatus()).isEqualTo(204);
        assertThat(team.current(laptop).getResponse().getStatus()).isEqualTo(401);
        Key admin = createWith(ada, "admin", "sessions:read");
        assertThat(withKey(get("/api/v1/admin/members"), admin.secret()).getStatus()).isEqualTo(200);
    }

    @Test
    void onlyAdminsGiveTheAdminScopeAndBadInputIsRefused() throws Exception {
        Member ada = team.admin("ada");
        Member mel = team.join(ada, "mel");
        MockHttpServletResponse refused = team.perform(team.json(post("/api/v1/api-keys"), mel,
                "{\"name\":\"x\",\"scopes\":[\"admin\"]}")).getResponse();
        assertThat(refused.getStatus()).isEqualTo(403);
        for (String body : List.of("{\"name\":\"\",\"scopes\":[\"sessions:read\"]}", "{\"name\":\"x\",\"scopes\":[]}",
                "{\"name\":\"x\",\"scopes\":[\"everything\"]}",
                "{\"name\":\"x\",\"scopes\":[\"sessions:read\"],\"expiresAt\":\"2000-01-01T00:00:00Z\"}")) {
            MockHttpServletResponse bad = team.perform(team.json(post("/api/v1/api-keys"), mel, body)).getResponse();
            assertThat(bad.getStatus()).as(body).isEqualTo(400);
            assertThat(type(bad)).isEqualTo("invalid-input");
        }
    }

    /**
     * A key's name, scopes, expiry and password were refused one at a time: the first at fault alone was named, and the
     * next only on the next try. Now each is named at once in {@code errors}, and the password is not checked.
     */
    @Test
    void everyFieldAtFaultIsNamedAtOnce() throws Exception {
        Member ada = team.admin("ada");
        MockHttpServletResponse refused = team.perform(team.json(post("/api/v1/api-keys"), ada, json.writeValueAsString(Map.of(
                "name", " ", "scopes", List.of("sessions:read", "sessions:everything"), "expiresAt", "2000-01-01T00:00:00Z",
                "password", "")))).getResponse();

        assertThat(refused.getStatus()).as(refused.getContentAsString()).isEqualTo(400);
        assertThat(type(refused)).isEqualTo("invalid-input");
        JsonNode problem = json.readTree(refused.getContentAsString());
        assertThat(problem.path("field").asString()).isEqualTo("name");
        assertThat(problem.path("errors").valueStream().map(e -> e.path("field").asString() + ": " + e.path("detail").asString()).toList())
                .containsExactly("name: Give the key a name, so you can recognize it later.",
                        "scopes: Scopes are sessions:read, sessions:write and admin.",
                        "expiresAt: Choose an expiry in the future, or none.",
                        "password: Enter your password: an API key is a way into your account.");
        assertThat(problem.path("detail").asString()).as("every message, for a client that reads only detail")
                .isEqualTo("Give the key a name, so you can recognize it later. Scopes are sessions:read, sessions:write and admin. "
                        + "Choose an expiry in the future, or none. Enter your password: an API key is a way into your account.");

        MockHttpServletResponse missing = team.perform(team.json(post("/api/v1/api-keys"), ada,
                "{\"name\":\"" + "x".repeat(101) + "\",\"password\":\"" + TestAccounts.PASSWORD + "\"}")).getResponse();
        assertThat(json.readTree(missing.getContentAsString()).path("errors").valueStream().map(e -> e.path("field").asString()).toList())
                .containsExactly("name", "scopes");
        MockHttpServletResponse control = team.perform(team.json(post("/api/v1/api-keys"), ada,
                "{\"name\":\"CI\\u0000deploy\",\"scopes\":[],\"password\":\"" + TestAccounts.PASSWORD + "\"}")).getResponse();
        assertThat(json.readTree(control.getContentAsString()).path("errors").valueStream()
                .map(e -> e.path("field").asString() + ": " + e.path("detail").asString()).toList())
                .as("a control character in the name is said with the other fields' errors")
                .containsExactly("name: 'name' cannot contain control characters.", "scopes: Choose at least one scope.");
        MockHttpServletResponse override = team.perform(team.json(post("/api/v1/api-keys"), ada,
                "{\"name\":\"build\u201d \u202eNIMDA\",\"scopes\":[\"sessions:read\"],\"password\":\"" + TestAccounts.PASSWORD + "\"}"))
                .getResponse();
        assertThat(override.getStatus()).isEqualTo(400);
        JsonNode overridden = json.readTree(override.getContentAsString());
        assertThat(overridden.path("field").asString() + ": " + overridden.path("detail").asString())
                .as("a name that would turn the audit log's sentence around (outside review AN)")
                .isEqualTo("name: The name cannot contain characters that change the direction of the text.");
        assertThat(json.readTree(team.perform(team.as(get("/api/v1/api-keys"), ada)).getResponse().getContentAsString())
                .path("items")).as("no key made").isEmpty();
    }

    /**
     * A key's name is counted in characters as a reader sees them, as a session's name is: 60 emoji (120 UTF-16 units) are
     * 60 characters, and 101 are too many (outside review: the 60 were refused as over 100 characters).
     */
    @Test
    void aKeysNameIsCountedInCharactersAnEmojiBeingOne() throws Exception {
        Member ada = team.admin("ada");
        String sixty = "\uD83D\uDD11".repeat(60);
        Key key = create(ada, Map.of("name", sixty, "scopes", List.of("sessions:read"), "password", TestAccounts.PASSWORD));
        assertThat(team.read(team.perform(team.as(get("/api/v1/api-keys/" + key.id()), ada))).path("name").asString()).isEqualTo(sixty);
        Member laptop = team.anotherDevice(ada);
        assertThat(team.perform(team.as(patch("/api/v1/sessions/" + laptop.sessionId()).contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(Map.of("name", sixty))), ada)).getResponse().getStatus())
                .as("as a session's rename takes it").isEqualTo(200);

        MockHttpServletResponse tooLong = team.perform(team.json(post("/api/v1/api-keys"), ada, json.writeValueAsString(Map.of(
                "name", "\uD83D\uDD11".repeat(101), "scopes", List.of("sessions:read"), "password", TestAccounts.PASSWORD)))).getResponse();
        assertThat(tooLong.getStatus()).isEqualTo(400);
        assertThat(json.readTree(tooLong.getContentAsString()).path("detail").asString()).isEqualTo("Use a name of at most 100 characters.");
    }

    @Test
    void malformedOrBadChecksumKeysAreRefusedWithoutALookup() throws Exception {
        Member ada = team.admin("ada");
        Key key = createWith(ada, "sessions:read");
        char last = key.secret().charAt(key.secret().length() - 1);
        String badChecksum = key.secret().substring(0, key.secret().length() - 1) + (last == 'a' ? 'b' : 'a');
        assertThat(ApiKeyToken.wellFormed(badChecksum)).isFalse();
        for (String bad : List.of(badChecksum, "lyk_short", key.secret() + "x", "lyk_" + "!".repeat(49))) {
            MockHttpServletResponse response = withKey(get("/api/v1/sessions"), bad);
            assertThat(response.getStatus()).as(bad).isEqualTo(401);
            assertThat(type(response)).isEqualTo("unauthenticated");
        }
    }

    /** A key outlives a password change, so a copied session is not enough to make one (outside review). */
    @Test
    void creatingAKeyNeedsThePasswordAndMailsTheMember() throws Exception {
        Member ada = team.admin("ada");
        MockHttpServletResponse without = team.perform(team.json(post("/api/v1/api-keys"), ada,
                json.writeValueAsString(Map.of("name", "stolen", "scopes", List.of("sessions:read", "admin"))))).getResponse();
        assertThat(without.getStatus()).isEqualTo(400);
        assertThat(json.readTree(without.getContentAsString()).path("field").asString()).isEqualTo("password");
        MockHttpServletResponse wrong = team.perform(team.json(post("/api/v1/api-keys"), ada,
                json.writeValueAsString(Map.of("name", "stolen", "scopes", List.of("sessions:read"), "password", "a guess of the password")))).getResponse();
        assertThat(wrong.getStatus()).isEqualTo(401);
        // Only a password was asked for (outside review S: the answer spoke of an email too).
        assertThat(json.readTree(wrong.getContentAsString()).path("detail").asString()).isEqualTo("The password is incorrect.");
        assertThat(json.readTree(team.perform(team.as(get("/api/v1/api-keys"), ada)).getResponse().getContentAsString())
                .path("items")).as("no key made").isEmpty();

        createWith(ada, "sessions:read");

        TestMail.Mail mail = TestMail.lastMailTo(ada.email());
        assertThat(mail.subject()).isEqualTo("An API key was created on your Lanyard account");
        assertThat(mail.body()).contains("Name:    \u201cCI deploy\u201d (as it was typed)", "Scopes:  sessions:read", "/settings/api-keys");
    }

    /**
     * A client that accepts no JSON is refused before the key is made (outside QA: the key was made and mailed about,
     * and the client got 406 without its secret).
     */
    @Test
    void aKeyAskedForWithoutAcceptingJsonIsNotMadeNorMailedAbout() throws Exception {
        Member ada = team.admin("ada");
        TestMail.settle();
        int mails = TestMail.mailsTo(ada.email()).size();

        for (String accept : List.of(MediaType.TEXT_HTML_VALUE, "application/xml", "text/*")) {
            MockHttpServletResponse refused = team.perform(team.json(post("/api/v1/api-keys"), ada,
                    json.writeValueAsString(Map.of("name", "CI deploy", "scopes", List.of("sessions:read"), "password", TestAccounts.PASSWORD)))
                    .header(HttpHeaders.ACCEPT, accept)).getResponse();
            assertThat(refused.getStatus()).as(accept).isEqualTo(406);
            assertThat(type(refused)).isEqualTo("not-acceptable");
        }

        assertThat(json.readTree(team.perform(team.as(get("/api/v1/api-keys"), ada)).getResponse().getContentAsString())
                .path("items")).as("no key made").isEmpty();
        TestMail.settle();
        assertThat(TestMail.mailsTo(ada.email())).as("no mail sent").hasSize(mails);
        for (String accept : List.of("*/*", MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                "application/*", "text/html, application/json;q=0.5")) {
            MockHttpServletResponse made = team.perform(team.json(post("/api/v1/api-keys"), ada,
                    json.writeValueAsString(Map.of("name", "CI deploy", "scopes", List.of("sessions:read"), "password", TestAccounts.PASSWORD)))
                    .header(HttpHeaders.ACCEPT, accept)).getResponse();
            assertThat(made.getStatus()).as(accept).isEqualTo(201);
            assertThat(json.readTree(made.getContentAsString()).path("secret").asString()).as(accept).isNotEmpty();
        }
    }

    @Test
    void expiredKeyIsRefused() throws Exception {
        Member ada = team.admin("ada");
        java.time.Instant expiry = clock.instant().plus(Duration.ofHours(2));
        Key key = create(ada, Map.of("name", "short", "scopes", List.of("sessions:read"),
                "expiresAt", expiry.toString(), "password", TestAccounts.PASSWORD));
        assertThat(withKey(get("/api/v1/sessions/current"), key.secret()).getStatus()).isEqualTo(200);
        clock.advance(Duration.ofHours(3));
        MockHttpServletResponse late = withKey(get("/api/v1/sessions/current"), key.secret());
        assertThat(late.getStatus()).isEqualTo(401);
        assertThat(type(late)).isEqualTo("session-ended");
        assertThat(json.readTree(late.getContentAsString()).path("detail").asString()).isEqualTo("This API key has expired.");
        // The audit entry names the key, as a revoked key's does (outside QA: "Unknown device reached its maximum lifetime").
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql(
                "SELECT COUNT(*) FROM audit_entries WHERE session_id = :id AND action = 'session.expired' AND detail LIKE :d")
                .param("id", key.id()).param("d", "API key “short” (lyk_%…) expired")
                .query(Integer.class).single() == 1);
        // Ended by the refused request's check, an hour after it expired: its end is still its expiry, as it read before.
        JsonNode ended = team.read(team.perform(team.as(get("/api/v1/api-keys/" + key.id()), ada)));
        assertThat(ended.path("endReason").asString()).isEqualTo("lifetime-expired");
        assertThat(java.time.Instant.parse(ended.path("revokedAt").asString())).isEqualTo(expiry);
        assertThat(jdbc.sql("SELECT ended_at FROM sessions WHERE id = :id").param("id", key.id()).query(Long.class).single())
                .isEqualTo(expiry.toEpochMilli());
    }

    /**
     * A key past its expiry reads as expired at once, to its owner and to an admin, in the API and on the pages, before the
     * sweep ends its session (outside review: it was listed as active until the sweep, up to a minute); revoking it then
     * leaves it expired.
     */
    @Test
    void aKeyPastItsExpiryReadsAsExpiredBeforeTheSweep() throws Exception {
        Member ada = team.admin("ada");
        Member mel = team.join(ada, "mel");
        java.time.Instant expiry = clock.instant().plus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Key key = create(mel, Map.of("name", "short", "scopes", List.of("sessions:read"), "expiresAt", expiry.toString(),
                "password", TestAccounts.PASSWORD));
        Key lasting = create(mel, Map.of("name", "lasting", "scopes", List.of("sessions:read"), "password", TestAccounts.PASSWORD));
        assertThat(withKey(get("/api/v1/sessions/current"), key.secret()).getStatus()).isEqualTo(200);
        String melsKeys = "/api/v1/admin/members/" + mel.accountId() + "/api-keys";
        assertThat(team.read(team.perform(team.as(get("/api/v1/api-keys"), mel))).path("items")).hasSize(2);

        clock.advance(Duration.ofHours(3));

        assertThat(jdbc.sql("SELECT COUNT(*) FROM sessions WHERE id = :id AND ended_at IS NULL").param("id", key.id())
                .query(Integer.class).single()).as("not swept").isEqualTo(1);
        for (JsonNode items : List.of(team.read(team.perform(team.as(get("/api/v1/api-keys"), mel))).path("items"),
                team.read(team.perform(team.as(get(melsKeys), ada))).path("items"))) {
            assertThat(items).hasSize(1);
            assertThat(items.get(0).path("id").asString()).isEqualTo(lasting.id());
        }
        JsonNode one = team.read(team.perform(team.as(get("/api/v1/api-keys/" + key.id()), mel)));
        assertThat(one.path("active").asBoolean()).isFalse();
        assertThat(one.path("endReason").asString()).isEqualTo("lifetime-expired");
        assertThat(java.time.Instant.parse(one.path("revokedAt").asString())).as("ended when it expired").isEqualTo(expiry);

        String list = team.perform(team.page(get("/settings/api-keys"), mel)).getResponse().getContentAsString();
        assertThat(list).contains("lasting").doesNotContain("href=\"/settings/api-keys/" + key.id() + "\"");
        String details = team.perform(team.page(get("/settings/api-keys/" + key.id()), mel)).getResponse().getContentAsString();
        assertThat(details).doesNotContain("<dd>Active</dd>").doesNotContain("Revoke this key");
        assertThat(team.perform(team.page(get("/settings/api-keys/" + key.id() + "/revoke"), mel)).getResponse().getRedirectedUrl())
                .as("nothing to confirm").isEqualTo("/settings/api-keys/" + key.id());
        String member = team.perform(team.page(get("/admin/members/" + mel.accountId() + "/sessions"), ada)).getResponse().getContentAsString();
        assertThat(member).contains("1 active API key").doesNotContain("/api-keys/" + key.id() + "/revoke");
        assertThat(team.perform(team.page(get("/admin/members/" + mel.accountId() + "/api-keys/" + key.id() + "/revoke"), ada))
                .getResponse().getRedirectedUrl()).isEqualTo("/admin/members/" + mel.accountId() + "/sessions");

        assertThat(team.perform(team.as(delete("/api/v1/api-keys/" + key.id()), mel)).getResponse().getStatus()).isEqualTo(204);
        assertThat(team.perform(team.as(delete(melsKeys + "/" + key.id()), ada)).getResponse().getStatus()).isEqualTo(204);
        assertThat(team.read(team.perform(team.as(get("/api/v1/api-keys/" + key.id()), mel))).path("endReason").asString())
                .as("revoking an expired key leaves it expired").isEqualTo("lifetime-expired");
        assertThat(jdbc.sql("SELECT ended_at FROM sessions WHERE id = :id").param("id", key.id()).query(Long.class).single())
                .as("ended by the revocation, when it expired").isEqualTo(expiry.toEpochMilli());
        assertThat(jdbc.sql("SELECT action FROM audit_entries WHERE session_id = :id AND action <> 'key.created'")
                .param("id", key.id()).query(String.class).list()).as("audited as expired, once").containsExactly("session.expired");
    }

    @Test
    void revokedKeyIsRefusedOnTheVeryNextRequestAndTheAuditLogSaysSo() throws Exception {
        Member ada = team.admin("ada");
        Key key = createWith(ada, "sessions:read");
        assertThat(withKey(get("/api/v1/sessions/current"), key.secret()).getStatus()).as("cached now").isEqualTo(200);
        assertThat(team.perform(team.as(delete("/api/v1/api-keys/" + key.id()), ada)).getResponse().getStatus()).isEqualTo(204);
        MockHttpServletResponse revoked = withKey(get("/api/v1/sessions/current"), key.secret());
        assertThat(revoked.getStatus()).isEqualTo(401);
        assertThat(json.readTree(revoked.getContentAsString()).path("detail").asString())
                .as("not \"signed out from another device\"").isEqualTo("This API key was revoked.");
        assertThat(team.perform(team.as(delete("/api/v1/api-keys/" + key.id()), ada)).getResponse().getStatus())
                .as("revoking again changes nothing").isEqualTo(204);
        List<String> actions = jdbc.sql("SELECT action FROM audit_entries WHERE session_id = :id ORDER BY seq")
                .param("id", key.id()).query(String.class).list();
        assertThat(actions).containsExactly("key.created", "key.revoked");
    }

    @Test
    void loggingOutAllDevicesAndSigningOutOthersKeepKeys() throws Exception {
        Member ada = team.admin("ada");
        Member phone = team.anotherDevice(ada);
        Key key = createWith(ada, "sessions:read");
        assertThat(team.perform(team.as(delete("/api/v1/sessions?scope=others"), ada)).getResponse().getStatus()).isEqualTo(200);
        assertThat(team.current(phone).getResponse().getStatus()).isEqualTo(401);
        assertThat(withKey(get("/api/v1/sessions/current"), key.secret()).getStatus()).isEqualTo(200);
        assertThat(team.perform(team.as(delete("/api/v1/sessions?scope=all"), ada)).getResponse().getStatus()).isEqualTo(200);
        assertThat(team.current(ada).getResponse().getStatus()).isEqualTo(401);
        assertThat(withKey(get("/api/v1/sessions/current"), key.secret()).getStatus()).as("the key stays").isEqualTo(200);
    }

    @Test
    void removingAMemberRevokesTheirKeys() throws Exception {
        Member ada = team.admin("ada");
        Member mel = team.join(ada, "mel");
        Key key = createWith(mel, "sessions:read");
        assertThat(withKey(get("/api/v1/sessions/current"), key.secret()).getStatus()).isEqualTo(200);
        assertThat(team.perform(team.as(delete("/api/v1/admin/members/" + mel.accountId()), ada)).getResponse().getStatus()).isEqualTo(204);
        assertThat(withKey(get("/api/v1/sessions/current"), key.secret()).getStatus()).isEqualTo(401);
    }

    /**
     * Outside review: an admin's key with the admin scope kept it when its owner was made a member (refused on admin
     * endpoints, the scope still there), and reached them again once the owner was made admin again. The scope goes with
     * the role, for good: the key keeps its other scopes and shows them, one made before a key of the admin scope alone
     * was refused is revoked (it could do nothing), and the audit log and the member's activity say why.
     */
    @Test
    void aKeyLosesTheAdminScopeWithItsOwnersAdminRole() throws Exception {
        Member ada = team.admin("ada");
        Member eve = team.join(ada, "eve", "admin");
        Key key = createWith(eve, "sessions:read", "sessions:write", "admin");
        Key reading = createWith(eve, "sessions:read");
        Key adminAlone = createWith(eve, "sessions:read", "admin");
        jdbc.sql("UPDATE api_keys SET scopes = 'admin' WHERE session_id = :id").param("id", adminAlone.id()).update();
        assertThat(withKey(get("/api/v1/admin/members"), key.secret()).getStatus()).as("cached with the admin scope").isEqualTo(200);

        assertThat(team.perform(team.json(patch("/api/v1/admin/members/" + eve.accountId()), ada, Map.of("role", "member")))
                .getResponse().getStatus()).isLessThan(300);

        assertThat(withKey(get("/api/v1/admin/members"), key.secret()).getStatus()).isEqualTo(403);
        assertThat(withKey(get("/api/v1/sessions/current"), key.secret()).getStatus()).as("its other scopes still work").isEqualTo(200);
        JsonNode shown = json.readTree(team.perform(team.as(get("/api/v1/api-keys/" + key.id()), eve)).getResponse().getContentAsString());
        assertThat(shown.path("scopes").toString()).isEqualTo("[\"sessions:read\",\"sessions:write\"]");
        assertThat(team.perform(team.page(get("/settings/api-keys/" + key.id()), eve)).getResponse().getContentAsString())
                .contains("<dt>Scopes</dt><dd>sessions:read, sessions:write</dd>");
        MockHttpServletResponse alone = withKey(get("/api/v1/sessions/current"), adminAlone.secret());
        assertThat(alone.getStatus()).as("a key of the admin scope alone is revoked").isEqualTo(401);
        assertThat(json.readTree(alone.getContentAsString()).path("detail").asString()).isEqualTo("An admin of your team revoked this API key.");
        assertThat(json.readTree(team.perform(team.as(get("/api/v1/api-keys/" + reading.id()), eve)).getResponse().getContentAsString())
                .path("scopes").toString()).as("a key without the admin scope is left alone").isEqualTo("[\"sessions:read\"]");

        String prefix = jdbc.sql("SELECT prefix FROM api_keys WHERE session_id = :id").param("id", key.id()).query(String.class).single();
        assertThat(jdbc.sql("SELECT actor_id || ' ' || action || ': ' || detail FROM audit_entries WHERE session_id IN (:ids)"
                        + " AND action <> 'key.created' ORDER BY seq").param("ids", List.of(key.id(), reading.id(), adminAlone.id()))
                .query(String.class).list()).containsExactlyInAnyOrder(
                ada.accountId() + " key.admin-scope-removed: Removed the admin scope from API key \u201cCI deploy\u201d (" + prefix + "\u2026) of "
                        + eve.email() + ", who is no longer an admin; its scopes are now sessions:read, sessions:write",
                ada.accountId() + " key.revoked: Revoked API key \u201cCI deploy\u201d ("
                        + jdbc.sql("SELECT prefix FROM api_keys WHERE session_id = :id").param("id", adminAlone.id()).query(String.class).single()
                        + "\u2026) of " + eve.email() + ": Its only scope was admin, which its owner no longer has");
        assertThat(team.perform(team.as(get("/api/v1/audit?scope=own&action=key.admin-scope-removed"), eve)).getResponse().getContentAsString())
                .as("in the member's own activity").contains("Removed the admin scope from API key");

        assertThat(team.perform(team.json(patch("/api/v1/admin/members/" + eve.accountId()), ada, Map.of("role", "admin")))
                .getResponse().getStatus()).isLessThan(300);

        assertThat(withKey(get("/api/v1/admin/members"), key.secret()).getStatus()).as("made admin again, the key stays without it").isEqualTo(403);
        assertThat(jdbc.sql("SELECT scopes FROM api_keys WHERE session_id = :id").param("id", key.id()).query(String.class).single())
                .isEqualTo("sessions:read sessions:write");
    }

    /**
     * Keys whose owner was made a member by an earlier build kept the admin scope, as no migration could write the audit
     * entry that says why (decision 0018): Lanyard's regular check takes it as a change of role does, the audit log and
     * the member's activity saying the check found it, and leaves an admin's keys and keys without it alone. With
     * nothing left to do, it changes nothing.
     */
    @Test
    void theRegularCheckTakesTheAdminScopeThatAChangeOfRoleOfAnEarlierBuildLeft() throws Exception {
        Member ada = team.admin("ada");
        Member eve = team.join(ada, "eve", "admin");
        Key key = createWith(eve, "sessions:read", "sessions:write", "admin");
        Key reading = createWith(eve, "sessions:read");
        Key adminAlone = createWith(eve, "sessions:read", "admin");
        jdbc.sql("UPDATE api_keys SET scopes = 'admin' WHERE session_id = :id").param("id", adminAlone.id()).update();
        Key adas = createWith(ada, "sessions:read", "admin");
        // As an earlier build left a change of role: the role changed, the keys untouched.
        jdbc.sql("UPDATE accounts SET role = 'MEMBER' WHERE id = :id").param("id", eve.accountId()).update();

        assertThat(adminScopes.check()).isGreaterThanOrEqualTo(2);

        assertThat(scopes(key)).isEqualTo("sessions:read sessions:write");
        assertThat(scopes(reading)).isEqualTo("sessions:read");
        assertThat(scopes(adas)).as("an admin's key").isEqualTo("admin sessions:read");
        JsonNode alone = json.readTree(team.perform(team.as(get("/api/v1/api-keys/" + adminAlone.id()), eve)).getResponse().getContentAsString());
        assertThat(alone.path("active").asBoolean()).isFalse();
        assertThat(alone.path("endReason").asString()).isEqualTo("admin-revoked");
        String found = "ound by Lanyard's regular check of API keys: its owner was made a member by a version of Lanyard that left the"
                + " scope on keys";
        assertThat(jdbc.sql("SELECT COALESCE(actor_id, 'Lanyard') || ' ' || action || ': ' || detail FROM audit_entries"
                        + " WHERE session_id IN (:ids) AND action <> 'key.created' ORDER BY seq")
                .param("ids", List.of(key.id(), reading.id(), adminAlone.id(), adas.id())).query(String.class).list()).containsExactlyInAnyOrder(
                "Lanyard key.admin-scope-removed: Removed the admin scope from API key \u201cCI deploy\u201d (" + prefix(key) + "\u2026) of "
                        + eve.email() + ", who is no longer an admin; its scopes are now sessions:read, sessions:write. F" + found,
                "Lanyard key.revoked: Revoked API key \u201cCI deploy\u201d (" + prefix(adminAlone) + "\u2026) of " + eve.email()
                        + ": Its only scope was admin, which its owner no longer has; f" + found);
        assertThat(team.perform(team.as(get("/api/v1/audit?scope=own&action=key.admin-scope-removed"), eve)).getResponse().getContentAsString())
                .as("in the member's own activity").contains("Found by Lanyard's regular check");

        assertThat(adminScopes.check()).as("nothing left to do").isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_entries WHERE session_id IN (:ids) AND action <> 'key.created'")
                .param("ids", List.of(key.id(), reading.id(), adminAlone.id(), adas.id())).query(Integer.class).single()).isEqualTo(2);
    }

    private String scopes(Key key) {
        return jdbc.sql("SELECT scopes FROM api_keys WHERE session_id = :id").param("id", key.id()).query(String.class).single();
    }

    private String prefix(Key key) {
        return jdbc.sql("SELECT prefix FROM api_keys WHERE session_id = :id").param("id", key.id()).query(String.class).single();
    }

    /**
     * A key of the admin scope asked for on a request that began before its owner was made a member (its session still
     * carried the admin role) would have kept the scope the change took from the others: the role is checked again, with
     * the team locked as a change of role locks it.
     */
    @Test
    void theAdminScopeIsGivenOnlyByWhoIsAnAdminWhenTheKeyIsMade() throws Exception {
        Member ada = team.admin("ada");
        Member eve = team.join(ada, "eve", "admin");
        dev.lanyard.account.Account asTheSessionHadIt = accounts.find(new dev.lanyard.account.AccountId(eve.accountId())).orElseThrow();
        assertThat(team.perform(team.json(patch("/api/v1/admin/members/" + eve.accountId()), ada, Map.of("role", "member")))
                .getResponse().getStatus()).isLessThan(300);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> keys.create(
                        new dev.lanyard.session.CurrentSession(new dev.lanyard.session.SessionId(eve.sessionId()), asTheSessionHadIt,
                                dev.lanyard.session.AppType.WEB),
                        new ApiKeys.NewApiKey("late", List.of("admin", "sessions:read"), java.util.Optional.empty()),
                        TestAccounts.PASSWORD, eve.address()))
                .isInstanceOf(KeyProblem.Forbidden.class).hasMessage("Only a team admin can create a key with the admin scope.");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM api_keys WHERE account_id = :a").param("a", eve.accountId()).query(Integer.class).single())
                .isZero();
    }

    @Test
    void anAdminSeesAndRevokesTheirMembersKeysButNoOneElseDoes() throws Exception {
        Member ada = team.admin("ada");
        Member mel = team.join(ada, "mel");
        Member tom = team.join(ada, "tom");
        Member otto = team.admin("otto");
        Key key = createWith(mel, "sessions:read");
        assertThat(team.perform(team.as(get("/api/v1/api-keys/" + key.id()), tom)).getResponse().getStatus()).isEqualTo(404);
        assertThat(team.perform(team.as(delete("/api/v1/api-keys/" + key.id()), tom)).getResponse().getStatus()).isEqualTo(404);
        assertThat(team.perform(team.as(get("/api/v1/admin/members/" + mel.accountId() + "/api-keys"), tom)).getResponse().getStatus()).isEqualTo(403);
        assertThat(team.perform(team.as(get("/api/v1/admin/members/" + mel.accountId() + "/api-keys"), otto)).getResponse().getStatus()).isEqualTo(404);
        assertThat(team.perform(team.as(delete("/api/v1/admin/members/" + mel.accountId() + "/api-keys/" + key.id()), otto))
                .getResponse().getStatus()).isEqualTo(404);
        assertThat(withKey(get("/api/v1/sessions/current"), key.secret()).getStatus()).isEqualTo(200);
        String list = team.perform(team.as(get("/api/v1/admin/members/" + mel.accountId() + "/api-keys"), ada)).getResponse().getContentAsString();
        assertThat(list).contains(key.id());
        assertThat(team.perform(team.as(delete("/api/v1/admin/members/" + mel.accountId() + "/api-keys/" + key.id()), ada))
                .getResponse().getStatus()).isEqualTo(204);
        assertThat(withKey(get("/api/v1/sessions/current"), key.secret()).getStatus()).isEqualTo(401);
    }

    @Test
    void usageIsCountedPerHourWithoutAWritePerRequest() throws Exception {
        Member ada = team.admin("ada");
        Key key = createWith(ada, "sessions:read");
        for (int i = 0; i < 3; i++) withKey(get("/api/v1/sessions/current"), key.secret());
        long rows = jdbc.sql("SELECT COUNT(*) FROM session_hourly_requests WHERE session_id = :id").param("id", key.id()).query(Long.class).single();
        assertThat(rows).as("nothing written yet").isZero();
        JsonNode listed = json.readTree(team.perform(team.as(get("/api/v1/api-keys/" + key.id()), ada)).getResponse().getContentAsString());
        assertThat(listed.path("requestsLast24Hours").asLong()).isEqualTo(3);
        assertThat(listed.path("lastUsed").path("ip").asString()).isNotEmpty();
        JsonNode usage = json.readTree(team.perform(team.as(get("/api/v1/api-keys/" + key.id() + "/usage"), ada)).getResponse().getContentAsString());
        assertThat(usage.path("hours")).hasSize(24);
        assertThat(usage.path("hours").get(23).path("requests").asLong()).isEqualTo(3);
    }
}
