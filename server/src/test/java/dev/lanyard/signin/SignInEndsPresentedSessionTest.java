package dev.lanyard.signin;

import static dev.lanyard.web.ApiClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.Map;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 8 item 14: a new sign-in ends the session the request presented (ASVS 5.0 V7.2.4), and the
 * sign-in email has the same length limit as sign-up's.
 */
@LanyardSpringTest
class SignInEndsPresentedSessionTest {
    private static final String LONG_EMAIL = "a".repeat(64) + "@" + "b".repeat(185) + ".test"; // 255 characters

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    private ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(mvc, json);
    }

    private MvcResult apiLogin(Member who, String password, MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.with(ApiClient.from(ApiClient.newAddress())).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", who.email(), "password", password)))).andReturn();
    }

    /** The state of a session as its own holder sees it: 200 while active, else 401. */
    private int currentWith(Member session, boolean asBearer) throws Exception {
        MockHttpServletRequestBuilder request = get("/api/v1/sessions/current");
        return mvc.perform(asBearer ? request.with(bearer(session)) : request.cookie(session.cookie())).andReturn().getResponse().getStatus();
    }

    private JsonNode history(Member owner) throws Exception {
        return api.read(mvc.perform(get("/api/v1/sessions/history").cookie(owner.cookie())).andReturn());
    }

    @Test
    void apiLoginWithASessionCookieEndsThatSessionAsSignedOut() throws Exception {
        Member alice = api.signUp("alice");

        MvcResult login = apiLogin(alice, TestAccounts.PASSWORD, post("/api/v1/login").cookie(alice.cookie()));

        assertThat(login.getResponse().getStatus()).isEqualTo(201);
        assertThat(currentWith(alice, false)).isEqualTo(401);
        Member fresh = new Member(alice.email(), ApiClient.sessionCookie(login.getResponse()).orElseThrow(),
                api.read(login).path("session").path("id").asString(), alice.accountId(), alice.address());
        assertThat(currentWith(fresh, false)).isEqualTo(200);
        assertThat(history(fresh).path("items")).anySatisfy(ended -> {
            assertThat(ended.path("id").asString()).isEqualTo(alice.sessionId());
            assertThat(ended.path("endReason").asString()).isEqualTo("signed-out");
        });
    }

    @Test
    void apiLoginWithABearerTokenEndsThatSession() throws Exception {
        Member alice = api.signUp("alice");
        Member cli = api.logInForBearer(alice);

        MvcResult login = apiLogin(alice, TestAccounts.PASSWORD, post("/api/v1/login").with(bearer(cli)));

        assertThat(login.getResponse().getStatus()).isEqualTo(201);
        assertThat(currentWith(cli, true)).isEqualTo(401);
        assertThat(currentWith(alice, false)).as("sessions not presented stay").isEqualTo(200);
    }

    @Test
    void aFailedLoginLeavesThePresentedSessionAlone() throws Exception {
        Member alice = api.signUp("alice");

        MvcResult login = apiLogin(alice, "not the password at all", post("/api/v1/login").cookie(alice.cookie()));

        assertThat(login.getResponse().getStatus()).isEqualTo(401);
        assertThat(currentWith(alice, false)).isEqualTo(200);
    }

    @Test
    void signingUpInABrowserWhereSomeoneIsSignedInEndsTheirSession() throws Exception {
        Member bob = api.signUp("bob");
        var newcomer = TestAccounts.newcomer("carol");

        MvcResult signUp = mvc.perform(post("/api/v1/signup").cookie(bob.cookie()).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", newcomer.email(), "password", newcomer.password(), "name", newcomer.name(),
                        "team", newcomer.team())))).andReturn();

        assertThat(signUp.getResponse().getStatus()).isEqualTo(201);
        assertThat(currentWith(bob, false)).isEqualTo(401);
    }

    @Test
    void theLoginFormEndsThePresentedSession() throws Exception {
        Member alice = api.signUp("alice");

        MvcResult login = mvc.perform(post("/login").with(csrf()).with(ApiClient.from(ApiClient.newAddress()))
                .cookie(alice.cookie()).param("email", alice.email()).param("password", TestAccounts.PASSWORD)).andReturn();

        assertThat(login.getResponse().getStatus()).isEqualTo(302);
        assertThat(ApiClient.sessionCookie(login.getResponse())).hasValueSatisfying(c -> assertThat(c).isNotEqualTo(alice.token()));
        assertThat(currentWith(alice, false)).isEqualTo(401);
    }

    @Test
    void acceptingAnInvitationInABrowserWhereSomeoneIsSignedInEndsTheirSession() throws Exception {
        Member admin = api.signUp("admin");
        String email = TestAccounts.uniqueEmail("invited");
        MvcResult invited = mvc.perform(post("/api/v1/admin/invitations").cookie(admin.cookie()).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", email, "role", "member")))).andReturn();
        assertThat(invited.getResponse().getStatus()).isEqualTo(201);
        String body = jdbc.sql("SELECT body FROM outbox WHERE recipient = :to").param("to", email).query(String.class).single();
        java.util.regex.Matcher link = java.util.regex.Pattern.compile("/invite/([A-Za-z0-9_-]+)").matcher(body);
        assertThat(link.find()).isTrue();

        MvcResult accepted = mvc.perform(post("/invite/" + link.group(1)).with(csrf()).cookie(admin.cookie())
                .param("name", "Invited").param("password", TestAccounts.PASSWORD)).andReturn();

        assertThat(accepted.getResponse().getStatus()).isEqualTo(302);
        assertThat(currentWith(admin, false)).isEqualTo(401);
    }

    @Test
    void anApiKeyPresentedToSignUpOrLoginIsNotEnded() throws Exception {
        Member alice = api.signUp("alice");
        MvcResult created = mvc.perform(post("/api/v1/api-keys").cookie(alice.cookie()).with(ApiClient.from(alice.address()))
                .contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("name", "CI", "scopes", java.util.List.of("sessions:read"), "password", TestAccounts.PASSWORD)))).andReturn();
        assertThat(created.getResponse().getStatus()).as(created.getResponse().getContentAsString()).isEqualTo(201);
        String key = api.read(created).path("secret").asString();
        var newcomer = TestAccounts.newcomer("dora");

        MvcResult signUp = mvc.perform(post("/api/v1/signup").header("Authorization", "Bearer " + key)
                .with(ApiClient.from(ApiClient.newAddress())).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", newcomer.email(), "password", newcomer.password(), "name", newcomer.name(),
                        "team", newcomer.team())))).andReturn();
        MvcResult login = apiLogin(alice, TestAccounts.PASSWORD, post("/api/v1/login").header("Authorization", "Bearer " + key));

        assertThat(signUp.getResponse().getStatus()).isEqualTo(201);
        assertThat(login.getResponse().getStatus()).isEqualTo(201);
        assertThat(mvc.perform(get("/api/v1/sessions/current").header("Authorization", "Bearer " + key)).andReturn()
                .getResponse().getStatus()).as("a key is no sign-in that a new one replaces").isEqualTo(200);
    }

    @Test
    void anEmailLongerThan254CharactersIsABadRequestNamingTheField() throws Exception {
        assertThat(LONG_EMAIL).hasSize(255);

        MvcResult result = mvc.perform(post("/api/v1/login").with(ApiClient.from(ApiClient.newAddress()))
                .contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", LONG_EMAIL, "password", TestAccounts.PASSWORD)))).andReturn();

        assertThat(result.getResponse().getStatus()).isEqualTo(400);
        assertThat(result.getResponse().getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        JsonNode problem = api.read(result);
        assertThat(problem.path("field").asString()).isEqualTo("email");
        assertThat(problem.path("detail").asString()).isEqualTo("Use an email address of at most 254 characters.");
    }

    @Test
    void theLoginPageSaysWhenTheEmailIsTooLong() throws Exception {
        MvcResult result = mvc.perform(post("/login").with(csrf()).with(ApiClient.from(ApiClient.newAddress()))
                .param("email", LONG_EMAIL).param("password", TestAccounts.PASSWORD)).andReturn();

        assertThat(result.getResponse().getStatus()).isEqualTo(400);
        assertThat(result.getResponse().getContentAsString()).contains("Use an email address of at most 254 characters.");
    }
}
