package dev.lanyard.factors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
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
