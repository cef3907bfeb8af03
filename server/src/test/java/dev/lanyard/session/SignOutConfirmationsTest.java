package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.Map;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.json.JsonMapper;

/**
 * The confirmations before signing sessions out name each session so that a person can tell which it is: a
 * renamed one by its name and by the device it signed in from, since a name was typed in a signed-in session
 * (perhaps the very one to end) and proves nothing.
 */
@LanyardSpringTest
class SignOutConfirmationsTest {
    private static final String FIREFOX_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Sessions sessions;
    @Autowired
    dev.lanyard.testsupport.MutableClock clock;

    /** An app's grant is not a device that signs in again: the app loses its access (outside review AO). */
    @Test
    void signingOutAnAppsSessionSaysTheAppLosesItsAccess() throws Exception {
        ApiClient api = new ApiClient(mvc, json);
        Member ada = api.signUp("ada-apps");
        ClientOrigin origin = new ClientOrigin(new dev.lanyard.device.Device("Firefox", "133", "Ubuntu", "",
                dev.lanyard.device.DeviceType.DESKTOP, ""), FIREFOX_ON_WINDOWS, "192.168.1.20", dev.lanyard.geo.GeoLocation.local());
        Sessions.Started app = sessions.start(new NewSession(new AccountId(ada.accountId()), origin, AppType.OAUTH, false));
        Sessions.Started laptop = sessions.start(new NewSession(new AccountId(ada.accountId()), origin, AppType.WEB, false));

        String one = mvc.perform(get("/settings/sessions/" + app.session().id().value() + "/sign-out").cookie(ada.cookie())
                .accept(MediaType.TEXT_HTML)).andReturn().getResponse().getContentAsString();
        assertThat(one).contains("That app loses its access: you will need to sign in to it again.")
                .doesNotContain("That device will need to sign in again.");
        String both = mvc.perform(get("/settings/sessions/sign-out-others").cookie(ada.cookie()).accept(MediaType.TEXT_HTML))
                .andReturn().getResponse().getContentAsString();
        assertThat(both).contains("Those devices will need to sign in again, and those apps lose their access.");
        String device = mvc.perform(get("/settings/sessions/" + laptop.session().id().value() + "/sign-out").cookie(ada.cookie())
                .accept(MediaType.TEXT_HTML)).andReturn().getResponse().getContentAsString();
        assertThat(device).contains("That device will need to sign in again.");
    }

    @Test
    void everyConfirmationNamesARenamedSessionsDeviceBesideItsName() throws Exception {
        ApiClient api = new ApiClient(mvc, json);
        Member ada = api.signUp("ada");
        String address = ApiClient.newAddress();
        MvcResult laptop = mvc.perform(post("/api/v1/login").with(ApiClient.from(address)).header(HttpHeaders.USER_AGENT, FIREFOX_ON_WINDOWS)
                .contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", ada.email(), "password", TestAccounts.PASSWORD)))).andReturn();
        assertThat(laptop.getResponse().getStatus()).as(laptop.getResponse().getContentAsString()).isEqualTo(201);
        String id = api.read(laptop).path("session").path("id").asString();
        MockHttpServletResponse renamed = mvc.perform(patch("/api/v1/sessions/" + id).cookie(ada.cookie()).with(ada.from())
                .contentType(MediaType.APPLICATION_JSON).content(api.write(Map.of("name", "Work laptop")))).andReturn().getResponse();
        assertThat(renamed.getStatus()).as(renamed.getContentAsString()).isEqualTo(200);
        Session session = sessions.get(new SessionId(id), new AccountId(ada.accountId()));
        String device = session.device().description() + " (" + session.device().type().label() + ")";
        assertThat(device).startsWith("Firefox 133 on Windows");

        for (String path : new String[]{"/settings/sessions/sign-out-others", "/settings/sessions/sign-out-all",
                "/settings/sessions/" + id + "/sign-out"}) {
            String page = mvc.perform(get(path).cookie(ada.cookie()).with(ada.from()).accept(MediaType.TEXT_HTML))
                    .andReturn().getResponse().getContentAsString();
            int named = page.indexOf("Work laptop");
            assertThat(named).as(path + ":\n" + page).isNotNegative();
            String target = page.substring(page.lastIndexOf("<li", named), page.indexOf("</li>", named));
            assertThat(target).as(path).contains(device);
            if (path.endsWith("sign-out-all")) {
                assertThat(page).as("as the help pages warn (outside QA AH)").contains("This cannot be undone, and what is not"
                        + " saved in an open page on those devices may be lost.");
            }
        }
    }

    /**
     * After a sign-out the list names what ended, looked up again among the member's own ended sessions: a link naming
     * a session that is someone else's, still active, or none at all shows the plain message. A confirmation posted for
     * a session another tab already ended says so (outside review).
     */
    @Test
    void afterASignOutTheListNamesTheSessionOrSaysItHadAlreadyEnded() throws Exception {
        ApiClient api = new ApiClient(mvc, json);
        Member ada = api.signUp("ada-named");
        Member eve = api.signUp("eve-named");
        MvcResult laptop = mvc.perform(post("/api/v1/login").with(ApiClient.from(ApiClient.newAddress()))
                .header(HttpHeaders.USER_AGENT, FIREFOX_ON_WINDOWS).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", ada.email(), "password", TestAccounts.PASSWORD)))).andReturn();
        String id = api.read(laptop).path("session").path("id").asString();

        MockHttpServletResponse ended = mvc.perform(post("/settings/sessions/" + id + "/sign-out").cookie(ada.cookie()).with(ada.from())
                .with(org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf())).andReturn().getResponse();
        assertThat(ended.getRedirectedUrl()).isEqualTo("/settings/sessions?done=signed-out&session=" + id);
        assertThat(list(ada, ended.getRedirectedUrl())).contains("Firefox 133 on Windows was signed out. That device must sign in again.");

        MockHttpServletResponse again = mvc.perform(post("/settings/sessions/" + id + "/sign-out").cookie(ada.cookie()).with(ada.from())
                .with(org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf())).andReturn().getResponse();
        assertThat(again.getRedirectedUrl()).isEqualTo("/settings/sessions?done=already-signed-out&session=" + id);
        assertThat(list(ada, again.getRedirectedUrl()))
                .contains("Firefox 133 on Windows had already been signed out, from another page or device: nothing more was done.")
                .doesNotContain("was signed out. That device");

        for (String other : new String[] {eve.sessionId(), ada.sessionId(), "Chrome%20on%20your%20bank", "x".repeat(80)}) {
            assertThat(list(ada, "/settings/sessions?done=signed-out&session=" + other)).as(other)
                    .contains("The session was signed out. That device must sign in again.").doesNotContain("Chrome on your bank");
        }
        assertThat(list(ada, "/settings/sessions?done=signed-out-selected&count=3"))
                .contains("3 sessions were signed out. Those devices must sign in again.");
        assertThat(list(ada, "/settings/sessions?done=signed-out-selected&count=1"))
                .contains("1 session was signed out. That device must sign in again.");
        assertThat(list(ada, "/settings/sessions?done=signed-out-selected&count=lots")).contains("The selected sessions were signed out.");
    }

    /** Signing out, from a page still open, a session that expired meanwhile says it had expired, not that it was signed out. */
    @Test
    void signingOutASessionThatHadExpiredSaysItHadExpired() throws Exception {
        ApiClient api = new ApiClient(mvc, json);
        Member ada = api.signUp("ada-expired");
        MvcResult laptop = mvc.perform(post("/api/v1/login").with(ApiClient.from(ApiClient.newAddress()))
                .header(HttpHeaders.USER_AGENT, FIREFOX_ON_WINDOWS).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", ada.email(), "password", TestAccounts.PASSWORD)))).andReturn();
        String id = api.read(laptop).path("session").path("id").asString();
        jdbc.sql("UPDATE sessions SET expires_at = :at WHERE id = :id")
                .param("at", clock.instant().minusSeconds(60).toEpochMilli()).param("id", id).update();

        MockHttpServletResponse ended = mvc.perform(post("/settings/sessions/" + id + "/sign-out").cookie(ada.cookie()).with(ada.from())
                .with(org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf())).andReturn().getResponse();

        assertThat(ended.getRedirectedUrl()).isEqualTo("/settings/sessions?done=already-signed-out&session=" + id);
        assertThat(list(ada, ended.getRedirectedUrl())).contains("Firefox 133 on Windows had already expired: nothing more was done.")
                .doesNotContain("from another page or device");
    }

    private String list(Member member, String path) throws Exception {
        return mvc.perform(get(path).cookie(member.cookie()).with(member.from()).accept(MediaType.TEXT_HTML)).andReturn().getResponse()
                .getContentAsString();
    }

    /** A session in use says "Active now", as its card does, not "Last active: Active now" (outside review AC). */
    @Test
    void aSessionInUseIsActiveNowAndAnotherSaysWhenItWasLastActive() throws Exception {
        ApiClient api = new ApiClient(mvc, json);
        Member ada = api.signUp("ada");
        MvcResult laptop = mvc.perform(post("/api/v1/login").with(ApiClient.from(ApiClient.newAddress()))
                .header(HttpHeaders.USER_AGENT, FIREFOX_ON_WINDOWS).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", ada.email(), "password", TestAccounts.PASSWORD)))).andReturn();
        assertThat(laptop.getResponse().getStatus()).as(laptop.getResponse().getContentAsString()).isEqualTo(201);
        String id = api.read(laptop).path("session").path("id").asString();

        String now = target(ada, "/settings/sessions/" + id + "/sign-out");
        assertThat(now).contains("Active now").doesNotContain("Last active");

        clock.advance(java.time.Duration.ofHours(2));
        assertThat(target(ada, "/settings/sessions/" + id + "/sign-out")).contains("Last active: 2 hours ago").doesNotContain("Active now");
        assertThat(target(ada, "/settings/sessions/sign-out-others")).contains("Last active: 2 hours ago");
    }

    /** The one session listed on the confirmation at {@code path}. */
    private String target(Member member, String path) throws Exception {
        String page = mvc.perform(get(path).cookie(member.cookie()).with(member.from()).accept(MediaType.TEXT_HTML))
                .andReturn().getResponse().getContentAsString();
        int list = page.indexOf("<ul class=\"targets\">");
        assertThat(list).as(path + ":\n" + page).isNotNegative();
        return page.substring(list, page.indexOf("</ul>", list));
    }
}
