package dev.lanyard.session;

import static dev.lanyard.web.ApiClient.bearer;
import static dev.lanyard.web.ApiClient.quoted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * PRODUCT.md L3's high-security account (decision 48): an admin forbids "Remember me" for one member,
 * whose sessions then last no longer than the team's other sessions, open ones included, whatever
 * later team policy changes say, until the admin allows it again.
 */
@LanyardSpringTest
class HighSecurityAccountTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    Accounts accounts;
    @Autowired
    JdbcClient jdbc;

    private ApiClient api;
    private Member admin;

    @BeforeEach
    void signUpAnAdmin() throws Exception {
        api = new ApiClient(mvc, json);
        admin = api.signUp("alice");
    }

    private Member rememberedSignIn() throws Exception {
        MvcResult result = mvc.perform(post("/api/v1/login").with(admin.from()).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", admin.email(), "password", TestAccounts.PASSWORD, "tokenType", "bearer",
                        "rememberMe", true)))).andReturn();
        assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(201);
        JsonNode body = api.read(result);
        return new Member(admin.email(), body.path("token").asString(), body.path("session").path("id").asString(),
                admin.accountId(), admin.address());
    }

    /** How long the session lasts from its creation, as the API tells its owner. */
    private Duration lifetime(Member session) throws Exception {
        JsonNode json = api.read(mvc.perform(get("/api/v1/sessions/current").with(bearer(session)).with(session.from())).andReturn());
        return Duration.between(Instant.parse(json.path("createdAt").asString()), Instant.parse(json.path("expiresAt").asString()));
    }

    private MvcResult forbid(Member caller, String memberId, String body) throws Exception {
        return mvc.perform(put("/api/v1/admin/members/" + memberId + "/remember-me").cookie(caller.cookie()).with(caller.from())
                .contentType(MediaType.APPLICATION_JSON).content(body)).andReturn();
    }

    @Test
    void aHighSecurityAccountsSessionsLastNoLongerThanTheTeamsOthersUntilAllowedAgain() throws Exception {
        Member remembered = rememberedSignIn();
        assertThat(lifetime(remembered)).isEqualTo(Duration.ofDays(30));

        MvcResult forbidden = forbid(admin, admin.accountId(), "{\"forbidden\":true}");
        assertThat(forbidden.getResponse().getStatus()).as(forbidden.getResponse().getContentAsString()).isEqualTo(200);
        assertThat(api.read(forbidden).path("forbidden").asBoolean()).isTrue();
        assertThat(lifetime(remembered)).as("the open session, shortened").isEqualTo(Duration.ofDays(7));
        assertThat(lifetime(rememberedSignIn())).as("a new one, ticked or not").isEqualTo(Duration.ofDays(7));

        MvcResult policy = mvc.perform(put("/api/v1/team/policy").cookie(admin.cookie()).with(admin.from()).contentType(MediaType.APPLICATION_JSON)
                .content(quoted("{'idleTimeout':'7d','allowRememberMe':true,'rememberedDays':60,'lifetimeDays':5}"))).andReturn();
        assertThat(policy.getResponse().getStatus()).isEqualTo(200);
        assertThat(lifetime(remembered)).as("a team policy change does not give it back").isEqualTo(Duration.ofDays(5));

        assertThat(forbid(admin, admin.accountId(), "{\"forbidden\":false}").getResponse().getStatus()).isEqualTo(200);
        assertThat(lifetime(remembered)).as("allowed again, as the team allows").isEqualTo(Duration.ofDays(60));
        assertThat(jdbc.sql("SELECT detail FROM audit_entries WHERE action = 'team.member-remember-me-changed' AND team_id = :team ORDER BY seq")
                .param("team", accounts.find(new AccountId(admin.accountId())).orElseThrow().team().value())
                .query(String.class).list()).containsExactly(
                "Made " + admin.email() + " a high-security account: \u201cRemember me\u201d is not allowed",
                "Allowed \u201cRemember me\u201d for " + admin.email() + " again, as the team allows");
    }

    @Test
    void onlyAnAdminOfTheSameTeamMakesAHighSecurityAccount() throws Exception {
        Member stranger = api.signUp("bob");
        assertThat(forbid(admin, stranger.accountId(), "{\"forbidden\":true}").getResponse().getStatus()).isEqualTo(404);
        assertThat(mvc.perform(get("/api/v1/admin/members/" + stranger.accountId() + "/remember-me").cookie(admin.cookie())
                .with(admin.from())).andReturn().getResponse().getStatus()).isEqualTo(404);

        String team = accounts.find(new AccountId(admin.accountId())).orElseThrow().team().value();
        jdbc.sql("UPDATE accounts SET role = 'MEMBER', team_id = :team WHERE id = :id").param("team", team).param("id", stranger.accountId()).update();
        Member member = api.logIn(stranger);
        assertThat(forbid(member, admin.accountId(), "{\"forbidden\":true}").getResponse().getStatus()).isEqualTo(403);
        MvcResult missing = forbid(admin, member.accountId(), "{}");
        assertThat(missing.getResponse().getStatus()).isEqualTo(400);
        assertThat(api.read(missing).path("field").asString()).isEqualTo("forbidden");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM accounts WHERE remember_me_forbidden = :yes AND id IN (:ids)").param("yes", true)
                .param("ids", java.util.List.of(admin.accountId(), member.accountId())).query(Integer.class).single()).isZero();
    }

    @Test
    void theMembersPageMakesAHighSecurityAccount() throws Exception {
        String page = "/admin/members/" + admin.accountId() + "/sessions";
        assertThat(mvc.perform(get(page).cookie(admin.cookie()).with(admin.from())).andReturn().getResponse().getContentAsString())
                .contains("Don't allow “Remember me” for this member").doesNotContain("name=\"forbidden\" value=\"true\" checked");

        MvcResult saved = mvc.perform(post("/admin/members/" + admin.accountId() + "/remember-me").cookie(admin.cookie())
                .with(admin.from()).with(csrf()).param("forbidden", "true")).andReturn();

        assertThat(saved.getResponse().getRedirectedUrl()).isEqualTo(page + "?done=remember-me-saved");
        assertThat(mvc.perform(get(page).cookie(admin.cookie()).with(admin.from())).andReturn().getResponse().getContentAsString())
                .contains("name=\"forbidden\" value=\"true\" checked");
        assertThat(jdbc.sql("SELECT remember_me_forbidden FROM accounts WHERE id = :id").param("id", admin.accountId())
                .query(Boolean.class).single()).isTrue();
    }
}
