package dev.lanyard.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.session.AppType;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Session;
import dev.lanyard.session.Sessions;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.LanyardSpringTest;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Sign-in alerts (PRODUCT.md V5) over MockMvc, with mail kept in the development outbox: who is told,
 * and what the "This wasn't me" link may do, signed out, once.
 */
@LanyardSpringTest
class SignInAlertsWebTest {
    private static final Pattern LINK = Pattern.compile("/not-me/([A-Za-z0-9_-]{43})");
    private static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

    @Autowired
    MockMvc mvc;
    @Autowired
    Sessions sessions;
    @Autowired
    Accounts accounts;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    javax.sql.DataSource dataSource;

    private Account alice;
    private Sessions.Started laptop;

    @BeforeEach
    void aliceSignsInOnHerLaptop() {
        alice = accounts.signUp(TestAccounts.alice());
        laptop = start(SuspiciousSessionsWebTest.FIREFOX_IN_MADRID);
    }

    private Sessions.Started start(dev.lanyard.session.ClientOrigin origin) {
        return sessions.start(new NewSession(alice.id(), origin, AppType.WEB, false));
    }

    private List<String> mails() {
        return jdbc.sql("SELECT subject || '\n' || body FROM outbox WHERE recipient = :to ORDER BY id")
                .param("to", alice.email()).query(String.class).list();
    }

    private String token(String mail) {
        Matcher m = LINK.matcher(mail);
        assertThat(m.find()).as("the mail has a This wasn't me link:\n" + mail).isTrue();
        return m.group(1);
    }

    private List<String> audit(String action) {
        return jdbc.sql("SELECT detail FROM audit_entries WHERE team_id = :team AND action = :action ORDER BY seq")
                .param("team", alice.team().value()).param("action", action).query(String.class).list();
    }

    /** A POST of the not-me page's form, signed out, with the token and cookie the page handed out. */
    private MockHttpServletResponse submit(String path, MvcResult page) throws Exception {
        Matcher csrf = CSRF_INPUT.matcher(page.getResponse().getContentAsString());
        assertThat(csrf.find()).as("the page carries a CSRF token").isTrue();
        MockHttpServletRequestBuilder form = post(path).contentType(MediaType.APPLICATION_FORM_URLENCODED).param("_csrf", csrf.group(1));
        Cookie xsrf = page.getResponse().getCookie("XSRF-TOKEN");
        if (xsrf != null) form.cookie(xsrf);
        return mvc.perform(form.with(ApiClient.from("198.51.100.7"))).andReturn().getResponse();
    }

    private MvcResult open(String token) throws Exception {
        return mvc.perform(get("/not-me/" + token).with(ApiClient.from("198.51.100.7")).accept(MediaType.TEXT_HTML)).andReturn();
    }

    @Test
    void aNewDeviceSigningInIsMailedWithDeviceLocationTimeAndALink() {
        clock.advance(Duration.ofHours(2));
        start(SuspiciousSessionsWebTest.CHROME_IN_BERLIN);
        assertThat(mails()).singleElement().asString()
                .as("the subject is Lanyard's words: the device is what the client claims").startsWith("New sign-in to your Lanyard account\n")
                .contains("Device:   Chrome 131 on macOS 14 (as the device describes itself)", "Location: Berlin, Germany", "Time:     ",
                        "First sign-in from Germany", "This wasn't me: http", "/settings/security#password")
                .as("the place is credited to its data, as on the pages (decision 5)").endsWith("\nIP Geolocation by DB-IP (https://db-ip.com)\n");
        assertThat(audit("session.sign-in-alert-sent")).as("kept, not emailed: there is no mail server (outside review)")
                .containsExactly("No mail server is configured, so the alert to " + alice.email()
                        + " about the new sign-in on Chrome 131 on macOS 14 was kept in the outbox, not emailed");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM alert_links WHERE token_hash = :h").param("h", SignInAlerts.hash(token(mails().get(0))))
                .query(Integer.class).single()).as("only the token's hash is kept").isEqualTo(1);
    }

    /** Without a mail server an admin reads the team's mail on /admin/outbox, but not a member's link that acts in the member's name. */
    @Test
    void theOutboxShowsAnAdminTheirOwnThisWasntMeLinkAndNoOneElses() throws Exception {
        Account bob = TestAccounts.insertTeammate(dataSource, alice, TestAccounts.uniqueEmail("bob"));
        sessions.start(new NewSession(bob.id(), SuspiciousSessionsWebTest.FIREFOX_IN_MADRID, AppType.WEB, false));
        clock.advance(Duration.ofHours(2));
        sessions.start(new NewSession(bob.id(), SuspiciousSessionsWebTest.CHROME_IN_BERLIN, AppType.WEB, false));
        start(SuspiciousSessionsWebTest.CHROME_IN_BERLIN);
        String bobs = token(jdbc.sql("SELECT body FROM outbox WHERE recipient = :to").param("to", bob.email()).query(String.class).single());
        String alices = token(mails().get(0));

        String page = mvc.perform(get("/admin/outbox").cookie(new Cookie(dev.lanyard.web.ApiClient.COOKIE, laptop.token()))
                .with(ApiClient.from(SuspiciousSessionsWebTest.FIREFOX_IN_MADRID.ip())).accept(MediaType.TEXT_HTML))
                .andReturn().getResponse().getContentAsString();

        assertThat(page).contains("To <bdi>" + bob.email() + "</bdi>").contains("/not-me/[redacted]").doesNotContain(bobs).contains("/not-me/" + alices);
    }

    @Test
    void nobodyIsToldWhenEveryOtherSessionHasAlertsOff() throws Exception {
        MockHttpServletResponse off = mvc.perform(patch("/api/v1/sessions/" + laptop.session().id().value())
                .cookie(new Cookie(dev.lanyard.web.ApiClient.COOKIE, laptop.token()))
                .with(ApiClient.from(SuspiciousSessionsWebTest.FIREFOX_IN_MADRID.ip()))
                .contentType(MediaType.APPLICATION_JSON).content("{\"alerts\":false}")).andReturn().getResponse();
        assertThat(off.getStatus()).as(off.getContentAsString()).isEqualTo(200);
        start(SuspiciousSessionsWebTest.CHROME_IN_BERLIN);
        assertThat(mails()).isEmpty();
    }

    /**
     * An outside review at scale: whether another sign-in has alerts on was read from one page of the member's sessions,
     * the 100 last used, so a member whose only sign-in with alerts on was older than those was never told.
     */
    @Test
    void theSignInWithAlertsOnIsFoundBeyondAPageOfOthers() {
        for (int i = 0; i < Sessions.MAX_PAGE; i++) {
            clock.advance(Duration.ofMinutes(1));
            start(SuspiciousSessionsWebTest.FIREFOX_IN_MADRID);
        }
        jdbc.sql("UPDATE sessions SET alerts = :off WHERE account_id = :a AND id <> :laptop").param("off", false)
                .param("a", alice.id().value()).param("laptop", laptop.session().id().value()).update();
        clock.advance(Duration.ofMinutes(1));

        start(SuspiciousSessionsWebTest.CHROME_IN_BERLIN);

        assertThat(mails()).hasSize(1);
    }

    @Test
    void nobodyIsToldWhenTheMemberTurnedAlertEmailsOff() {
        jdbc.sql("INSERT INTO alert_settings (account_id, new_device_emails) VALUES (:a, :off)")
                .param("a", alice.id().value()).param("off", false).update();
        start(SuspiciousSessionsWebTest.CHROME_IN_BERLIN);
        assertThat(mails()).isEmpty();
    }

    @Test
    void theSameDeviceAgainIsNoAlert() {
        clock.advance(Duration.ofDays(1));
        start(SuspiciousSessionsWebTest.FIREFOX_IN_MADRID);
        assertThat(mails()).isEmpty();
    }

    /** A link opened after its session ended some other way says how it ended (outside QA: only "already ended"). */
    @Test
    void theLinkOfASessionThatAlreadyEndedSaysHow() throws Exception {
        Sessions.Started berlin = start(SuspiciousSessionsWebTest.CHROME_IN_BERLIN);
        String token = token(mails().get(0));
        sessions.logout(new dev.lanyard.session.CurrentSession(berlin.session().id(), alice, AppType.WEB));

        assertThat(open(token).getResponse().getContentAsString()).contains("This session has already ended: Signed out (");
    }

    /**
     * A sign-in its member disowns does not go on giving their mails' times in the zone it sent (outside review: every
     * later mail said "(Pacific/Kiritimati)"): the account gets back the zone it had.
     */
    @Test
    void aDisownedSignInGivesBackTheTimeZoneTheAccountHadBeforeIt() throws Exception {
        accounts.noteTimeZone(alice.id(), "Europe/Madrid", laptop.session().id().value());
        MockHttpServletResponse signedIn = mvc.perform(post("/api/v1/login").with(ApiClient.from("91.1.2.3"))
                .header("User-Agent", SuspiciousSessionsWebTest.CHROME_IN_BERLIN.userAgent()).contentType(MediaType.APPLICATION_JSON)
                .content("{\"email\":\"" + alice.email() + "\",\"password\":\"" + TestAccounts.PASSWORD
                        + "\",\"tokenType\":\"bearer\",\"zone\":\"Pacific/Kiritimati\"}")).andReturn().getResponse();
        assertThat(signedIn.getStatus()).as(signedIn.getContentAsString()).isEqualTo(201);
        assertThat(accounts.timeZone(alice.id())).contains(java.time.ZoneId.of("Pacific/Kiritimati"));
        String token = token(mails().get(0));

        assertThat(submit("/not-me/" + token, open(token)).getStatus()).isEqualTo(302);

        assertThat(accounts.timeZone(alice.id())).contains(java.time.ZoneId.of("Europe/Madrid"));
    }

    /**
     * Outside review: someone with the password signed in from two new devices, in Tokyo's zone then Lima's; the member
     * used the second alert's link, then the first's, and their mails went on in Tokyo's zone. Now in their own again.
     */
    @Test
    void twoDisownedSignInsGiveBackTheTimeZoneFromBeforeBoth() throws Exception {
        accounts.noteTimeZone(alice.id(), "Europe/Paris", laptop.session().id().value());
        signInWithZone(SuspiciousSessionsWebTest.CHROME_IN_BERLIN.userAgent(), "91.1.2.3", "Asia/Tokyo");
        String first = token(mails().get(0));
        signInWithZone("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
                "9.9.9.9", "America/Lima");
        assertThat(mails()).hasSize(2);
        String second = token(mails().get(1));
        assertThat(accounts.timeZone(alice.id())).contains(java.time.ZoneId.of("America/Lima"));

        assertThat(submit("/not-me/" + second, open(second)).getStatus()).isEqualTo(302);
        assertThat(accounts.timeZone(alice.id())).contains(java.time.ZoneId.of("Asia/Tokyo"));
        assertThat(submit("/not-me/" + first, open(first)).getStatus()).isEqualTo(302);

        assertThat(accounts.timeZone(alice.id())).contains(java.time.ZoneId.of("Europe/Paris"));
    }

    private void signInWithZone(String userAgent, String ip, String zone) throws Exception {
        MockHttpServletResponse signedIn = mvc.perform(post("/api/v1/login").with(ApiClient.from(ip)).header("User-Agent", userAgent)
                .contentType(MediaType.APPLICATION_JSON).content("{\"email\":\"" + alice.email() + "\",\"password\":\""
                        + TestAccounts.PASSWORD + "\",\"tokenType\":\"bearer\",\"zone\":\"" + zone + "\"}")).andReturn().getResponse();
        assertThat(signedIn.getStatus()).as(signedIn.getContentAsString()).isEqualTo(201);
    }

    @Test
    void theLinkSignedOutEndsItsSessionOnceThenEveryOtherOnce() throws Exception {
        Session berlin = start(SuspiciousSessionsWebTest.CHROME_IN_BERLIN).session();
        String token = token(mails().get(0));

        MvcResult page = open(token);
        assertThat(page.getResponse().getStatus()).isEqualTo(200);
        assertThat(page.getResponse().getContentAsString()).contains("Chrome 131 on macOS 14", "<span>Berlin,</span> <span>Germany</span>", "Sign out this session")
                .as("the place is credited to its data (decision 5)").contains("IP Geolocation by DB-IP");

        MockHttpServletResponse ended = submit("/not-me/" + token, page);
        assertThat(ended.getStatus()).isEqualTo(302);
        assertThat(ended.getRedirectedUrl()).isEqualTo("/not-me/" + token);
        assertThat(sessions.get(berlin.id(), alice.id()).ending()).hasValueSatisfying(e -> assertThat(e.reason().code()).isEqualTo("not-me"));
        assertThat(sessions.get(laptop.session().id(), alice.id()).active()).isTrue();
        assertThat(audit("session.reported-not-me")).containsExactly(
                "Reported Chrome 131 on macOS 14 as not theirs from a sign-in alert, which signed it out");

        MvcResult next = open(token);
        assertThat(next.getResponse().getContentAsString()).contains("This session is signed out.", ">Sign out all sessions<",
                "this one too if it is signed in", "/settings/security#password").doesNotContain("Sign out all other sessions");
        assertThat(submit("/not-me/" + token, next).getStatus()).as("a repeat changes nothing").isEqualTo(302);
        assertThat(audit("session.reported-not-me")).hasSize(1);

        MockHttpServletResponse all = submit("/not-me/" + token + "/all", next);
        assertThat(all.getStatus()).isEqualTo(302);
        assertThat(sessions.get(laptop.session().id(), alice.id()).active()).isFalse();
        assertThat(open(token).getResponse().getContentAsString()).contains("Every session of your account is signed out");
        assertThat(audit("session.reported-not-me")).hasSize(2).last().asString().startsWith("Signed out every session (1 session)");
    }

    /** A request with {@code session}'s cookie from its own address. */
    private MockHttpServletResponse with(Sessions.Started session, MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.cookie(new Cookie(ApiClient.COOKIE, session.token())).with(ApiClient.from(session.session().ip())))
                .andReturn().getResponse();
    }

    /**
     * Whoever holds the mail uses the link, often signed out: what it ends is not "revoked by you" from a device of
     * the member's, in history (page and API), the audit log, and what the ended device is told.
     */
    @Test
    void whatTheLinkEndsSaysItEndedFromTheLinkInHistoryTheAuditLogAndOnTheEndedDevice() throws Exception {
        Sessions.Started berlin = start(SuspiciousSessionsWebTest.CHROME_IN_BERLIN);
        String token = token(mails().get(0));
        String label = "Ended from the sign-in alert's \u201cThis wasn't me\u201d link";
        String notice = "You were signed out from the \u201cThis wasn't me\u201d link in a sign-in alert.";

        submit("/not-me/" + token, open(token));

        MockHttpServletResponse refused = with(berlin, get("/settings/sessions").accept(MediaType.TEXT_HTML));
        assertThat(refused.getRedirectedUrl()).isEqualTo("/login?ended=not-me");
        assertThat(mvc.perform(get("/login?ended=not-me").accept(MediaType.TEXT_HTML)).andReturn().getResponse()
                .getContentAsString(java.nio.charset.StandardCharsets.UTF_8))
                .contains(notice.replace("'", "&#39;"));
        assertThat(with(berlin, get("/api/v1/sessions/current")).getContentAsString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("urn:lanyard:problem:session-ended", notice);

        assertThat(with(laptop, get("/settings/sessions/history").accept(MediaType.TEXT_HTML)).getContentAsString(java.nio.charset.StandardCharsets.UTF_8))
                .contains(label.replace("'", "&#39;")).doesNotContain("Revoked by you");
        assertThat(with(laptop, get("/api/v1/sessions/history")).getContentAsString()).contains("\"endReason\":\"not-me\"")
                .doesNotContain("\"endReason\":\"revoked\"");
        assertThat(audit("session.revoked")).isEmpty();
        assertThat(audit("session.ended-not-me")).containsExactly("Signed out Chrome 131 on macOS 14 (" + berlin.session().id().shortForm()
                + ") from the \u201cThis wasn't me\u201d link of a sign-in alert");

        submit("/not-me/" + token + "/all", open(token));

        assertThat(sessions.get(laptop.session().id(), alice.id()).ending())
                .hasValueSatisfying(e -> assertThat(e.reason().code()).as("every session, the laptop's too").isEqualTo("not-me"));
        assertThat(with(laptop, get("/settings/sessions").accept(MediaType.TEXT_HTML)).getRedirectedUrl()).isEqualTo("/login?ended=not-me");
        assertThat(audit("session.ended-not-me")).hasSize(2);
    }

    @Test
    void aLinkOpenedWhileSignedInLeavesNoTokenInTheLastPageOfTheSession() throws Exception {
        start(SuspiciousSessionsWebTest.CHROME_IN_BERLIN);
        String token = token(mails().get(0));
        MvcResult page = mvc.perform(get("/not-me/" + token).cookie(new Cookie(ApiClient.COOKIE, laptop.token()))
                .with(ApiClient.from("198.51.100.7")).accept(MediaType.TEXT_HTML)).andReturn();
        assertThat(page.getResponse().getStatus()).isEqualTo(200);
        assertThat(sessions.get(laptop.session().id(), alice.id()).activity().lastPage())
                .as("shown to a key that may only read sessions, and to admins").isEqualTo("/not-me/[redacted]");
    }

    @Test
    void theLinkRefusesAPostWithoutTheCsrfToken() throws Exception {
        Session berlin = start(SuspiciousSessionsWebTest.CHROME_IN_BERLIN).session();
        String token = token(mails().get(0));
        MockHttpServletResponse forged = mvc.perform(post("/not-me/" + token).with(ApiClient.from("198.51.100.7"))).andReturn().getResponse();
        assertThat(forged.getStatus()).isEqualTo(403);
        assertThat(sessions.get(berlin.id(), alice.id()).active()).isTrue();
    }

    @Test
    void anExpiredUnknownOrMalformedLinkIsGoneAndEndsNothing() throws Exception {
        Session berlin = start(SuspiciousSessionsWebTest.CHROME_IN_BERLIN).session();
        String token = token(mails().get(0));
        MvcResult fresh = open(token);

        String unknown = "A".repeat(43);
        assertThat(open(unknown).getResponse().getStatus()).isEqualTo(410);
        assertThat(open("short").getResponse().getStatus()).isEqualTo(410);
        assertThat(open("../settings").getResponse().getStatus()).isIn(400, 404, 410);

        clock.advance(Duration.ofHours(24));
        MvcResult late = open(token);
        assertThat(late.getResponse().getStatus()).isEqualTo(410);
        assertThat(late.getResponse().getContentAsString()).contains("This link can no longer be used");
        assertThat(submit("/not-me/" + token, fresh).getStatus()).isEqualTo(410);
        assertThat(sessions.get(berlin.id(), alice.id()).active()).isTrue();
        assertThat(audit("session.reported-not-me")).isEmpty();
    }
}
