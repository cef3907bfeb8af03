package dev.lanyard.team;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import java.util.Map;
import java.util.regex.Pattern;

import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.json.JsonMapper;

/**
 * The session-list permission (PRODUCT.md T5): when admins restrict it, members see only their
 * current session, are told why, and can still log out; admins are never restricted.
 */
@LanyardSpringTest(database = TestMail.SqliteWithSmtp.class)
class RestrictedSessionListTest {
    private static final String RESTRICTED = "Your team's admins have restricted the session list. You can still see this session and log out.";
    private static final Pattern CARD = Pattern.compile("<article class=\"card");

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
    private Member mel;
    private Member melsPhone;

    @BeforeEach
    void aTeamWithAMemberOnTwoDevices() throws Exception {
        team = new TeamClient(mvc, json, jdbc, port);
        admin = team.admin("ada");
        team.anotherDevice(admin);
        mel = team.join(admin, "mel");
        melsPhone = team.anotherDevice(mel);
    }

    private MvcResult permit(boolean membersSeeSessions) throws Exception {
        MvcResult result = team.perform(team.json(put("/api/v1/admin/permissions"), admin, Map.of("membersSeeSessions", membersSeeSessions)));
        assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(200);
        return result;
    }

    private MvcResult api(Member who, String path) throws Exception {
        return team.perform(team.as(get(path), who));
    }

    private void assertRestricted(MvcResult result) throws Exception {
        String body = result.getResponse().getContentAsString();
        assertThat(result.getResponse().getStatus()).as(body).isEqualTo(403);
        assertThat(result.getResponse().getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(team.read(result).path("type").asString()).isEqualTo("urn:lanyard:problem:session-list-restricted");
        assertThat(team.read(result).path("detail").asString()).isEqualTo(RESTRICTED);
    }

    private static long cards(String html) {
        return CARD.matcher(html).results().count();
    }

    @Test
    void aRestrictedMemberCannotListSessionsButStillSeesTheCurrentOne() throws Exception {
        MvcResult saved = permit(false);
        assertThat(team.read(saved).path("membersSeeSessions").asBoolean()).isFalse();

        assertRestricted(api(mel, "/api/v1/sessions"));
        assertRestricted(api(mel, "/api/v1/sessions/history"));
        assertRestricted(api(mel, "/api/v1/sessions/" + melsPhone.sessionId()));
        assertRestricted(team.perform(team.as(delete("/api/v1/sessions/" + melsPhone.sessionId()), mel)));
        assertRestricted(team.perform(team.as(delete("/api/v1/sessions").param("scope", "others"), mel)));
        MvcResult current = api(mel, "/api/v1/sessions/current");
        assertThat(current.getResponse().getStatus()).isEqualTo(200);
        assertThat(team.read(current).path("id").asString()).isEqualTo(mel.sessionId());
        assertThat(api(mel, "/api/v1/sessions/" + mel.sessionId()).getResponse().getStatus())
                .as("the current session by its id").isEqualTo(200);
        assertThat(team.current(melsPhone).getResponse().getStatus()).as("nothing was signed out").isEqualTo(200);
    }

    @Test
    void aRestrictedMembersSessionsPageShowsOnlyTheCurrentSessionAndWhy() throws Exception {
        permit(false);

        MockHttpServletResponse page = team.perform(team.page(get("/settings/sessions"), mel)).getResponse();

        assertThat(page.getStatus()).isEqualTo(200);
        String html = page.getContentAsString();
        assertThat(cards(html)).as("only the current session's card").isEqualTo(1);
        assertThat(html).contains("article class=\"card current\"").contains("/settings/sessions/" + mel.sessionId())
                .doesNotContain(melsPhone.sessionId());
        assertThat(html).doesNotContain("Other sessions").doesNotContain("Sign out all other sessions");
        // The introduction says what the restricted view holds, not "Every place where your account is signed in" (outside review).
        assertThat(html).contains("The session you are using now: you can see its details, rename it and log out.\n"
                        + "        Your team's admins have restricted the session list: they see and manage your other sessions.")
                .doesNotContain("Every place where your account is signed in").doesNotContain("Sign out anything you don't recognize");
        assertThat(html).contains("action=\"/logout\"");
        assertThat(html).as("no link to a page that refuses them").doesNotContain("href=\"/settings/sessions/history\"");
        for (String path : new String[] {"/settings/sessions/history", "/settings/sessions/" + melsPhone.sessionId(),
                "/settings/sessions/sign-out-others"}) {
            MockHttpServletResponse refused = team.perform(team.page(get(path), mel)).getResponse();
            assertThat(refused.getStatus()).as(path).isEqualTo(403);
            assertThat(refused.getContentAsString()).contains("restricted the session list. You can still see this session and log out.");
        }
    }

    @Test
    void aRestrictedMemberCannotRenameOrSwitchAlertsOfAnotherSessionThroughThePages() throws Exception {
        permit(false);
        String phone = "/settings/sessions/" + melsPhone.sessionId();
        var before = team.read(api(melsPhone, "/api/v1/sessions/current"));

        MockHttpServletResponse renamed = team.perform(team.form(post(phone + "/name"), mel).param("name", "Stolen")).getResponse();
        MockHttpServletResponse invalid = team.perform(team.form(post(phone + "/name"), mel).param("name", "x".repeat(500))).getResponse();
        MockHttpServletResponse alerts = team.perform(team.form(post(phone + "/alerts"), mel).param("alerts", "true")).getResponse();

        for (MockHttpServletResponse refused : new MockHttpServletResponse[] {renamed, invalid, alerts}) {
            assertThat(refused.getStatus()).isEqualTo(403);
            assertThat(refused.getContentAsString()).contains("restricted the session list")
                    .doesNotContain(melsPhone.address()).doesNotContain(melsPhone.sessionId());
        }
        var after = team.read(api(melsPhone, "/api/v1/sessions/current"));
        assertThat(after.path("name")).as("the other session keeps its name").isEqualTo(before.path("name"));
        assertThat(after.path("alerts")).as("and its alerts").isEqualTo(before.path("alerts"));
    }

    @Test
    void aRestrictedMemberCanStillRenameTheirCurrentSessionButNoOtherThroughTheApi() throws Exception {
        permit(false);

        assertRestricted(team.perform(team.json(patch("/api/v1/sessions/" + melsPhone.sessionId()), mel, Map.of("name", "Stolen"))));
        assertRestricted(team.perform(team.json(patch("/api/v1/sessions/" + melsPhone.sessionId()), mel, Map.of("alerts", true))));
        MvcResult own = team.perform(team.json(patch("/api/v1/sessions/" + mel.sessionId()), mel, Map.of("name", "Laptop")));
        assertThat(own.getResponse().getStatus()).isEqualTo(200);
        MockHttpServletResponse ownPage = team.perform(team.form(post("/settings/sessions/" + mel.sessionId() + "/name"), mel)
                .param("name", "Work laptop")).getResponse();
        assertThat(ownPage.getRedirectedUrl()).isEqualTo("/settings/sessions/" + mel.sessionId() + "?done=renamed");
    }

    /** Every session of theirs ends: the confirmation says how many others, not only "this one" (outside review). */
    @Test
    void aRestrictedMembersLogOutAllDevicesSaysHowManyOtherSessionsEndWithoutListingThem() throws Exception {
        permit(false);

        String page = team.perform(team.page(get("/settings/sessions/sign-out-all"), mel)).getResponse().getContentAsString();

        assertThat(page).contains("This will sign out this device and 1 other session of your account:")
                .contains("your other sessions are not listed here")
                .doesNotContain("every device, including this one").doesNotContain(melsPhone.sessionId())
                .doesNotContain(melsPhone.address());
        String listed = page.split("<ul class=\"targets\">")[1].split("</ul>")[0];
        assertThat(listed.split("<li").length - 1).as("this device alone is listed").isEqualTo(1);
        assertThat(listed).contains("This device");

        team.perform(team.json(post("/api/v1/logout"), melsPhone, "{}"));
        String alone = team.perform(team.page(get("/settings/sessions/sign-out-all"), mel)).getResponse().getContentAsString();
        assertThat(alone).contains("This will sign out this device, your only session:").doesNotContain("not listed here");
    }

    /** A map with this session's dot alone would say it is the only place they are signed in (outside review). */
    @Test
    void aRestrictedMembersSessionsPageHasNoMapOfWhereTheyAreSignedIn() throws Exception {
        permit(false);

        String html = team.perform(team.page(get("/settings/sessions"), mel)).getResponse().getContentAsString();

        assertThat(html).doesNotContain("Where you're signed in").doesNotContain("map-heading").doesNotContain("class=\"places\"");
        permit(true);
        assertThat(team.perform(team.page(get("/settings/sessions"), mel)).getResponse().getContentAsString())
                .contains("Where you're signed in");
    }

    @Test
    void aRestrictedMemberCanStillLogOut() throws Exception {
        permit(false);

        MvcResult apiLogout = team.perform(team.json(post("/api/v1/logout"), melsPhone, "{}"));
        assertThat(apiLogout.getResponse().getStatus()).isEqualTo(204);
        assertThat(team.current(melsPhone).getResponse().getStatus()).isEqualTo(401);

        MockHttpServletResponse formLogout = team.perform(team.form(post("/logout"), mel)).getResponse();
        assertThat(formLogout.getStatus()).isEqualTo(302);
        assertThat(formLogout.getRedirectedUrl()).isEqualTo("/login?out");
        assertThat(team.current(mel).getResponse().getStatus()).isEqualTo(401);
    }

    @Test
    void adminsAreNeverRestricted() throws Exception {
        Member adele = team.join(admin, "adele", "admin");
        permit(false);

        for (Member a : new Member[] {admin, adele}) {
            assertThat(api(a, "/api/v1/sessions").getResponse().getStatus()).isEqualTo(200);
            assertThat(api(a, "/api/v1/sessions/history").getResponse().getStatus()).isEqualTo(200);
        }
        assertThat(team.read(api(admin, "/api/v1/sessions")).path("items")).hasSize(2);
        String html = team.perform(team.page(get("/settings/sessions"), admin)).getResponse().getContentAsString();
        assertThat(cards(html)).isEqualTo(2);
        assertThat(html).doesNotContain("restricted the session list");
    }

    @Test
    void liftingTheRestrictionGivesTheListBack() throws Exception {
        permit(false);
        assertRestricted(api(mel, "/api/v1/sessions"));

        permit(true);

        MvcResult list = api(mel, "/api/v1/sessions");
        assertThat(list.getResponse().getStatus()).isEqualTo(200);
        assertThat(team.read(list).path("items")).hasSize(2);
        String html = team.perform(team.page(get("/settings/sessions"), mel)).getResponse().getContentAsString();
        assertThat(cards(html)).isEqualTo(2);
        assertThat(html).contains("href=\"/settings/sessions/history\"")
                .contains("Every place where your account is signed in. Sign out anything you don't recognize.")
                .doesNotContain("restricted the session list");
    }

    @Test
    void thePermissionFormOnTheMembersPageRestrictsAndLifts() throws Exception {
        String members = team.perform(team.page(get("/admin/members"), admin)).getResponse().getContentAsString();
        assertThat(members).contains("Members can view their session list.");

        MockHttpServletResponse restricted = team.perform(team.form(post("/admin/members/permissions"), admin)
                .param("membersSeeSessions", "false")).getResponse();

        assertThat(restricted.getRedirectedUrl()).isEqualTo("/admin/members?done=permissions");
        assertRestricted(api(mel, "/api/v1/sessions"));
        assertThat(team.perform(team.page(get("/admin/members"), admin)).getResponse().getContentAsString())
                .contains("Members cannot view their session list. They still see their current session and can log out.");
        team.perform(team.form(post("/admin/members/permissions"), admin).param("membersSeeSessions", "true"));
        assertThat(api(mel, "/api/v1/sessions").getResponse().getStatus()).isEqualTo(200);
    }

    @Test
    void aDemotedAdminIsRestrictedFromTheirNextRequest() throws Exception {
        Member adele = team.join(admin, "adele", "admin");
        permit(false);
        assertThat(api(adele, "/api/v1/sessions").getResponse().getStatus()).isEqualTo(200);

        team.perform(team.json(patch("/api/v1/admin/members/" + adele.accountId()), admin, Map.of("role", "member")));

        assertRestricted(api(adele, "/api/v1/sessions"));
        assertThat(team.current(adele).getResponse().getStatus()).isEqualTo(200);
    }
}
