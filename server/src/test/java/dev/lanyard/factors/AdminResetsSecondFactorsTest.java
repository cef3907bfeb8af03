package dev.lanyard.factors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import java.util.List;
import java.util.Map;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.passkeys.TestPasskeys;
import dev.lanyard.team.TeamClient;
import dev.lanyard.team.TestMail;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An admin's way back for a member whose second factor they cannot use (docs/decisions/0066): "Reset two-factor" on the
 * member's admin page and in the API removes the app, recovery codes and passkeys, signs the member out everywhere (API
 * keys too, as a force sign-out), is audited with the admin and reason, and mails the member.
 */
@LanyardSpringTest(database = TestMail.SqliteWithSmtp.class)
class AdminResetsSecondFactorsTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MutableClock clock;
    @Autowired
    ApplicationContext context;
    @LocalServerPort
    int port;

    private static final java.util.regex.Pattern SECRET = java.util.regex.Pattern.compile("id=\"two-factor-secret\">([A-Z2-7 ]+)<");

    private TeamClient team;

    @BeforeEach
    void clients() {
        team = new TeamClient(mvc, json, jdbc, port);
    }

    /**
     * Turns on an authenticator app for {@code member} with forms posted as a browser does (TeamClient's CSRF token, not
     * spring-security-test's, which would break the join forms of this shared context).
     */
    private void enrol(Member member) throws Exception {
        MvcResult started = team.perform(team.form(post("/settings/security/two-factor/start"), member));
        assertThat(started.getResponse().getStatus()).isEqualTo(302);
        jakarta.servlet.http.Cookie enrolment = started.getResponse().getCookie(EnrolmentCookie.NAME);
        String page = team.perform(team.page(get("/settings/security"), member).cookie(enrolment)).getResponse().getContentAsString();
        java.util.regex.Matcher secret = SECRET.matcher(page);
        assertThat(secret.find()).as(page).isTrue();
        byte[] seed = Base32.decode(secret.group(1)).orElseThrow();
        MvcResult confirmed = team.perform(team.form(post("/settings/security/two-factor/confirm"), member).cookie(enrolment)
                .param("password", TestAccounts.PASSWORD).param("code", Totp.code(seed, Totp.step(clock.instant()))));
        assertThat(confirmed.getResponse().getStatus()).as(confirmed.getResponse().getContentAsString()).isIn(200, 302);
        assertThat(count("totp_factors", member)).isEqualTo(1);
    }

    private String apiKeyOf(Member member) throws Exception {
        MvcResult made = team.perform(team.json(post("/api/v1/api-keys"), member,
                Map.of("password", TestAccounts.PASSWORD, "name", "ci", "scopes", List.of("sessions:read"))));
        assertThat(made.getResponse().getStatus()).as(made.getResponse().getContentAsString()).isEqualTo(201);
        return team.read(made).path("secret").asString();
    }

    private int count(String table, Member member) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table + " WHERE account_id = :a").param("a", member.accountId())
                .query(Integer.class).single();
    }

    private List<String> outbox(Member member, String subject) {
        return TestMail.mailsTo(member.email()).stream().filter(m -> m.subject().equals(subject)).map(TestMail.Mail::body).toList();
    }

    @Test
    void anAdminResetsAMembersAppCodesAndPasskeysSignsThemOutAndTheyAreTold() throws Exception {
        Member admin = team.admin("ada");
        Member mel = team.join(admin, "mel");
        String key = apiKeyOf(mel);
        Member phone = team.anotherDevice(mel);
        // Someone with Mel's password turns on an app Mel has never seen, and a passkey is there too.
        enrol(mel);
        TestPasskeys.add(context, new AccountId(mel.accountId()), "Unknown key");

        String memberPage = team.perform(team.page(get("/admin/members/" + mel.accountId() + "/sessions"), admin))
                .getResponse().getContentAsString();
        assertThat(memberPage).contains("On, with an authenticator app and passkeys.").contains("Reset two-factor");
        String confirm = team.perform(team.page(get("/admin/members/" + mel.accountId() + "/two-factor/reset"), admin))
                .getResponse().getContentAsString();
        assertThat(confirm).contains("all their passkeys").contains("revoke all their API keys").contains("name=\"_csrf\"")
                .contains("name=\"reason\"");

        MockHttpServletResponse noReason = team.perform(team.form(post("/admin/members/" + mel.accountId() + "/two-factor/reset"), admin)
                .param("reason", " ")).getResponse();
        assertThat(noReason.getStatus()).isEqualTo(400);
        assertThat(noReason.getContentAsString()).contains("Give a reason")
                .containsPattern("id=\"reason\"[^>]*aria-invalid=\"true\" aria-describedby=\"reason-error\"")
                .contains("<p id=\"reason-error\" class=\"field-error\">Give a reason.");
        assertThat(count("totp_factors", mel)).as("nothing changed").isEqualTo(1);
        assertThat(team.current(phone).getResponse().getStatus()).isEqualTo(200);

        // A second step Mel had open when the reset comes has nothing left to ask for: it ends, it is no dead end.
        // The login page's own CSRF token (spring-security-test's csrf() would swap the shared chain's repository for good).
        MvcResult loginPage = mvc.perform(get("/login").accept(org.springframework.http.MediaType.TEXT_HTML)).andReturn();
        java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"")
                .matcher(loginPage.getResponse().getContentAsString());
        assertThat(csrf.find()).isTrue();
        MvcResult passwordStep = mvc.perform(post("/login").cookie(loginPage.getResponse().getCookie("XSRF-TOKEN"))
                .with(dev.lanyard.web.ApiClient.from(dev.lanyard.web.ApiClient.newAddress())).param("_csrf", csrf.group(1))
                .param("email", mel.email()).param("password", dev.lanyard.account.TestAccounts.PASSWORD)).andReturn();
        assertThat(passwordStep.getResponse().getRedirectedUrl()).isEqualTo("/login/verify");
        String challenge = TwoFactorClient.challengeCookie(passwordStep.getResponse()).orElseThrow();

        MockHttpServletResponse done = team.perform(team.form(post("/admin/members/" + mel.accountId() + "/two-factor/reset"), admin)
                .param("reason", "Lost phone, asked in person")).getResponse();
        MockHttpServletResponse stale = mvc.perform(get("/login/verify").cookie(TwoFactorClient.challenge(challenge))).andReturn().getResponse();
        assertThat(stale.getStatus()).isEqualTo(401);
        assertThat(stale.getContentAsString()).contains("Log in to Lanyard").doesNotContain("Use one of your passkeys");
        assertThat(done.getStatus()).as(done.getContentAsString()).isEqualTo(302);
        assertThat(done.getRedirectedUrl()).isEqualTo("/admin/members/" + mel.accountId() + "/sessions?done=two-factor-reset");

        assertThat(count("totp_factors", mel)).isZero();
        assertThat(count("recovery_codes", mel)).isZero();
        assertThat(count("passkeys", mel)).isZero();
        assertThat(team.current(mel).getResponse().getStatus()).as("signed out").isEqualTo(401);
        assertThat(team.current(phone).getResponse().getStatus()).as("signed out").isEqualTo(401);
        assertThat(mvc.perform(get("/api/v1/sessions/current").header("Authorization", "Bearer " + key)).andReturn()
                .getResponse().getStatus()).as("API keys end, as with a force sign-out").isEqualTo(401);
        assertThat(team.current(admin).getResponse().getStatus()).isEqualTo(200);

        List<Map<String, Object>> audit = jdbc.sql("""
                SELECT actor_id, detail, ip FROM audit_entries WHERE subject_id = :a AND action = 'admin.two-factor-reset'
                """).param("a", mel.accountId()).query().listOfRows();
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).get("actor_id")).isEqualTo(admin.accountId());
        assertThat((String) audit.get(0).get("detail")).contains("Lost phone, asked in person").contains("the authenticator app")
                .contains("10 recovery codes").contains("“Unknown key”");
        assertThat(outbox(mel, SecondFactorResetMail.SUBJECT)).singleElement().asString()
                .contains("Lost phone, asked in person").contains("Every session of your account was signed out");

        // Mel signs in with the password alone, and a team that requires a second factor holds Mel at enrolment.
        Member back = team.api().logIn(mel);
        assertThat(team.current(back).getResponse().getStatus()).isEqualTo(200);
        MvcResult required = team.perform(team.json(put("/api/v1/team/policy"), admin, Map.of("idleTimeout", "7d",
                "allowRememberMe", true, "rememberedDays", 30, "lifetimeDays", 7, "requireSecondFactor", true)));
        assertThat(required.getResponse().getStatus()).isEqualTo(200);
        JsonNode held = team.read(team.current(back));
        assertThat(held.path("type").asString()).isEqualTo("urn:lanyard:problem:second-factor-required");
    }

    @Test
    void theApiResetsButNotTheAdminThemselfNorAMemberWithoutAny() throws Exception {
        Member admin = team.admin("ada");
        Member mel = team.join(admin, "mel");
        Member tom = team.join(admin, "tom");
        enrol(admin);
        enrol(mel);

        MvcResult own = team.perform(team.json(post("/api/v1/admin/members/" + admin.accountId() + "/two-factor/reset"), admin,
                Map.of("reason", "testing")));
        assertThat(own.getResponse().getStatus()).isEqualTo(409);
        assertThat(own.getResponse().getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(team.read(own).path("type").asString()).isEqualTo("urn:lanyard:problem:own-second-factors");
        assertThat(count("totp_factors", admin)).isEqualTo(1);

        MvcResult none = team.perform(team.json(post("/api/v1/admin/members/" + tom.accountId() + "/two-factor/reset"), admin,
                Map.of("reason", "testing")));
        assertThat(none.getResponse().getStatus()).isEqualTo(409);
        assertThat(team.read(none).path("type").asString()).isEqualTo("urn:lanyard:problem:no-second-factor");
        assertThat(team.current(tom).getResponse().getStatus()).as("nothing ended").isEqualTo(200);

        MvcResult blank = team.perform(team.json(post("/api/v1/admin/members/" + mel.accountId() + "/two-factor/reset"), admin,
                Map.of("reason", "")));
        assertThat(blank.getResponse().getStatus()).isEqualTo(400);
        assertThat(count("totp_factors", mel)).isEqualTo(1);

        MvcResult reset = team.perform(team.json(post("/api/v1/admin/members/" + mel.accountId() + "/two-factor/reset"), admin,
                Map.of("reason", "Lost phone")));
        assertThat(reset.getResponse().getStatus()).as(reset.getResponse().getContentAsString()).isEqualTo(200);
        JsonNode body = team.read(reset);
        assertThat(body.path("authenticatorAppRemoved").asBoolean()).isTrue();
        assertThat(body.path("recoveryCodesRemoved").asInt()).isEqualTo(10);
        assertThat(body.path("passkeysRemoved").size()).isZero();
        assertThat(body.path("ended").asInt()).isEqualTo(1);
        assertThat(count("totp_factors", mel)).isZero();
    }

    @Test
    void aMissingOrBadReasonIsRefusedBeforeWhatTheMemberHasIsLookedAt() throws Exception {
        Member admin = team.admin("ada");
        Member tom = team.join(admin, "tom");
        java.util.List<Map<String, ?>> bodies = java.util.List.of(Map.of(), Map.of("reason", ""), Map.of("reason", "x".repeat(5000)),
                Map.of("reason", "Lost \u202Ephone"));
        for (Map<String, ?> body : bodies) {
            for (Member whom : new Member[] {tom, admin}) {
                MvcResult refused = team.perform(team.json(post("/api/v1/admin/members/" + whom.accountId() + "/two-factor/reset"),
                        admin, body));
                String what = String.valueOf(body).substring(0, Math.min(30, String.valueOf(body).length()));
                assertThat(refused.getResponse().getStatus()).as(what).isEqualTo(400);
                assertThat(team.read(refused).path("field").asString()).as(what).isEqualTo("reason");
            }
        }
        assertThat(team.current(tom).getResponse().getStatus()).as("nothing ended").isEqualTo(200);
    }

    /** The mail about an added sign-in method gives advice a member can follow without the added factor's codes. */
    @Test
    void theSignInMethodMailAdvisesAPasswordChangeAndAnAdminsResetNotTurningItOff() throws Exception {
        Member admin = team.admin("ada");
        Member mel = team.join(admin, "mel");
        enrol(mel);
        assertThat(outbox(mel, SignInMethodMail.SUBJECT)).singleElement().asString()
                .contains("Change your password now").contains("Ask an admin of your team to reset your two-factor authentication")
                .doesNotContain("turn two-factor authentication off there");
    }
}
