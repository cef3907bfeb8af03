package dev.lanyard.session;

import static dev.lanyard.web.ApiClient.bearer;
import static dev.lanyard.web.ApiClient.quoted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TeamPolicy;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.MutableClock;
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
 * PRODUCT.md L5, the concurrent session limit (decision 48), over MockMvc with the whole security
 * chain: set through the policy API and the team settings page, applied to every sign-in.
 */
@LanyardSpringTest
class SessionLimitTest {
    private static final String POLICY = "/api/v1/team/policy";

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    Accounts accounts;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MutableClock clock;
    @Autowired
    Sessions sessions;

    private ApiClient api;
    private Member admin;

    @BeforeEach
    void signUpAnAdmin() throws Exception {
        api = new ApiClient(mvc, json);
        admin = api.signUp("alice");
    }

    private TeamPolicy policy() {
        return accounts.policy(accounts.find(new AccountId(admin.accountId())).orElseThrow().team());
    }

    private MvcResult putPolicy(String limitFields) throws Exception {
        return mvc.perform(put(POLICY).cookie(admin.cookie()).with(admin.from()).contentType(MediaType.APPLICATION_JSON)
                .content(quoted("{'idleTimeout':'7d','allowRememberMe':true,'rememberedDays':30,'lifetimeDays':7" + limitFields + "}")))
                .andReturn();
    }

    private void limit(int sessions, String atLimit) throws Exception {
        MvcResult result = putPolicy(",'sessionLimit':" + sessions + ",'atSessionLimit':'" + atLimit + "'");
        assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(200);
    }

    private int status(Member member) throws Exception {
        return mvc.perform(get("/api/v1/sessions/current").with(bearer(member)).with(member.from())).andReturn().getResponse().getStatus();
    }

    private MvcResult logInForBearer(Member member) throws Exception {
        return mvc.perform(post("/api/v1/login").with(member.from()).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", member.email(), "password", TestAccounts.PASSWORD, "tokenType", "bearer")))).andReturn();
    }

    private String endReason(Member owner, String sessionId) throws Exception {
        MvcResult result = mvc.perform(get("/api/v1/sessions/" + sessionId).cookie(owner.cookie()).with(owner.from())).andReturn();
        return api.read(result).path("endReason").asString();
    }

    private int activeSignIns() {
        return jdbc.sql("SELECT COUNT(*) FROM sessions WHERE account_id = :id AND ended_at IS NULL AND api_key = :no AND app_type <> 'OAUTH'")
                .param("id", admin.accountId()).param("no", false).query(Integer.class).single();
    }

    @Test
    void thePolicyHasNoLimitUntilAnAdminSetsOneAndKeepsItWhenAClientLeavesItOut() throws Exception {
        JsonNode read = api.read(mvc.perform(get(POLICY).cookie(admin.cookie()).with(admin.from())).andReturn());
        assertThat(read.path("sessionLimit").asInt()).isZero();
        assertThat(read.path("atSessionLimit").asString()).isEqualTo("end-oldest");

        limit(3, "refuse");
        assertThat(policy().sessionLimit()).isEqualTo(3);
        assertThat(policy().refuseAtLimit()).isTrue();

        MvcResult without = putPolicy("");
        assertThat(api.read(without).path("sessionLimit").asInt()).as("left out, kept").isEqualTo(3);
        assertThat(api.read(without).path("atSessionLimit").asString()).isEqualTo("refuse");

        limit(0, "end-oldest");
        assertThat(policy().sessionLimit()).isZero();
    }

    @Test
    void theSessionsPageSaysWhatTheLimitIsWhenThereIsOne() throws Exception {
        String page = mvc.perform(get("/settings/sessions").cookie(admin.cookie()).with(admin.from())).andReturn().getResponse().getContentAsString();
        assertThat(page).doesNotContain("id=\"session-limit\"");

        limit(2, "refuse");
        page = mvc.perform(get("/settings/sessions").cookie(admin.cookie()).with(admin.from())).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("Your team allows 2 sessions at once, API keys and connected apps aside: at the limit, "
                + "a new sign-in is refused until one of these is signed out.");
    }

    private MvcResult putMemberLimit(Member caller, String memberId, String limit) throws Exception {
        var request = put("/api/v1/admin/members/" + memberId + "/session-limit").with(caller.from())
                .contentType(MediaType.APPLICATION_JSON).content("{\"sessionLimit\":" + limit + "}");
        // A member from logInForBearer holds a token, not a cookie.
        return mvc.perform(caller.sessionId().equals(admin.sessionId()) ? request.cookie(caller.cookie()) : request.with(bearer(caller)))
                .andReturn();
    }

    @Test
    void aMembersOwnLimitReplacesTheTeamsUntilItIsClearedAndIsAudited() throws Exception {
        limit(1, "end-oldest");
        MvcResult none = putMemberLimit(admin, admin.accountId(), "0");
        assertThat(none.getResponse().getStatus()).as(none.getResponse().getContentAsString()).isEqualTo(200);
        assertThat(api.read(none).path("sessionLimit").asInt()).isZero();
        clock.advance(java.time.Duration.ofSeconds(1));
        api.logInForBearer(admin);
        clock.advance(java.time.Duration.ofSeconds(1));
        api.logInForBearer(admin);
        assertThat(activeSignIns()).as("no limit of their own").isEqualTo(3);

        assertThat(putMemberLimit(admin, admin.accountId(), "2").getResponse().getStatus()).isEqualTo(200);
        clock.advance(java.time.Duration.ofSeconds(1));
        Member last = api.logInForBearer(admin);
        assertThat(activeSignIns()).as("their own limit of 2").isEqualTo(2);
        assertThat(endReason(last, admin.sessionId())).isEqualTo("session-limit");
        // The limit was the member's own, not the team's: neither history nor the audit log says "the team's" (outside review).
        assertThat(mvc.perform(get("/settings/sessions/history").cookie(last.cookie()).with(last.from())).andReturn()
                .getResponse().getContentAsString()).contains("Ended by the session limit").doesNotContain("team&#39;s session limit");
        assertThat(jdbc.sql("SELECT detail FROM audit_entries WHERE action = 'session.limit' AND session_id = :id")
                .param("id", admin.sessionId()).query(String.class).single()).endsWith("to stay within the session limit");

        MvcResult cleared = putMemberLimit(last, admin.accountId(), "null");
        assertThat(cleared.getResponse().getStatus()).isEqualTo(200);
        assertThat(api.read(cleared).path("sessionLimit").isNull()).isTrue();
        clock.advance(java.time.Duration.ofSeconds(1));
        api.logInForBearer(admin);
        assertThat(activeSignIns()).as("the team's limit of 1 again").isEqualTo(1);
        assertThat(jdbc.sql("SELECT detail FROM audit_entries WHERE action = 'team.member-session-limit-changed' AND team_id = :team ORDER BY seq")
                .param("team", accounts.find(new AccountId(admin.accountId())).orElseThrow().team().value())
                .query(String.class).list()).containsExactly(
                "Changed the session limit of " + admin.email() + " from the team's to none",
                "Changed the session limit of " + admin.email() + " from none to 2 sessions",
                "Changed the session limit of " + admin.email() + " from 2 sessions to the team's");
    }

    @Test
    void onlyAnAdminOfTheSameTeamSetsAMembersLimitAndOnlyWithinOneToAHundred() throws Exception {
        Member stranger = api.signUp("bob");
        MvcResult otherTeam = putMemberLimit(admin, stranger.accountId(), "1");
        assertThat(otherTeam.getResponse().getStatus()).isEqualTo(404);
        assertThat(mvc.perform(get("/api/v1/admin/members/" + stranger.accountId() + "/session-limit").cookie(admin.cookie())
                .with(admin.from())).andReturn().getResponse().getStatus()).isEqualTo(404);

        String team = accounts.find(new AccountId(admin.accountId())).orElseThrow().team().value();
        jdbc.sql("UPDATE accounts SET role = 'MEMBER', team_id = :team WHERE id = :id").param("team", team).param("id", stranger.accountId()).update();
        Member member = api.logIn(stranger);
        MvcResult lift = mvc.perform(put("/api/v1/admin/members/" + member.accountId() + "/session-limit").cookie(member.cookie())
                .with(member.from()).contentType(MediaType.APPLICATION_JSON).content("{\"sessionLimit\":100}")).andReturn();
        assertThat(lift.getResponse().getStatus()).as("a member cannot lift their own").isEqualTo(403);

        for (String bad : new String[] {"101", "-1"}) {
            MvcResult result = putMemberLimit(admin, member.accountId(), bad);
            assertThat(result.getResponse().getStatus()).as(bad).isEqualTo(400);
            assertThat(api.read(result).path("field").asString()).isEqualTo("sessionLimit");
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM accounts WHERE session_limit IS NOT NULL AND id IN (:ids)")
                .param("ids", List.of(member.accountId(), admin.accountId())).query(Integer.class).single()).isZero();
    }

    @Test
    void theMembersPageSetsTheirOwnLimit() throws Exception {
        String page = "/admin/members/" + admin.accountId() + "/sessions";
        MvcResult saved = mvc.perform(post("/admin/members/" + admin.accountId() + "/session-limit").cookie(admin.cookie())
                .with(admin.from()).with(csrf()).param("limitChoice", "own").param("sessionLimit", "4")).andReturn();
        assertThat(saved.getResponse().getRedirectedUrl()).isEqualTo(page + "?done=limit-saved");
        String shown = mvc.perform(get(page).cookie(admin.cookie()).with(admin.from())).andReturn().getResponse().getContentAsString();
        assertThat(shown).contains("value=\"4\"").contains("The team allows any number of sessions at once per member.");
        String own = mvc.perform(get("/settings/sessions").cookie(admin.cookie()).with(admin.from())).andReturn().getResponse().getContentAsString();
        assertThat(own).as("the member's sessions page says their own limit").contains("Your team allows 4 sessions at once");

        MvcResult bad = mvc.perform(post("/admin/members/" + admin.accountId() + "/session-limit").cookie(admin.cookie())
                .with(admin.from()).with(csrf()).param("limitChoice", "own").param("sessionLimit", "0")).andReturn();
        assertThat(bad.getResponse().getStatus()).isEqualTo(400);
        assertThat(bad.getResponse().getContentAsString()).contains("Enter a whole number of sessions from 1 to 100, in digits.");
        assertThat(jdbc.sql("SELECT session_limit FROM accounts WHERE id = :id").param("id", admin.accountId())
                .query(Integer.class).single()).as("kept").isEqualTo(4);
    }

    @Test
    void limitsOutsideOneToAHundredAndUnknownChoicesAreRefusedWithTheirField() throws Exception {
        for (String fields : new String[] {",'sessionLimit':101", ",'sessionLimit':-1", ",'atSessionLimit':'kill'", ",'atSessionLimit':''"}) {
            MvcResult result = putPolicy(fields);
            assertThat(result.getResponse().getStatus()).as(fields).isEqualTo(400);
            assertThat(result.getResponse().getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            assertThat(api.read(result).path("field").asString()).as(fields)
                    .isEqualTo(fields.contains("sessionLimit") ? "sessionLimit" : "atSessionLimit");
        }
        assertThat(policy()).isEqualTo(TeamPolicy.DEFAULT);
    }

    @Test
    void aSignInAtTheLimitEndsTheOldestSignInWhichIsToldWhy() throws Exception {
        limit(2, "end-oldest");
        clock.advance(java.time.Duration.ofSeconds(1));
        Member second = api.logInForBearer(admin);
        clock.advance(java.time.Duration.ofSeconds(1));

        Member third = api.logInForBearer(admin);

        assertThat(status(third)).isEqualTo(200);
        assertThat(status(second)).isEqualTo(200);
        MvcResult refused = mvc.perform(get("/api/v1/sessions/current").cookie(admin.cookie()).with(admin.from())).andReturn();
        assertThat(refused.getResponse().getStatus()).as("the first sign-in, the oldest, ended").isEqualTo(401);
        assertThat(api.read(refused).path("type").asString()).isEqualTo("urn:lanyard:problem:session-ended");
        assertThat(api.read(refused).path("detail").asString()).isEqualTo(EndReason.SESSION_LIMIT.notice());
        assertThat(endReason(third, admin.sessionId())).isEqualTo("session-limit");
        assertThat(activeSignIns()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT detail FROM audit_entries WHERE action = 'session.limit' AND session_id = :id")
                .param("id", admin.sessionId()).query(String.class).list())
                .singleElement().asString().contains("session limit");
    }

    @Test
    void apiKeysNeitherCountNorEndAtTheLimit() throws Exception {
        MvcResult created = mvc.perform(post("/api/v1/api-keys").cookie(admin.cookie()).with(admin.from())
                .contentType(MediaType.APPLICATION_JSON).content(quoted("{'name':'ci','scopes':['sessions:read'],'password':'correct horse battery staple'}"))).andReturn();
        assertThat(created.getResponse().getStatus()).as(created.getResponse().getContentAsString()).isEqualTo(201);
        Member key = new Member(admin.email(), api.read(created).path("secret").asString(), "", admin.accountId(), admin.address());
        limit(1, "refuse");

        assertThat(status(key)).as("a key does not fill the one place").isEqualTo(200);
        limit(1, "end-oldest");
        Member next = api.logInForBearer(admin);

        assertThat(status(next)).isEqualTo(200);
        assertThat(status(key)).as("the key is not the oldest sign-in: it is none").isEqualTo(200);
        assertThat(endReason(next, admin.sessionId())).isEqualTo("session-limit");
    }

    @Test
    void aTeamThatRefusesAtTheLimitRefusesTheNewSignInAndKeepsTheOthers() throws Exception {
        limit(1, "refuse");

        MvcResult refused = logInForBearer(admin);

        assertThat(refused.getResponse().getStatus()).as(refused.getResponse().getContentAsString()).isEqualTo(409);
        assertThat(refused.getResponse().getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(api.read(refused).path("type").asString()).isEqualTo("urn:lanyard:problem:session-limit-reached");
        assertThat(api.read(refused).path("detail").asString()).as("with a limit of 1 there is no other session to sign out from")
                .isEqualTo("You may have only one session at once, and you already have it. Sign out on that device first, "
                        + "or ask an admin of your team to sign you out.");
        assertThat(activeSignIns()).isEqualTo(1);
        assertThat(mvc.perform(get("/api/v1/sessions/current").cookie(admin.cookie()).with(admin.from())).andReturn()
                .getResponse().getStatus()).isEqualTo(200);
        // T6, found from outside: the refusal left no entry, the sign-in's transaction rolled back with it.
        JsonNode audit = api.read(mvc.perform(get("/api/v1/audit?action=account.sign-in-failed").cookie(admin.cookie())
                .with(admin.from())).andReturn());
        assertThat(audit.path("items")).hasSize(1);
        assertThat(audit.path("items").get(0).path("detail").asString()).isEqualTo("Sign-in as " + admin.email()
                + " refused: already signed in as many times as allowed at once (1)");
    }

    @Test
    void aRefusalAtALimitOfMoreThanOnePointsToTheOtherSessions() throws Exception {
        limit(2, "refuse");
        api.logInForBearer(admin);

        MvcResult refused = logInForBearer(admin);

        assertThat(refused.getResponse().getStatus()).isEqualTo(409);
        assertThat(api.read(refused).path("detail").asString()).isEqualTo("You already have as many sessions as you may have at "
                + "once (2). Sign out on one of them first, from that device or the sessions page of another, or ask an admin of "
                + "your team to sign you out.");
    }

    @Test
    void theSignInPageSaysWhyItRefused() throws Exception {
        limit(1, "refuse");

        MvcResult page = mvc.perform(post("/login").with(csrf()).with(admin.from())
                .param("email", admin.email()).param("password", TestAccounts.PASSWORD)).andReturn();

        assertThat(page.getResponse().getStatus()).isEqualTo(409);
        assertThat(page.getResponse().getContentAsString()).contains("You may have only one session at once, and you already have it.")
                .contains("ask an admin of your team to sign you out");
        assertThat(ApiClient.sessionCookie(page.getResponse())).isEmpty();
        assertThat(activeSignIns()).isEqualTo(1);
    }

    @Test
    void theTeamSettingsPageSetsTheLimitAndSaysWhatIsWrong() throws Exception {
        MvcResult saved = mvc.perform(post("/admin/settings").cookie(admin.cookie()).with(admin.from()).with(csrf())
                .param("idleTimeout", "7d").param("allowRememberMe", "true").param("rememberedDays", "30").param("lifetimeDays", "7")
                .param("sessionLimit", "3").param("atSessionLimit", "refuse")).andReturn();
        assertThat(saved.getResponse().getRedirectedUrl()).isEqualTo("/admin/settings?done=saved");
        assertThat(policy().sessionLimit()).isEqualTo(3);
        assertThat(policy().refuseAtLimit()).isTrue();
        String shown = mvc.perform(get("/admin/settings").cookie(admin.cookie()).with(admin.from())).andReturn().getResponse().getContentAsString();
        assertThat(shown).contains("name=\"sessionLimit\"").contains("value=\"3\"");

        MvcResult bad = mvc.perform(post("/admin/settings").cookie(admin.cookie()).with(admin.from()).with(csrf())
                .param("idleTimeout", "7d").param("allowRememberMe", "true").param("rememberedDays", "30").param("lifetimeDays", "7")
                .param("sessionLimit", "many")).andReturn();
        assertThat(bad.getResponse().getStatus()).isEqualTo(400);
        assertThat(bad.getResponse().getContentAsString()).contains("Enter a whole number of sessions");

        mvc.perform(post("/admin/settings").cookie(admin.cookie()).with(admin.from()).with(csrf())
                .param("idleTimeout", "7d").param("allowRememberMe", "true").param("rememberedDays", "30").param("lifetimeDays", "7")
                .param("sessionLimit", "")).andReturn();
        assertThat(policy().sessionLimit()).as("empty is no limit").isZero();
        assertThat(policy().refuseAtLimit()).isFalse();
    }

    @Test
    void signInsAtTheSameTimeNeverLeaveMoreThanTheLimit() throws Exception {
        limit(1, "end-oldest");
        // Straight to the service, past the password hash that would space them out: 24 sign-ins of one
        // member, 8 at a time, released together. Without the member's row lock, PostgreSQL lets several
        // count the same rows and keep more than one; SQLite refuses the later writers of a stale read.
        int attempts = 24;
        AccountId owner = new AccountId(admin.accountId());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        try {
            List<Future<Sessions.Started>> results = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                Callable<Sessions.Started> signIn = () -> {
                    go.await();
                    return sessions.signIn(new NewSession(owner, TestSessions.madrid(), AppType.WEB, false), java.util.Optional.empty());
                };
                results.add(pool.submit(signIn));
            }
            go.countDown();
            for (Future<Sessions.Started> result : results) assertThat(result.get().session().account()).isEqualTo(owner);
        } finally {
            pool.shutdownNow();
        }
        assertThat(activeSignIns()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM sessions WHERE account_id = :id AND end_reason = :reason")
                .param("id", admin.accountId()).param("reason", "SESSION_LIMIT").query(Integer.class).single())
                .as("the first sign-in and every one but the last").isEqualTo(attempts);
    }

    /**
     * A member's own limit on their page is decimal digits, as the team's is: {@code +4}, {@code " 4"} and digits of other
     * scripts were taken (outside review). Refused, the page says so and marks the field; the limit stays as it was. In
     * the API a number is a JSON number: a string, a fraction or an exponent is refused naming the field.
     */
    @Test
    void aMembersOwnLimitIsDecimalDigitsOnTheirPageAndAJsonWholeNumberInTheApi() throws Exception {
        String page = "/admin/members/" + admin.accountId() + "/session-limit";
        for (String typed : new String[] {"+4", " 4", "4 ", "\u0664", "4.0", "0x4", ""}) {
            MvcResult refused = mvc.perform(post(page).cookie(admin.cookie()).with(admin.from()).with(csrf())
                    .param("limitChoice", "own").param("sessionLimit", typed)).andReturn();
            assertThat(refused.getResponse().getStatus()).as("'" + typed + "'").isEqualTo(400);
            assertThat(refused.getResponse().getContentAsString()).as(typed)
                    .contains("Enter a whole number of sessions from 1 to 100, in digits.")
                    .containsPattern("id=\"memberSessionLimit\"[^>]*aria-invalid=\"true\" aria-describedby=\"memberSessionLimit-error\"")
                    .contains("<p id=\"memberSessionLimit-error\" class=\"field-error\">Enter a whole number of sessions from 1 to 100, in digits.</p>");
        }
        MvcResult huge = mvc.perform(post(page).cookie(admin.cookie()).with(admin.from()).with(csrf())
                .param("limitChoice", "own").param("sessionLimit", "99999999999")).andReturn();
        assertThat(huge.getResponse().getStatus()).isEqualTo(400);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM accounts WHERE id = :id AND session_limit IS NOT NULL").param("id", admin.accountId())
                .query(Integer.class).single()).as("nothing saved").isZero();

        for (String bad : new String[] {"\"4\"", "4.0", "4.5", "4e0", "true", "\"+4\""}) {
            MvcResult result = putMemberLimit(admin, admin.accountId(), bad);
            assertThat(result.getResponse().getStatus()).as(bad).isEqualTo(400);
            assertThat(result.getResponse().getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            assertThat(api.read(result).path("field").asString()).as(bad).isEqualTo("sessionLimit");
            assertThat(api.read(result).path("detail").asString()).as(bad).isEqualTo("'sessionLimit' must be a whole number.");
        }
        assertThat(putMemberLimit(admin, admin.accountId(), "4").getResponse().getStatus()).isEqualTo(200);
    }
}
