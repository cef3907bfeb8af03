package dev.lanyard.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.device.Device;
import dev.lanyard.device.DeviceType;
import dev.lanyard.geo.GeoLocation;
import dev.lanyard.session.AppType;
import dev.lanyard.session.ClientOrigin;
import dev.lanyard.session.ClientOrigins;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionFlag;
import dev.lanyard.session.Sessions;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.LanyardSpringTest;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Suspicious sessions (PRODUCT.md V3) through the whole application: sign-ins are assessed as they
 * start, their flags show on the member's cards, details, filter and API, and in the audit log, and an
 * assessment that fails never fails the sign-in.
 */
@LanyardSpringTest
class SuspiciousSessionsWebTest {
    static final ClientOrigin FIREFOX_IN_MADRID = new ClientOrigin(RiskRulesTest.FIREFOX_WINDOWS,
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "83.45.123.9", RiskRulesTest.MADRID);
    static final ClientOrigin CHROME_IN_BERLIN = new ClientOrigin(RiskRulesTest.CHROME_MAC,
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Chrome/131.0 Safari/537.36", "91.1.2.3", RiskRulesTest.BERLIN);
    private static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    Sessions sessions;
    @Autowired
    Accounts accounts;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MeterRegistry meters;
    @Autowired
    ClientOrigins origins;
    @Autowired
    javax.sql.DataSource dataSource;
    @Autowired
    org.springframework.context.ApplicationEventPublisher events;

    private Account alice;
    private Sessions.Started laptop;

    @BeforeEach
    void aliceSignsInOnHerLaptopInMadrid() {
        alice = accounts.signUp(TestAccounts.alice());
        laptop = start(FIREFOX_IN_MADRID);
    }

    private Sessions.Started start(ClientOrigin origin) {
        return sessions.start(new NewSession(alice.id(), origin, AppType.WEB, false));
    }

    private MockHttpServletResponse asLaptop(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.cookie(new Cookie(ApiClient.COOKIE, laptop.token())).with(ApiClient.from(FIREFOX_IN_MADRID.ip())))
                .andReturn().getResponse();
    }

    private List<String> audit(String action) {
        return jdbc.sql("SELECT detail FROM audit_entries WHERE team_id = :team AND action = :action ORDER BY seq")
                .param("team", alice.team().value()).param("action", action).query(String.class).list();
    }

    @Test
    void theFirstSignInOfAnAccountIsFlaggedInNothing() {
        assertThat(sessions.get(laptop.session().id(), alice.id()).flags()).isEmpty();
    }

    @Test
    void aSignInFromANewDeviceInAnotherCountryMinutesLaterIsFlaggedHigh() {
        clock.advance(Duration.ofMinutes(20));
        Session berlin = sessions.get(start(CHROME_IN_BERLIN).session().id(), alice.id());

        assertThat(berlin.flags()).extracting(SessionFlag::code).containsExactly("new-device", "new-country", "impossible-travel");
        assertThat(berlin.concern()).contains(SessionFlag.Level.HIGH);
        assertThat(berlin.flags().get(0).reason()).isEqualTo("First sign-in from Chrome on macOS");
        assertThat(berlin.flags().get(1).reason()).isEqualTo("First sign-in from Germany");
        assertThat(audit("session.flagged")).singleElement().asString()
                .startsWith("Flagged Chrome 131 on macOS 14 as suspicious (high concern): First sign-in from Chrome on macOS;");
    }

    @Test
    void theSameDeviceAgainFromTheSamePlaceIsNotFlagged() {
        clock.advance(Duration.ofDays(2));
        assertThat(sessions.get(start(FIREFOX_IN_MADRID).session().id(), alice.id()).flags()).isEmpty();
        assertThat(audit("session.flagged")).isEmpty();
    }

    /** A 6to4 address is placed where the IPv4 address it carries is (docs/decisions/0054), not at the relay's prefix. */
    @Test
    void aSixToFourSignInAfterASignInFromTheIpv4AddressItCarriesIsNotFlagged() {
        clock.advance(Duration.ofMinutes(10));
        start(origins.of(firefoxFrom("83.45.123.78")));
        clock.advance(Duration.ofMinutes(10));
        Session sixToFour = sessions.get(start(origins.of(firefoxFrom("2002:532d:7b4e::1"))).session().id(), alice.id());

        assertThat(sixToFour.location().countryCode()).isEqualTo("ES");
        assertThat(sixToFour.flags()).isEmpty();
    }

    private static MockHttpServletRequest firefoxFrom(String ip) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/login");
        request.setRemoteAddr(ip);
        request.addHeader("User-Agent", FIREFOX_IN_MADRID.userAgent());
        return request;
    }

    @Test
    void aFlaggedSessionsCardAndDetailsShowTheWarningWithItsReasonsAndActions() throws Exception {
        clock.advance(Duration.ofHours(1));
        Session berlin = start(CHROME_IN_BERLIN).session();

        String list = asLaptop(get("/settings/sessions").accept(MediaType.TEXT_HTML)).getContentAsString();
        assertThat(list).contains("High concern: this session looks suspicious", "First sign-in from Germany",
                "/settings/sessions/" + berlin.id().value() + "/sign-out", "/settings/sessions/sign-out-all",
                "/settings/security#password", "/settings/activity", "Flagged (1)");

        assertThat(list).as("one name for one action, the page's").contains("href=\"/settings/sessions/sign-out-all\">Log out all devices</a>")
                .doesNotContain("Sign out all sessions");

        String details = asLaptop(get("/settings/sessions/" + berlin.id().value()).accept(MediaType.TEXT_HTML)).getContentAsString();
        assertThat(details).contains("First sign-in from Chrome on macOS", "Sign out this session", "Change password", "Review activity")
                .contains(">Log out all devices</a>").doesNotContain("Sign out all sessions");

        String own = asLaptop(get("/settings/sessions/" + laptop.session().id().value()).accept(MediaType.TEXT_HTML)).getContentAsString();
        assertThat(own).doesNotContain("looks suspicious");
    }

    /** On the flagged device itself: no "sign out this session" beside "you can't sign out this session from this list". */
    @Test
    void aFlaggedSessionSeenFromItselfSaysSoAndOffersWhatHelpsFromThere() throws Exception {
        clock.advance(Duration.ofHours(1));
        Sessions.Started berlin = start(CHROME_IN_BERLIN);

        String page = mvc.perform(get("/settings/sessions").accept(MediaType.TEXT_HTML)
                        .cookie(new Cookie(ApiClient.COOKIE, berlin.token())).with(ApiClient.from(CHROME_IN_BERLIN.ip())))
                .andReturn().getResponse().getContentAsString();

        assertThat(page).contains("High concern: this sign-in was flagged", "First sign-in from Germany",
                "This is the device you are using now", "/settings/sessions/sign-out-all", "/settings/security#password")
                .doesNotContain("looks suspicious", "Sign out this session");
    }

    @Test
    void theFlaggedFilterListsOnlyFlaggedSessionsOnThePageAndInTheApi() throws Exception {
        clock.advance(Duration.ofHours(1));
        Session berlin = start(CHROME_IN_BERLIN).session();
        clock.advance(Duration.ofHours(5)); // back in Madrid after a flight: no impossible travel
        start(FIREFOX_IN_MADRID);

        String page = asLaptop(get("/settings/sessions").param("filter", "flagged").accept(MediaType.TEXT_HTML)).getContentAsString();
        assertThat(page).contains("First sign-in from Germany", "Flagged (1)");
        assertThat(page.split("<input type=\"checkbox\" name=\"ids\"", -1)).as("one other session listed").hasSize(2);

        MockHttpServletResponse api = asLaptop(get("/api/v1/sessions").param("filter", "flagged"));
        assertThat(api.getStatus()).isEqualTo(200);
        JsonNode body = json.readTree(api.getContentAsString());
        assertThat(body.get("items")).hasSize(1);
        JsonNode item = body.get("items").get(0);
        assertThat(item.get("id").asString()).isEqualTo(berlin.id().value());
        assertThat(item.get("concern").asString()).isEqualTo("high");
        assertThat(item.get("flags").get(1).get("code").asString()).isEqualTo("new-country");
        assertThat(item.get("flags").get(1).get("level").asString()).isEqualTo("high");
        assertThat(item.get("flags").get(1).get("reason").asString()).isEqualTo("First sign-in from Germany");
        assertThat(body.get("counts").get("flagged").asInt()).isEqualTo(1);

        MockHttpServletResponse all = asLaptop(get("/api/v1/sessions"));
        assertThat(json.readTree(all.getContentAsString()).get("items")).hasSize(3);
        MockHttpServletResponse bad = asLaptop(get("/api/v1/sessions").param("filter", "suspicious"));
        assertThat(bad.getStatus()).isEqualTo(400);
        assertThat(bad.getContentAsString()).contains("flagged");
    }

    /**
     * A filter the page does not have, in a bookmark or typed, shows what the page shows without one and says which
     * filter was not understood (outside review: {@code ?filter=bogus} showed all without a word; {@code ?flagged=xyz} was
     * a bare "The request was not valid"). 400, as the API answers the same.
     */
    @Test
    void aFilterThePageDoesNotHaveShowsEverythingAndSaysSo() throws Exception {
        start(CHROME_IN_BERLIN);
        MockHttpServletResponse list = asLaptop(get("/settings/sessions").param("filter", "bogus").accept(MediaType.TEXT_HTML));
        assertThat(list.getStatus()).isEqualTo(400);
        assertThat(list.getContentAsString()).contains("The list has no filter “bogus”, so it shows all your sessions. Its filters "
                + "are all, verified, unverified, inactive and flagged.").contains("First sign-in from Germany");
        assertThat(asLaptop(get("/settings/sessions").param("filter", "\u202ebogus").accept(MediaType.TEXT_HTML)).getContentAsString())
                .as("not quoted when it is no plain word").contains("The list has no such filter").doesNotContain("\u202e");

        MockHttpServletResponse team = asLaptop(get("/admin/sessions").param("flagged", "xyz").accept(MediaType.TEXT_HTML));
        assertThat(team.getStatus()).isEqualTo(400);
        assertThat(team.getContentAsString()).contains("The filter for flagged sessions in the address was not understood (it is true, "
                + "or left out), so the list shows every member.").contains(alice.email());
        assertThat(asLaptop(get("/admin/sessions").param("flagged", "false").accept(MediaType.TEXT_HTML)).getStatus()).isEqualTo(200);
    }

    @Test
    void anAdminSeesFlaggedSessionsInTheTeamViewAndCanFilterToThem() throws Exception {
        Account bob = TestAccounts.insertTeammate(dataSource, alice, TestAccounts.uniqueEmail("bob"));
        sessions.start(new NewSession(bob.id(), FIREFOX_IN_MADRID, AppType.WEB, false));
        clock.advance(Duration.ofMinutes(30));
        start(CHROME_IN_BERLIN);

        String all = asLaptop(get("/admin/sessions").accept(MediaType.TEXT_HTML)).getContentAsString();
        assertThat(all).contains(alice.email(), bob.email(), "1 flagged");
        String flagged = asLaptop(get("/admin/sessions").param("flagged", "true").accept(MediaType.TEXT_HTML)).getContentAsString();
        assertThat(flagged).contains(alice.email(), "1 flagged").doesNotContain(bob.email());

        String member = asLaptop(get("/admin/members/" + alice.id().value() + "/sessions").accept(MediaType.TEXT_HTML)).getContentAsString();
        assertThat(member).contains("High concern: this session looks suspicious", "First sign-in from Germany");

        MockHttpServletResponse api = asLaptop(get("/api/v1/admin/sessions").param("flagged", "true"));
        assertThat(api.getStatus()).isEqualTo(200);
        JsonNode members = json.readTree(api.getContentAsString()).get("members");
        assertThat(members).hasSize(1);
        assertThat(members.get(0).get("email").asString()).isEqualTo(alice.email());
        assertThat(members.get(0).get("flaggedSessions").asInt()).isEqualTo(1);
    }

    @Test
    void aSessionThatMovesToAnotherCountryIsFlaggedWhenItsAddressChanges() throws Exception {
        clock.advance(Duration.ofHours(1));
        // The laptop's next request comes from a German address: the address change is assessed.
        MockHttpServletResponse moved = mvc.perform(get("/api/v1/sessions/current")
                .cookie(new Cookie(ApiClient.COOKIE, laptop.token())).with(ApiClient.from("91.1.2.3"))).andReturn().getResponse();
        assertThat(moved.getStatus()).isEqualTo(200);
        Session after = sessions.get(laptop.session().id(), alice.id());
        // Where 91.1.2.3 is depends on the geolocation data of the run; whatever it says, the move was assessed.
        assertThat(jdbc.sql("SELECT COUNT(*) FROM risk_seen WHERE account_id = :a AND kind = 'address' AND value = '91.1.2.3'")
                .param("a", alice.id().value()).query(Integer.class).single()).isEqualTo(1);
        if (after.location().countryCode().isEmpty() || after.location().localNetwork()) {
            assertThat(after.flags()).extracting(SessionFlag::code).doesNotContain("new-country");
        } else {
            assertThat(after.flags()).extracting(SessionFlag::code).isNotEmpty();
        }
    }

    /**
     * A session that keeps moving is flagged for each new country and each impossible travel, not only its first move's:
     * its earlier flags stay (each says where it has been), every move that adds one is audited, and a move mails no alert
     * (alerts are for sign-ins). The same travel again adds nothing.
     */
    @Test
    void aSessionThatKeepsMovingIsFlaggedForEveryNewCountryAndTravel() {
        GeoLocation sydney = RiskRulesTest.place("Sydney", "Australia", "AU", -33.8688, 151.2093);
        GeoLocation saoPaulo = RiskRulesTest.place("São Paulo", "Brazil", "BR", -23.5505, -46.6333);

        clock.advance(Duration.ofMinutes(1));
        move(FIREFOX_IN_MADRID.ip(), FIREFOX_IN_MADRID.location(), "203.2.218.214", sydney);
        clock.advance(Duration.ofMinutes(1));
        move("203.2.218.214", sydney, "200.147.67.142", saoPaulo);

        List<SessionFlag> flags = sessions.get(laptop.session().id(), alice.id()).flags();
        assertThat(flags).extracting(SessionFlag::code)
                .containsExactly("new-country", "impossible-travel", "new-country", "impossible-travel");
        assertThat(flags).extracting(SessionFlag::reason).contains("Used from Australia for the first time", "Used from Brazil for the first time");
        assertThat(flags.get(3).reason()).startsWith("Impossible travel: Brazil 1 minute after Australia");
        List<String> flagged = audit("session.flagged");
        assertThat(flagged).hasSize(2);
        assertThat(flagged.get(1)).contains("Used from Brazil for the first time", "Impossible travel: Brazil 1 minute after Australia")
                .doesNotContain("Australia for the first time");
        assertThat(audit("session.sign-in-alert-sent")).as("a move mails no alert").isEmpty();

        clock.advance(Duration.ofMinutes(1));
        move("200.147.67.142", saoPaulo, "203.2.218.214", sydney);
        clock.advance(Duration.ofMinutes(3));
        move("203.2.218.214", sydney, "200.147.67.142", saoPaulo);
        assertThat(sessions.get(laptop.session().id(), alice.id()).flags()).as("Brazil → Australia is new; Australia → Brazil again is not")
                .extracting(SessionFlag::code).containsExactly("new-country", "impossible-travel", "new-country", "impossible-travel",
                        "impossible-travel");
        assertThat(audit("session.flagged")).hasSize(3);
    }

    /** What the session check publishes when the laptop's next request comes from another address. */
    private void move(String fromIp, GeoLocation from, String toIp, GeoLocation to) {
        events.publishEvent(new dev.lanyard.session.SessionEvent.AddressChanged(laptop.session().id(), alice.id(), fromIp, toIp,
                from, to, clock.instant()));
    }

    @Test
    void anAssessmentThatFailsIsCountedAndTheSignInGoesOn() {
        double before = meters.counter("lanyard.risk.assessment.failures").count();
        jdbc.sql("ALTER TABLE risk_seen RENAME TO risk_seen_away").update();
        Sessions.Started phone;
        try {
            clock.advance(Duration.ofMinutes(5));
            phone = start(CHROME_IN_BERLIN);
        } finally {
            jdbc.sql("ALTER TABLE risk_seen_away RENAME TO risk_seen").update();
        }
        Session stored = sessions.get(phone.session().id(), alice.id());
        assertThat(stored.active()).isTrue();
        assertThat(stored.flags()).isEmpty();
        assertThat(meters.counter("lanyard.risk.assessment.failures").count()).isEqualTo(before + 1);
        assertThat(audit("session.signed-in")).hasSize(2);
    }

    @Test
    void theAlertSettingIsOnByDefaultAndTurningItOffIsAudited() throws Exception {
        String page = asLaptop(get("/settings/security").accept(MediaType.TEXT_HTML)).getContentAsString();
        assertThat(page).contains("Sign-in alerts", "Email me when a new device signs in");
        assertThat(page).containsPattern("name=\"newDeviceEmails\" value=\"on\"\\s+checked");

        MockHttpServletResponse off = asLaptop(withFormToken(post("/settings/security/alerts")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)));
        assertThat(off.getStatus()).isEqualTo(302);
        assertThat(off.getRedirectedUrl()).isEqualTo("/settings/security?done=alerts-off");
        String after = asLaptop(get("/settings/security").param("done", "alerts-off").accept(MediaType.TEXT_HTML)).getContentAsString();
        assertThat(after).contains("You will no longer get an email when a new device signs in.");
        assertThat(after).doesNotContainPattern("name=\"newDeviceEmails\" value=\"on\"\\s+checked");
        assertThat(audit("account.alert-setting-changed")).containsExactly("Turned off email alerts when a new device signs in");
    }

    /** A value that is neither on nor off changes nothing and says so (outside review: "garbage" turned the emails off). */
    @Test
    void theAlertSettingRefusesAValueThatIsNeitherOnNorOff() throws Exception {
        MockHttpServletResponse refused = asLaptop(withFormToken(post("/settings/security/alerts")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).param("newDeviceEmails", "garbage")));
        assertThat(refused.getStatus()).isEqualTo(400);
        assertThat(refused.getContentAsString()).contains("The new device emails setting sent neither on nor off, so nothing was changed.");
        assertThat(audit("account.alert-setting-changed")).isEmpty();
        assertThat(asLaptop(get("/settings/security").accept(MediaType.TEXT_HTML)).getContentAsString())
                .containsPattern("name=\"newDeviceEmails\" value=\"on\"\\s+checked");

        MockHttpServletResponse on = asLaptop(withFormToken(post("/settings/security/alerts")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).param("newDeviceEmails", "on")));
        assertThat(on.getRedirectedUrl()).isEqualTo("/settings/security?done=alerts-on");
    }

    @Test
    void theSettingsFormRefusesAPostWithoutTheCsrfToken() throws Exception {
        MockHttpServletResponse forged = asLaptop(post("/settings/security/alerts").contentType(MediaType.APPLICATION_FORM_URLENCODED));
        assertThat(forged.getStatus()).isEqualTo(403);
        assertThat(audit("account.alert-setting-changed")).isEmpty();
    }

    /** Adds the CSRF token of the security page the laptop has open (its hidden field and the cookie it came with). */
    private MockHttpServletRequestBuilder withFormToken(MockHttpServletRequestBuilder form) throws Exception {
        var page = mvc.perform(get("/settings/security").cookie(new Cookie(ApiClient.COOKIE, laptop.token()))
                .with(ApiClient.from(FIREFOX_IN_MADRID.ip())).accept(MediaType.TEXT_HTML)).andReturn();
        Matcher token = CSRF_INPUT.matcher(page.getResponse().getContentAsString());
        assertThat(token.find()).as("the page carries a CSRF token").isTrue();
        form.param("_csrf", token.group(1));
        Cookie xsrf = page.getResponse().getCookie("XSRF-TOKEN");
        if (xsrf != null) form.cookie(xsrf);
        return form;
    }

    CurrentSession asCurrent(Sessions.Started s) {
        return new CurrentSession(s.session().id(), alice, AppType.WEB);
    }

    static Device device(String browser, String os) {
        return new Device(browser, "1", os, "", DeviceType.DESKTOP, "");
    }

    static GeoLocation nowhere() {
        return new GeoLocation("", "", "", "", "", Optional.empty(), Optional.empty(), false);
    }
}
