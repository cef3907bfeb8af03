package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TeamPolicy;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.device.Device;
import dev.lanyard.device.DeviceType;
import dev.lanyard.geo.GeoLocation;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.LanyardSpringTest;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Session history (PRODUCT.md S8, L4) as a person sees it: the {@code /settings/sessions/history}
 * page and {@code GET /api/v1/sessions/history}, over MockMvc with the whole security chain.
 */
@LanyardSpringTest
class SessionHistoryWebTest {
    private static final String PAGE = "/settings/sessions/history";
    private static final String API = "/api/v1/sessions/history";
    private static final ClientOrigin IPHONE_IN_LONDON = new ClientOrigin(
            new Device("Mobile Safari", "17.2", "iOS", "17.2", DeviceType.MOBILE, "iPhone"),
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) Version/17.2 Mobile/15E148 Safari/604.1", "81.2.69.160",
            new GeoLocation("London", "England", "United Kingdom", "GB", "BT", Optional.of(51.5), Optional.of(-0.1), false));
    private static final ClientOrigin FIREFOX_AT_HOME = new ClientOrigin(
            new Device("Firefox", "133", "Ubuntu", "", DeviceType.DESKTOP, ""),
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64) Firefox/133.0", "192.168.1.20", GeoLocation.local());

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    Sessions sessions;
    @Autowired
    SessionEnds ends;
    @Autowired
    SessionChanges changes;
    @Autowired
    Accounts accounts;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    org.springframework.context.ApplicationContext context;

    private Account alice;
    private Sessions.Started laptop;

    @BeforeEach
    void signInAliceOnHerLaptop() {
        alice = accounts.signUp(TestAccounts.alice());
        laptop = start(TestSessions.madrid());
    }

    private Sessions.Started start(ClientOrigin origin) {
        return sessions.start(new NewSession(alice.id(), origin, AppType.WEB, false));
    }

    private CurrentSession as(Sessions.Started started) {
        return new CurrentSession(started.session().id(), alice, AppType.WEB);
    }

    /** A request with the laptop's cookie, from the laptop's own address (so it is no address change). */
    private MockHttpServletResponse fromLaptop(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.cookie(new Cookie(ApiClient.COOKIE, laptop.token())).with(ApiClient.from(TestSessions.madrid().ip())))
                .andReturn().getResponse();
    }

    private JsonNode history(String query) throws Exception {
        MockHttpServletResponse response = fromLaptop(get(API + query));
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(200);
        return json.readTree(response.getContentAsString());
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("items").forEach(item -> ids.add(item.path("id").asString()));
        return ids;
    }

    private static String id(Sessions.Started started) {
        return started.session().id().value();
    }

    private static boolean hasNoCursor(JsonNode page) {
        return page.path("nextCursor").isNull() || page.path("nextCursor").isMissingNode();
    }

    // ---- what the sessions page asks about cards that left it

    /**
     * The sessions page asks which of the cards that left it ended, and which were verified (refreshes.js, after Refresh or a
     * stream that came back): only the member's own sessions are answered for, and an active one that merely moved is in
     * neither list; a page that asks about more than two pages of cards is refused with a reason.
     */
    @Test
    void departedNamesTheOwnSessionsThatEndedOrAreVerifiedAndNothingElse() throws Exception {
        Sessions.Started phone = start(IPHONE_IN_LONDON);
        Sessions.Started desktop = start(FIREFOX_AT_HOME);
        Sessions.Started approved = start(FIREFOX_AT_HOME);
        TestVerification.verify(context, approved.session().id().value());
        ends.revoke(phone.session().id(), as(laptop));
        Account bob = accounts.signUp(TestAccounts.bob());
        Sessions.Started bobs = sessions.start(new NewSession(bob.id(), FIREFOX_AT_HOME, AppType.WEB, false));
        sessions.logout(new CurrentSession(bobs.session().id(), bob, AppType.WEB));

        MockHttpServletResponse response = fromLaptop(get("/settings/sessions/departed").param("ids", id(phone), id(desktop), id(approved),
                id(bobs), "ses_none", "").header("X-Lanyard-Background", "1").header("HX-Request", "true"));

        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(200);
        assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
        JsonNode answer = json.readTree(response.getContentAsString());
        List<String> ended = new ArrayList<>();
        answer.path("ended").forEach(each -> ended.add(each.asString()));
        List<String> verified = new ArrayList<>();
        answer.path("verified").forEach(each -> verified.add(each.asString()));
        assertThat(ended).containsExactly(id(phone));
        assertThat(verified).containsExactly(id(approved));
        String[] many = new String[SessionPages.MAX_DEPARTED + 1];
        java.util.Arrays.fill(many, id(desktop));
        MockHttpServletResponse tooMany = fromLaptop(get("/settings/sessions/departed").param("ids", many));
        assertThat(tooMany.getStatus()).isEqualTo(400);
        assertThat(tooMany.getContentAsString()).contains("at most " + SessionPages.MAX_DEPARTED + " sessions");
    }

    /**
     * Of the verified cards that came onto a page ({@code arrived}), the sessions approved or verified with a second
     * factor since the page read its list ({@code since}): an approval brings a card onto the "Verified" filter. Not one
     * approved before, one verified without either (as at sign-in), an unverified one, or someone else's.
     */
    @Test
    void departedNamesTheArrivedSessionsVerifiedSinceThePageReadItsList() throws Exception {
        Approvals approvals = context.getBean(Approvals.class);
        TestVerification.verify(context, id(laptop));
        Sessions.Started early = start(FIREFOX_AT_HOME);
        approvals.approve(early.session().id(), as(laptop));
        clock.advance(Duration.ofMinutes(5));
        long since = clock.millis();
        Sessions.Started phone = start(IPHONE_IN_LONDON);
        Sessions.Started atOnce = start(IPHONE_IN_LONDON);
        TestVerification.verify(context, id(atOnce));
        Sessions.Started unverified = start(FIREFOX_AT_HOME);
        Account bob = accounts.signUp(TestAccounts.bob());
        Sessions.Started bobs = sessions.start(new NewSession(bob.id(), FIREFOX_AT_HOME, AppType.WEB, false));
        TestVerification.verify(context, id(bobs));
        Sessions.Started bobsNew = sessions.start(new NewSession(bob.id(), FIREFOX_AT_HOME, AppType.WEB, false));
        clock.advance(Duration.ofSeconds(10));
        approvals.approve(phone.session().id(), as(laptop));
        approvals.approve(bobsNew.session().id(), new CurrentSession(bobs.session().id(), bob, AppType.WEB));

        String[] arrived = {id(early), id(phone), id(atOnce), id(unverified), id(bobsNew)};
        JsonNode answer = json.readTree(fromLaptop(get("/settings/sessions/departed").param("arrived", arrived)
                .param("since", Long.toString(since))).getContentAsString());
        JsonNode withoutSince = json.readTree(fromLaptop(get("/settings/sessions/departed").param("arrived", arrived)).getContentAsString());

        List<String> verifiedSince = new ArrayList<>();
        answer.path("verifiedSince").forEach(each -> verifiedSince.add(each.asString()));
        assertThat(verifiedSince).containsExactly(id(phone));
        assertThat(withoutSince.path("verifiedSince").isEmpty()).as("nothing is new without the time it is new since").isTrue();
    }

    // ---- the page

    @Test
    void historyPageListsEndedSessionsWithDeviceLocationDurationAndWhy() throws Exception {
        Sessions.Started phone = start(IPHONE_IN_LONDON);
        clock.advance(Duration.ofDays(3));
        ends.revoke(phone.session().id(), as(laptop));
        Sessions.Started desktop = start(FIREFOX_AT_HOME);
        clock.advance(Duration.ofHours(2));
        sessions.logout(as(desktop));

        MockHttpServletResponse response = fromLaptop(get(PAGE).accept(MediaType.TEXT_HTML));

        assertThat(response.getStatus()).isEqualTo(200);
        List<String> rows = rows(response.getContentAsString());
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).as("most recently ended first")
                .contains("Firefox 133 on Ubuntu", "Local network", "2 hours", "Signed out");
        assertThat(rows.get(1)).contains("Mobile Safari 17.2 on iPhone", "<span>London,</span> <span>England,</span> <span>United Kingdom</span>", "3 days",
                "Revoked by you from <bdi>Chrome 131 on macOS 14</bdi>", SessionView.EXACT.format(phone.session().createdAt()));
        assertThat(response.getContentAsString()).contains("IP Geolocation by DB-IP");
    }

    /**
     * A node of this build next to a newer one during an upgrade reads end reasons the newer build added: the history
     * says "Ended" (API {@code other}) instead of failing the member's pages, apps and tokens (review AM).
     */
    @Test
    void anEndReasonOfANewerBuildReadsAsEnded() throws Exception {
        Sessions.Started phone = start(IPHONE_IN_LONDON);
        ends.revoke(phone.session().id(), as(laptop));
        jdbc.update("UPDATE sessions SET end_reason = 'ENDED_BY_SOMETHING_NEWER' WHERE id = ?", phone.session().id().value());

        MockHttpServletResponse page = fromLaptop(get(PAGE).accept(MediaType.TEXT_HTML));
        assertThat(page.getStatus()).isEqualTo(200);
        assertThat(rows(page.getContentAsString())).singleElement().asString().contains("Mobile Safari 17.2 on iPhone", "Ended");
        MockHttpServletResponse api = fromLaptop(get(API));
        assertThat(api.getStatus()).isEqualTo(200);
        assertThat(json.readTree(api.getContentAsString()).path("items").get(0).path("endReason").asString()).isEqualTo("other");
        MockHttpServletResponse phonesNext = mvc.perform(get("/api/v1/sessions/current")
                .header("Authorization", "Bearer " + phone.token())).andReturn().getResponse();
        assertThat(phonesNext.getStatus()).as("still ended").isEqualTo(401);
    }

    @Test
    void historyPageNamesTheRevokingSessionByItsName() throws Exception {
        Sessions.Started phone = start(IPHONE_IN_LONDON);
        changes.rename(laptop.session().id(), alice.id(), "Work laptop");
        clock.advance(Duration.ofMinutes(10));
        ends.revoke(phone.session().id(), as(laptop));

        String html = fromLaptop(get(PAGE).accept(MediaType.TEXT_HTML)).getContentAsString();

        assertThat(rows(html)).singleElement().asString().contains("Revoked by you from <bdi>Work laptop</bdi>", "10 minutes");
    }

    @Test
    void historyPageWithNothingEndedSaysSo() throws Exception {
        MockHttpServletResponse response = fromLaptop(get(PAGE).accept(MediaType.TEXT_HTML));

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).contains("No ended sessions yet.");
    }

    @Test
    void historyPageShowsOnlyTheCallersOwnSessions() throws Exception {
        Account bob = accounts.signUp(TestAccounts.bob());
        Sessions.Started bobs = sessions.start(new NewSession(bob.id(), IPHONE_IN_LONDON, AppType.WEB, false));
        sessions.logout(new CurrentSession(bobs.session().id(), bob, AppType.WEB));

        String html = fromLaptop(get(PAGE).accept(MediaType.TEXT_HTML)).getContentAsString();

        assertThat(html).contains("No ended sessions yet.").doesNotContain(id(bobs));
        assertThat(ids(history(""))).isEmpty();
    }

    private static List<String> rows(String html) {
        Matcher body = Pattern.compile("<tbody>(.*?)</tbody>", Pattern.DOTALL).matcher(html);
        if (!body.find()) return List.of();
        List<String> rows = new ArrayList<>();
        Matcher row = Pattern.compile("<tr>(.*?)</tr>", Pattern.DOTALL).matcher(body.group(1));
        while (row.find()) rows.add(row.group(1));
        return rows;
    }

    // ---- the API

    @Test
    void historyApiPagesWithLimitAndCursor() throws Exception {
        Sessions.Started first = start(IPHONE_IN_LONDON);
        Sessions.Started second = start(FIREFOX_AT_HOME);
        Sessions.Started third = start(IPHONE_IN_LONDON);
        clock.advance(Duration.ofMinutes(1));
        ends.revoke(first.session().id(), as(laptop));
        clock.advance(Duration.ofMinutes(1));
        sessions.logout(as(second));
        clock.advance(Duration.ofMinutes(1));
        ends.revoke(third.session().id(), as(laptop));

        JsonNode page1 = history("?limit=2");
        JsonNode page2 = history("?limit=2&cursor=" + page1.path("nextCursor").asString());

        assertThat(ids(page1)).containsExactly(id(third), id(second));
        assertThat(page1.path("nextCursor").asString()).isNotBlank();
        assertThat(ids(page2)).containsExactly(id(first));
        assertThat(hasNoCursor(page2)).as("last page").isTrue();
        JsonNode revoked = page1.path("items").get(0);
        assertThat(revoked.path("endReason").asString()).isEqualTo("revoked");
        assertThat(revoked.path("endedBy").asString()).isEqualTo(alice.id().value());
        assertThat(revoked.path("endedAt").asString()).isEqualTo(clock.instant().toString());
        assertThat(revoked.path("device").path("description").asString()).isEqualTo("Mobile Safari 17.2 on iPhone");
        assertThat(revoked.path("location").path("city").asString()).isEqualTo("London");
        assertThat(revoked.path("ip").asString()).as("masked in lists").isNotEqualTo("81.2.69.160");
        assertThat(page1.path("items").get(1).path("endReason").asString()).isEqualTo("signed-out");
    }

    @Test
    void historyApiPagesThroughSessionsThatEndedAtTheSameInstant() throws Exception {
        List<String> ended = new ArrayList<>();
        for (int i = 0; i < 5; i++) ended.add(id(start(FIREFOX_AT_HOME)));
        clock.advance(Duration.ofMinutes(1));
        ends.revokeOthers(as(laptop));

        List<String> seen = new ArrayList<>();
        JsonNode page = history("?limit=2");
        seen.addAll(ids(page));
        while (!hasNoCursor(page)) {
            page = history("?limit=2&cursor=" + page.path("nextCursor").asString());
            assertThat(ids(page)).isNotEmpty().hasSizeLessThanOrEqualTo(2);
            seen.addAll(ids(page));
        }

        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ended);
    }

    @Test
    void historyApiListsSessionsThatExpired() throws Exception {
        accounts.changePolicy(alice, new TeamPolicy(Duration.ofDays(1), true, 30, 7));
        Sessions.Started phone = start(IPHONE_IN_LONDON);
        clock.advance(Duration.ofHours(23));
        assertThat(fromLaptop(get("/api/v1/sessions/current")).getStatus()).as("the laptop stays in use").isEqualTo(200);
        clock.advance(Duration.ofHours(2));
        assertThat(sessions.check(phone.token(), Optional.empty())).isEqualTo(new Sessions.Check.Ended(EndReason.IDLE_EXPIRED));

        JsonNode page = history("");

        assertThat(ids(page)).containsExactly(id(phone));
        assertThat(page.path("items").get(0).path("endReason").asString()).isEqualTo("idle-expired");
        assertThat(page.path("items").get(0).path("endedBy").isNull()).as("nobody ended it").isTrue();
    }

    /**
     * The details of a session past its idle timeout that the sweep has not ended yet say it ended, and when: it read as
     * active, with "Sign out this session", until the sweep ended it, up to a minute later, while the list left it out.
     */
    @Test
    void theDetailsOfASessionExpiredButNotYetSweptSayItEndedWhenItExpired() throws Exception {
        accounts.changePolicy(alice, new TeamPolicy(Duration.ofDays(1), true, 30, 7));
        Sessions.Started phone = start(IPHONE_IN_LONDON);
        Instant expired = phone.session().lastActiveAt().plus(Duration.ofDays(1));
        clock.advance(Duration.ofHours(23));
        assertThat(fromLaptop(get("/api/v1/sessions/current")).getStatus()).as("the laptop stays in use").isEqualTo(200);
        clock.advance(Duration.ofHours(2));

        String details = page("/settings/sessions/" + id(phone));

        assertThat(details).contains("This session has ended: <bdi>Expired after inactivity</bdi>.")
                .contains("<dt>Expires</dt><dd>—</dd>")
                .contains("<time datetime=\"" + expired.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\"")
                .contains("Ended: Expired after inactivity")
                .doesNotContain("Sign out this session");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM sessions WHERE id = ? AND ended_at IS NULL", Integer.class, id(phone)))
                .as("not swept").isEqualTo(1);
    }

    /** A remembered session whose team then forbade "Remember me" was cut short, and its page still said "Yes" (outside QA). */
    @Test
    void theDetailsSayARememberedSessionIsNoLongerRememberedOnceTheTeamForbidsIt() throws Exception {
        Sessions.Started phone = sessions.start(new NewSession(alice.id(), IPHONE_IN_LONDON, AppType.WEB, true));
        String path = "/settings/sessions/" + id(phone);
        assertThat(fromLaptop(get(path).accept(MediaType.TEXT_HTML)).getContentAsString()).contains("<dt>Remember me</dt><dd>Yes</dd>");

        accounts.changePolicy(alice, new TeamPolicy(Duration.ofDays(7), false, 30, 3));
        assertThat(fromLaptop(get(path).accept(MediaType.TEXT_HTML)).getContentAsString())
                .contains("<dt>Remember me</dt><dd>No: ticked at sign-in, but");
    }

    /**
     * Found from outside, twice: with a 1-day idle timeout and a 7-day lifetime, "Expires" said the lifetime's end, a week
     * away, and the session ended after one day without use. The expiry says both, on the member's details and on the
     * admin's page of the member's sessions.
     */
    @Test
    void theExpirySaysASessionEndsSoonerIfItIsNotUsed() throws Exception {
        accounts.changePolicy(alice, new TeamPolicy(Duration.ofDays(1), true, 30, 7));
        Sessions.Started phone = start(IPHONE_IN_LONDON);
        Instant unused = phone.session().lastActiveAt().plus(Duration.ofDays(1));
        String expiry = SessionView.EXACT.format(phone.session().expiresAt()) + "</time>, or after 1 day without use (<time datetime=\""
                + unused.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\">" + SessionView.EXACT.format(unused)
                + "</time> if not used before then)";

        assertThat(page("/settings/sessions/" + id(phone))).contains("<dt>Expires</dt>").contains(expiry);
        assertThat(page("/admin/members/" + alice.id().value() + "/sessions")).contains(expiry);

        accounts.changePolicy(alice, new TeamPolicy(Duration.ZERO, true, 30, 7));
        assertThat(page("/settings/sessions/" + id(phone))).as("no idle timeout: only the expiry")
                .contains(SessionView.EXACT.format(phone.session().expiresAt()) + "</time></dd>").doesNotContain("without use");
    }

    /**
     * The API's expiresAt keeps saying when a session ends at the latest; idleExpiresAt says when it ends if not used
     * before then, from the idle timeout the session check applies: the team's, written to open sessions when it changes.
     */
    @Test
    void theApiSaysWhenASessionEndsIfItIsNotUsedBesideWhenItEndsAtTheLatest() throws Exception {
        accounts.changePolicy(alice, new TeamPolicy(Duration.ofDays(1), true, 30, 7));
        clock.advance(Duration.ofHours(5));

        JsonNode current = current();

        Instant created = Instant.parse(current.path("createdAt").asString());
        Instant lastActive = Instant.parse(current.path("lastActiveAt").asString());
        assertThat(lastActive).as("used just now").isAfter(created);
        assertThat(Instant.parse(current.path("expiresAt").asString())).isEqualTo(created.plus(Duration.ofDays(7)));
        assertThat(Instant.parse(current.path("idleExpiresAt").asString())).isEqualTo(lastActive.plus(Duration.ofDays(1)));

        accounts.changePolicy(alice, new TeamPolicy(Duration.ofDays(30), true, 30, 7));
        assertThat(current().path("idleExpiresAt").asString()).as("the expiry comes first")
                .isEqualTo(current.path("expiresAt").asString());

        accounts.changePolicy(alice, new TeamPolicy(Duration.ZERO, true, 30, 7));
        JsonNode without = current();
        assertThat(without.has("idleExpiresAt")).isTrue();
        assertThat(without.path("idleExpiresAt").isNull()).as("no idle timeout").isTrue();
        assertThat(without.path("expiresAt").asString()).isEqualTo(current.path("expiresAt").asString());
    }

    private String page(String path) throws Exception {
        MockHttpServletResponse response = fromLaptop(get(path).accept(MediaType.TEXT_HTML));
        assertThat(response.getStatus()).as(path).isEqualTo(200);
        return response.getContentAsString();
    }

    private JsonNode current() throws Exception {
        MockHttpServletResponse response = fromLaptop(get("/api/v1/sessions/current"));
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(200);
        return json.readTree(response.getContentAsString());
    }

    @Test
    void historyApiRefusesABadLimitOrCursor() throws Exception {
        for (String query : new String[] {"?limit=0", "?limit=101", "?limit=-1"}) {
            MockHttpServletResponse response = fromLaptop(get(API + query));
            assertThat(response.getStatus()).as(query).isEqualTo(400);
            assertThat(json.readTree(response.getContentAsString()).path("field").asString()).as(query).isEqualTo("limit");
        }
        MockHttpServletResponse notANumber = fromLaptop(get(API + "?limit=two"));
        assertThat(notANumber.getStatus()).isEqualTo(400);
        assertThat(notANumber.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        MockHttpServletResponse badCursor = fromLaptop(get(API + "?cursor=not-a-cursor!"));
        assertThat(badCursor.getStatus()).isEqualTo(400);
        assertThat(json.readTree(badCursor.getContentAsString()).path("type").asString()).isEqualTo("urn:lanyard:problem:invalid-cursor");
    }

    @Test
    void historyApiNeedsASignedInCaller() throws Exception {
        MockHttpServletResponse response = mvc.perform(get(API)).andReturn().getResponse();

        assertThat(response.getStatus()).isEqualTo(401);
    }
}
