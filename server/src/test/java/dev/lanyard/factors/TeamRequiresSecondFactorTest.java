package dev.lanyard.factors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import java.util.Map;

import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.json.JsonMapper;

/** A team that requires a second factor holds members without one at enrolment: they can only enrol or sign out. */
@LanyardSpringTest
class TeamRequiresSecondFactorTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    MutableClock clock;

    private ApiClient api;
    private TwoFactorClient factors;

    @BeforeEach
    void clients() {
        api = new ApiClient(mvc, json);
        factors = new TwoFactorClient(mvc, clock);
    }

    private MvcResult require(Member admin, Boolean required) throws Exception {
        var body = new java.util.HashMap<String, Object>(Map.of("idleTimeout", "7d", "allowRememberMe", true, "rememberedDays", 30, "lifetimeDays", 7));
        if (required != null) body.put("requireSecondFactor", required);
        return mvc.perform(put("/api/v1/team/policy").cookie(admin.cookie()).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(body))).andReturn();
    }

    @Test
    void aMemberWithoutAFactorIsSentToEnrolmentAndTheApiRefusesUntilDone() throws Exception {
        Member admin = api.signUp("admin");
        MvcResult set = require(admin, true);
        assertThat(set.getResponse().getStatus()).isEqualTo(200);
        assertThat(api.read(set).path("requireSecondFactor").asBoolean()).isTrue();

        MvcResult page = mvc.perform(get("/settings/sessions").cookie(admin.cookie()).accept(MediaType.TEXT_HTML)).andReturn();
        assertThat(page.getResponse().getStatus()).isEqualTo(302);
        assertThat(page.getResponse().getRedirectedUrl()).isEqualTo("/settings/security");
        // Served at a path (server.servlet.context-path), the member is sent to the page under it, as htmx is.
        MvcResult atAPath = mvc.perform(get(java.net.URI.create("/lanyard/settings/sessions")).contextPath("/lanyard")
                .cookie(admin.cookie()).accept(MediaType.TEXT_HTML)).andReturn();
        assertThat(atAPath.getResponse().getRedirectedUrl()).isEqualTo("/lanyard/settings/security");
        MvcResult htmxAtAPath = mvc.perform(get(java.net.URI.create("/lanyard/settings/sessions")).contextPath("/lanyard")
                .cookie(admin.cookie()).header("HX-Request", "true")).andReturn();
        assertThat(htmxAtAPath.getResponse().getHeader("HX-Redirect")).isEqualTo("/lanyard/settings/security");
        MvcResult apiCall = mvc.perform(get("/api/v1/sessions").cookie(admin.cookie())).andReturn();
        assertThat(apiCall.getResponse().getStatus()).isEqualTo(403);
        assertThat(api.read(apiCall).path("type").asString()).isEqualTo("urn:lanyard:problem:second-factor-required");
        assertThat(mvc.perform(get("/settings/security").cookie(admin.cookie())).andReturn().getResponse().getContentAsString())
                .contains("Your team requires two-factor authentication");

        factors.enrol(admin);

        assertThat(mvc.perform(get("/settings/sessions").cookie(admin.cookie())).andReturn().getResponse().getStatus()).isEqualTo(200);
        assertThat(mvc.perform(get("/api/v1/sessions").cookie(admin.cookie())).andReturn().getResponse().getStatus()).isEqualTo(200);
    }

    @Test
    void aHeldMemberCanStillSignOut() throws Exception {
        Member admin = api.signUp("admin");
        require(admin, true);
        Member other = api.logIn(admin);

        assertThat(mvc.perform(post("/api/v1/logout").cookie(other.cookie()).contentType(MediaType.APPLICATION_JSON)).andReturn().getResponse().getStatus()).isEqualTo(204);
        MvcResult out = mvc.perform(post("/logout").with(csrf()).cookie(admin.cookie())).andReturn();
        assertThat(out.getResponse().getRedirectedUrl()).isEqualTo("/login?out");
    }

    /** An ended session's cookie is no session: 401; a live one of a held member is held: 403. */
    private int currentWith(Member member) throws Exception {
        return mvc.perform(get("/api/v1/sessions/current").cookie(member.cookie())).andReturn().getResponse().getStatus();
    }

    private void assertHeld(MvcResult result) throws Exception {
        assertThat(result.getResponse().getStatus()).isEqualTo(403);
        assertThat(api.read(result).path("type").asString()).isEqualTo("urn:lanyard:problem:second-factor-required");
        assertThat(result.getResponse().getContentType()).isEqualToIgnoringCase("application/problem+json;charset=UTF-8");
    }

    /**
     * Ending one's own sessions only takes access away: a held member who fears their password is known ends the other
     * sessions (one by id, the others, then all) through the API, and still reads none of them.
     */
    @Test
    void aHeldMemberEndsTheirOwnSessionsThroughTheApiAndStillReadsNone() throws Exception {
        Member admin = api.signUp("admin");
        require(admin, true);
        Member phone = api.logIn(admin);
        Member tablet = api.logIn(admin);
        Member laptop = api.logIn(admin);

        assertHeld(mvc.perform(get("/api/v1/sessions/" + phone.sessionId()).cookie(admin.cookie())).andReturn());
        assertHeld(mvc.perform(patch("/api/v1/sessions/" + phone.sessionId()).cookie(admin.cookie()).contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\"Mine\"}")).andReturn());

        assertThat(mvc.perform(delete("/api/v1/sessions/" + phone.sessionId()).cookie(admin.cookie())).andReturn().getResponse().getStatus())
                .isEqualTo(204);
        assertThat(currentWith(phone)).as("ended").isEqualTo(401);
        MvcResult others = mvc.perform(delete("/api/v1/sessions").param("scope", "others").cookie(admin.cookie())).andReturn();
        assertThat(others.getResponse().getStatus()).as(others.getResponse().getContentAsString()).isEqualTo(200);
        assertThat(api.read(others).path("ended").asInt()).isEqualTo(2);
        assertThat(currentWith(tablet)).isEqualTo(401);
        assertThat(currentWith(laptop)).isEqualTo(401);
        assertHeld(mvc.perform(get("/api/v1/sessions").cookie(admin.cookie())).andReturn());
        assertThat(currentWith(admin)).as("still held").isEqualTo(403);

        MvcResult all = mvc.perform(delete("/api/v1/sessions").param("scope", "all").cookie(admin.cookie())).andReturn();
        assertThat(all.getResponse().getStatus()).isEqualTo(200);
        assertThat(currentWith(admin)).isEqualTo(401);
    }

    /** The same on the pages, whose confirmations name none of the other sessions, and whose live stream stays open. */
    @Test
    void aHeldMemberEndsTheirOwnSessionsFromThePagesWhichNameNoneOfThem() throws Exception {
        Member admin = api.signUp("admin");
        require(admin, true);
        Member phone = api.logIn(admin);
        Member tablet = api.logIn(admin);

        String security = mvc.perform(get("/settings/security").cookie(admin.cookie())).andReturn().getResponse().getContentAsString();
        assertThat(security).contains("href=\"/settings/sessions/sign-out-others\"", "href=\"/settings/sessions/sign-out-all\"");
        MvcResult stream = mvc.perform(get("/settings/sessions/events").cookie(admin.cookie()).accept(MediaType.TEXT_EVENT_STREAM)).andReturn();
        assertThat(stream.getResponse().getStatus()).as("the live stream of this session").isEqualTo(200);
        assertThat(stream.getRequest().isAsyncStarted()).isTrue();
        assertThat(mvc.perform(get("/settings/sessions/" + phone.sessionId()).cookie(admin.cookie())).andReturn().getResponse()
                .getRedirectedUrl()).as("details stay closed").isEqualTo("/settings/security");

        String confirmOne = page(admin, "/settings/sessions/" + phone.sessionId() + "/sign-out");
        assertThat(confirmOne).contains("This will sign out that session of your account.").doesNotContain("Last active");
        assertThat(form(admin, "/settings/sessions/" + phone.sessionId() + "/sign-out").getResponse().getRedirectedUrl())
                .isEqualTo("/settings/security?done=signed-out");
        assertThat(currentWith(phone)).isEqualTo(401);
        assertThat(page(admin, "/settings/security?done=signed-out")).contains("The session was signed out.");

        String confirmOthers = page(admin, "/settings/sessions/sign-out-others");
        assertThat(confirmOthers).contains("This will sign out every other session of your account.")
                .doesNotContain("Last active").doesNotContain("1 other session").contains("action=\"/settings/sessions/sign-out-others\"");
        assertThat(form(admin, "/settings/sessions/sign-out-others").getResponse().getRedirectedUrl())
                .isEqualTo("/settings/security?done=signed-out-others");
        assertThat(currentWith(tablet)).isEqualTo(401);

        assertThat(page(admin, "/settings/sessions/sign-out-all")).contains("Log out all devices?")
                .contains("This will sign out this device and every other session of your account:")
                .doesNotContain("every device, including this one");
        assertThat(form(admin, "/settings/sessions/sign-out-all").getResponse().getRedirectedUrl()).isEqualTo("/login?out=all");
        assertThat(currentWith(admin)).isEqualTo(401);
    }

    private String page(Member member, String path) throws Exception {
        MvcResult result = mvc.perform(get(path).cookie(member.cookie()).accept(MediaType.TEXT_HTML)).andReturn();
        assertThat(result.getResponse().getStatus()).as(path).isEqualTo(200);
        return result.getResponse().getContentAsString();
    }

    private MvcResult form(Member member, String path) throws Exception {
        return mvc.perform(post(path).with(csrf()).cookie(member.cookie()).param("confirmed", "true")).andReturn();
    }

    @Test
    void aHeldAdminCannotChangeThePolicyUntilEnrolledAndTurningItOffReleasesMembers() throws Exception {
        Member admin = api.signUp("admin");
        require(admin, true);
        Member teammate = api.logIn(admin);

        assertThat(require(admin, false).getResponse().getStatus()).as("held: the API is closed").isEqualTo(403);
        factors.enrol(admin);
        assertThat(api.read(require(admin, false)).path("requireSecondFactor").asBoolean()).isFalse();
        assertThat(mvc.perform(get("/api/v1/sessions").cookie(teammate.cookie())).andReturn().getResponse().getStatus()).isEqualTo(200);
    }

    @Test
    void theAdminPageSavesTheRequirement() throws Exception {
        Member admin = api.signUp("admin");
        MvcResult saved = mvc.perform(post("/admin/settings").with(csrf()).cookie(admin.cookie()).param("idleTimeout", "7d")
                .param("allowRememberMe", "true").param("rememberedDays", "30").param("lifetimeDays", "7")
                .param("requireSecondFactor", "true")).andReturn();
        assertThat(saved.getResponse().getRedirectedUrl()).isEqualTo("/admin/settings?done=saved");
        assertThat(mvc.perform(get("/admin/settings").cookie(admin.cookie())).andReturn().getResponse().getRedirectedUrl())
                .isEqualTo("/settings/security");
    }
}
