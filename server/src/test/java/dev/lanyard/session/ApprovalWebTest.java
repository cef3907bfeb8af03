package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.audit.AuditEntry;
import dev.lanyard.audit.AuditLog;
import dev.lanyard.audit.AuditQuery;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Approving a new sign-in from a verified session (PRODUCT.md V2) on the sessions page and through
 * {@code POST /api/v1/sessions/{id}/approve|deny}, who may do it, and the security recommendations banner (S5).
 * Sessions are made verified directly in the database: the second factor that verifies them is another feature.
 */
@LanyardSpringTest
class ApprovalWebTest {
    private static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SessionCache cache;
    @Autowired
    Accounts accounts;
    @Autowired
    AuditLog audit;
    @Autowired
    MutableClock clock;
    @Autowired
    Sessions sessions;
    @Autowired
    SessionLifetimes lifetimes;

    private ApiClient api;
    private Member laptop;
    private Member phone;

    @BeforeEach
    void aVerifiedLaptopAndANewPhone() throws Exception {
        api = new ApiClient(mvc, json);
        laptop = api.signUp("vera");
        verify(laptop);
        phone = api.logIn(laptop);
    }

    /** What a passed second factor does, as far as these tests are concerned. */
    private void verify(Member member) {
        jdbc.sql("UPDATE sessions SET verified = TRUE WHERE id = :id").param("id", member.sessionId()).update();
        cache.evict(List.of(new SessionId(member.sessionId())));
    }

    private MockHttpServletResponse as(Member member, MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.cookie(member.cookie()).with(member.from())).andReturn().getResponse();
    }

    private MockHttpServletResponse approve(Member by, Member target) throws Exception {
        return as(by, post("/api/v1/sessions/" + target.sessionId() + "/approve").contentType(MediaType.APPLICATION_JSON));
    }

    private MockHttpServletResponse deny(Member by, Member target) throws Exception {
        return as(by, post("/api/v1/sessions/" + target.sessionId() + "/deny").contentType(MediaType.APPLICATION_JSON));
    }

    private JsonNode session(Member member) throws Exception {
        return json.readTree(as(member, get("/api/v1/sessions/current")).getContentAsString());
    }

    private String html(Member member, String path) throws Exception {
        return as(member, get(path).accept(MediaType.TEXT_HTML)).getContentAsString();
    }

    private void problem(MockHttpServletResponse response, int status, String code) throws Exception {
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(status);
        assertThat(response.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(json.readTree(response.getContentAsString()).path("type").asString()).isEqualTo("urn:lanyard:problem:" + code);
    }

    private List<AuditEntry> auditOf(Member member) {
        var account = accounts.find(new AccountId(member.accountId())).orElseThrow();
        return audit.page(AuditQuery.all(account.team()), 100, Optional.empty()).items();
    }

    private MockHttpServletRequestBuilder withFormToken(Member member, MockHttpServletRequestBuilder form) throws Exception {
        MvcResult page = mvc.perform(get("/settings/sessions").cookie(member.cookie()).with(member.from()).accept(MediaType.TEXT_HTML))
                .andReturn();
        Matcher token = CSRF_INPUT.matcher(page.getResponse().getContentAsString());
        assertThat(token.find()).as("the page carries a CSRF token").isTrue();
        form.param("_csrf", token.group(1));
        Cookie xsrf = page.getResponse().getCookie("XSRF-TOKEN");
        if (xsrf != null) form.cookie(xsrf);
        HttpSession session = page.getRequest().getSession(false);
        if (session != null) form.session((MockHttpSession) session);
        return form;
    }

    @Test
    void approvingFromAVerifiedSessionMakesTheSignInVerified() throws Exception {
        assertThat(session(phone).path("verified").asBoolean()).isFalse();

        assertThat(approve(laptop, phone).getStatus()).isEqualTo(204);

        assertThat(session(phone).path("verified").asBoolean()).isTrue();
        assertThat(auditOf(laptop)).filteredOn(e -> e.action().equals("session.approved")).singleElement()
                .satisfies(e -> {
                    assertThat(e.session()).contains(new SessionId(phone.sessionId()));
                    assertThat(e.detail()).startsWith("Approved the sign-in on ");
                });
        assertThat(html(laptop, "/settings/sessions/" + phone.sessionId())).contains("Verified: approved from");
        assertThat(approve(laptop, phone).getStatus()).as("approving again changes nothing").isEqualTo(204);
        assertThat(auditOf(laptop)).filteredOn(e -> e.action().equals("session.approved")).hasSize(1);
    }

    @Test
    void denyingSignsTheSignInOutWithItsReason() throws Exception {
        assertThat(deny(laptop, phone).getStatus()).isEqualTo(204);

        MockHttpServletResponse refused = as(phone, get("/api/v1/sessions/current"));
        assertThat(refused.getStatus()).isEqualTo(401);
        JsonNode history = json.readTree(as(laptop, get("/api/v1/sessions/history")).getContentAsString());
        String reason = "";
        for (JsonNode s : history.path("items")) if (s.path("id").asString().equals(phone.sessionId())) reason = s.path("endReason").asString();
        assertThat(reason).isEqualTo("denied");
        assertThat(html(laptop, "/settings/sessions/history")).contains("Sign-in denied from a verified device");
        assertThat(auditOf(laptop)).filteredOn(e -> e.action().equals("session.denied")).singleElement()
                .satisfies(e -> assertThat(e.detail()).startsWith("Denied the sign-in on "));
        assertThat(deny(laptop, phone).getStatus()).as("denying again changes nothing").isEqualTo(204);
    }

    @Test
    void anUnverifiedSessionCanNeitherApproveNorDeny() throws Exception {
        Member tablet = api.logIn(laptop);

        problem(approve(phone, tablet), 403, "session-not-verified");
        problem(deny(phone, tablet), 403, "session-not-verified");
        problem(approve(phone, phone), 403, "session-not-verified");

        assertThat(session(tablet).path("verified").asBoolean()).isFalse();
        assertThat(as(tablet, get("/api/v1/sessions/current")).getStatus()).isEqualTo(200);
    }

    @Test
    void anotherMembersSessionIsNotFound() throws Exception {
        Member stranger = api.signUp("stranger");
        verify(stranger);

        problem(approve(stranger, phone), 404, "session-not-found");
        problem(deny(stranger, phone), 404, "session-not-found");

        assertThat(session(phone).path("verified").asBoolean()).isFalse();
        assertThat(as(phone, get("/api/v1/sessions/current")).getStatus()).isEqualTo(200);
    }

    @Test
    void aVerifiedSessionIsSignedOutNotDenied() throws Exception {
        Member desktop = api.logIn(laptop);
        verify(desktop);

        problem(deny(laptop, desktop), 409, "session-not-pending");
        assertThat(as(desktop, get("/api/v1/sessions/current")).getStatus()).isEqualTo(200);
    }

    @Test
    void anApiKeyCanNeverApprove() throws Exception {
        MockHttpServletResponse created = as(laptop, post("/api/v1/api-keys").contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("name", "Robot", "scopes", List.of("sessions:read", "sessions:write"), "password", TestAccounts.PASSWORD))));
        String key = json.readTree(created.getContentAsString()).path("secret").asString();

        MockHttpServletResponse response = mvc.perform(post("/api/v1/sessions/" + phone.sessionId() + "/approve")
                .header("Authorization", "Bearer " + key)).andReturn().getResponse();

        problem(response, 403, "session-not-verified");
        assertThat(session(phone).path("verified").asBoolean()).isFalse();
    }

    @Test
    void theVerifiedSessionsPageAsksToApproveTheNewSignInNamingItsDeviceLocationAndTime() throws Exception {
        JsonNode details = json.readTree(as(laptop, get("/api/v1/sessions/" + phone.sessionId())).getContentAsString());

        String page = html(laptop, "/settings/sessions");

        assertThat(page).contains("Approve this sign-in?");
        assertThat(page).contains(details.path("device").path("description").asString());
        assertThat(page).contains(SessionView.EXACT.format(java.time.Instant.parse(details.path("createdAt").asString())));
        assertThat(page).contains("action=\"/settings/sessions/" + phone.sessionId() + "/approve\"")
                .contains("action=\"/settings/sessions/" + phone.sessionId() + "/deny\"");
        String phonePage = html(phone, "/settings/sessions");
        assertThat(phonePage).as("an unverified session is not asked").doesNotContain("class=\"card approval\"");
        assertThat(phonePage).contains("This session is not verified.").contains("href=\"/settings/sessions/verify\"");
        assertThat(phonePage).contains("class=\"badge unverified\"");
    }

    /** The card of one pending sign-in on {@code member}'s sessions page. */
    private String approvalCard(Member member) throws Exception {
        String page = html(member, "/settings/sessions");
        int start = page.indexOf("class=\"card approval\"");
        assertThat(start).as("an approval card:\n" + page).isNotNegative();
        return page.substring(start, page.indexOf("</article>", start));
    }

    /** A pending sign-in can name itself as the member's own laptop: the card goes by what it cannot choose so freely. */
    @Test
    void theApprovalCardShowsTheDeviceAndFlagsNotTheNameThePendingSignInGaveItself() throws Exception {
        String posing = "Vera Work MacBook Pro (Chrome on macOS)";
        MockHttpServletResponse renamed = as(phone, org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                .patch("/api/v1/sessions/" + phone.sessionId()).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("name", posing))));
        assertThat(renamed.getStatus()).as("a pending sign-in may still name itself: " + renamed.getContentAsString()).isEqualTo(200);
        SessionId id = new SessionId(phone.sessionId());
        AccountId owner = new AccountId(phone.accountId());
        sessions.flag(id, owner, List.of(new SessionFlag("new-country", SessionFlag.Level.HIGH, "First sign-in from Germany")));
        Session pending = sessions.get(id, owner);

        String card = approvalCard(laptop);

        assertThat(card).contains("<dt>Device</dt><dd><span>" + pending.device().description() + " (" + pending.device().type().label() + ")</span>");
        assertThat(card).as("the name is no device").doesNotContain("<dd>" + posing)
                .contains("Named \u201c<bdi>" + posing + "</bdi>\u201d from a signed-in session, perhaps this one: the name proves nothing.");
        assertThat(card).as("the session's flags").contains("High concern: this session looks suspicious", "First sign-in from Germany");
        assertThat(card).as("the buttons' names").contains("aria-label=\"Approve the sign-in on \u2068" + pending.device().description() + "\u2069 in ")
                .doesNotContain("aria-label=\"Approve the sign-in on " + posing);
        assertThat(html(laptop, "/settings/sessions/" + phone.sessionId())).contains("It signed in from <bdi>" + pending.device().description() + "</bdi>")
                .contains("Its name, \u201c<bdi>" + posing + "</bdi>\u201d, was given from a signed-in session, perhaps this one: the name proves nothing.");
    }

    /**
     * A sign-in from Madrid later used from a local network (outside review): the card and the details page name where it
     * signed in, the place its flag "First sign-in from Spain" speaks of, not where it was used last.
     */
    @Test
    void theApprovalCardNamesThePlaceAndAddressOfTheSignInNotWhereTheSessionIsUsedNow() throws Exception {
        AccountId owner = new AccountId(laptop.accountId());
        clock.advance(Duration.ofMinutes(1));
        Sessions.Started madrid = sessions.start(new NewSession(owner, TestSessions.madrid(), AppType.WEB, false));
        sessions.flag(madrid.session().id(), owner, List.of(new SessionFlag("new-country", SessionFlag.Level.HIGH, "First sign-in from Spain")));
        MockHttpServletResponse used = mvc.perform(get("/api/v1/sessions/current").cookie(new Cookie(ApiClient.COOKIE, madrid.token()))
                .with(ApiClient.from("127.0.0.1"))).andReturn().getResponse();
        assertThat(used.getStatus()).isEqualTo(200);
        assertThat(json.readTree(used.getContentAsString()).path("location").path("label").asString())
                .as("the session is used from a local network now").isEqualTo("Local network");

        String page = html(laptop, "/settings/sessions");
        int start = page.indexOf("aria-labelledby=\"approve-" + madrid.session().id().value() + "\"");
        assertThat(start).as("the sign-in's approval card").isNotNegative();
        String card = page.substring(start, page.indexOf("</article>", start));

        assertThat(card).contains("<span class=\"place-name\"><span>Madrid,</span> <span>Spain</span></span> · <span class=\"ip\">83.45.123.•••</span>")
                .contains("First sign-in from Spain", "aria-label=\"Approve the sign-in on \u2068Chrome 131 on macOS 14\u2069 in Madrid, Spain\"")
                .doesNotContain("Local network", "127.0.0.");
        assertThat(html(laptop, "/settings/sessions/" + madrid.session().id().value()))
                .contains("It signed in from <bdi>Chrome 131 on macOS 14</bdi> (Desktop) in Madrid, Spain on ");
    }

    @Test
    void anOldUnverifiedSignInNoLongerAsksButCanBeApprovedFromItsDetails() throws Exception {
        jdbc.sql("UPDATE sessions SET created_at = :then WHERE id = :id")
                .param("then", clock.instant().minus(Approvals.WINDOW).minus(Duration.ofHours(1)).toEpochMilli())
                .param("id", phone.sessionId()).update();

        assertThat(html(laptop, "/settings/sessions")).doesNotContain("class=\"card approval\"");
        assertThat(html(laptop, "/settings/sessions/" + phone.sessionId())).contains("Approve this sign-in?");
    }

    @Test
    void theApproveButtonApprovesAndTheCardGoes() throws Exception {
        MockHttpServletResponse response = as(laptop, withFormToken(laptop, post("/settings/sessions/" + phone.sessionId() + "/approve")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)));

        assertThat(response.getStatus()).isEqualTo(302);
        assertThat(response.getRedirectedUrl()).isEqualTo("/settings/sessions?done=approved");
        assertThat(session(phone).path("verified").asBoolean()).isTrue();
        String page = html(laptop, response.getRedirectedUrl());
        assertThat(page).contains("Sign-in approved.").doesNotContain("class=\"card approval\"");
    }

    @Test
    void theDenyButtonSignsTheSignInOut() throws Exception {
        MockHttpServletResponse response = as(laptop, withFormToken(laptop, post("/settings/sessions/" + phone.sessionId() + "/deny")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)));

        assertThat(response.getRedirectedUrl()).isEqualTo("/settings/sessions?done=denied");
        assertThat(as(phone, get("/api/v1/sessions/current")).getStatus()).isEqualTo(401);
    }

    /** Makes the sign-in reach its maximum lifetime a minute ago, which the sweep (hourly here) has not seen yet. */
    private void pastItsLifetime(Member member) {
        jdbc.sql("UPDATE sessions SET expires_at = :at WHERE id = :id")
                .param("at", clock.instant().minus(Duration.ofMinutes(1)).toEpochMilli()).param("id", member.sessionId()).update();
    }

    /** A card left open while the sign-in reached its maximum lifetime: it ends as expired, and the page says so. */
    @Test
    void theDenyButtonOfASignInThatHadExpiredSaysItHadExpired() throws Exception {
        pastItsLifetime(phone);

        MockHttpServletResponse response = as(laptop, withFormToken(laptop, post("/settings/sessions/" + phone.sessionId() + "/deny")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)));

        assertThat(response.getRedirectedUrl()).isEqualTo("/settings/sessions?done=already-signed-out&session=" + phone.sessionId());
        assertThat(html(laptop, response.getRedirectedUrl())).contains("had already expired: nothing more was done.");
        assertThat(sessions.get(new SessionId(phone.sessionId()), new AccountId(phone.accountId())).ending())
                .hasValueSatisfying(e -> assertThat(e.reason()).isEqualTo(EndReason.LIFETIME_EXPIRED));
        assertThat(auditOf(laptop)).noneMatch(e -> e.action().equals("session.denied"));
    }

    /** A card left open while the sign-in reached its maximum lifetime: it is not approved, and the page says it had expired. */
    @Test
    void theApproveButtonOfASignInThatHadExpiredSaysItHadExpired() throws Exception {
        pastItsLifetime(phone);

        MockHttpServletResponse response = as(laptop, withFormToken(laptop, post("/settings/sessions/" + phone.sessionId() + "/approve")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)));

        assertThat(response.getRedirectedUrl()).isEqualTo("/settings/sessions?done=already-signed-out&session=" + phone.sessionId());
        assertThat(html(laptop, response.getRedirectedUrl())).contains("had already expired: nothing more was done.")
                .doesNotContain("Sign-in approved.");
        assertThat(sessions.get(new SessionId(phone.sessionId()), new AccountId(phone.accountId())).verified()).isFalse();
        assertThat(auditOf(laptop)).noneMatch(e -> e.action().equals("session.approved"));
    }

    /** As the API answers for it once the sweep has ended it, and as for any sign-in that ended. */
    @Test
    void approvingASignInThatHadExpiredThroughTheApiFindsNoSuchSession() throws Exception {
        pastItsLifetime(phone);

        problem(approve(laptop, phone), 404, "session-not-found");

        assertThat(sessions.get(new SessionId(phone.sessionId()), new AccountId(phone.accountId())).verified()).isFalse();
        assertThat(auditOf(laptop)).noneMatch(e -> e.action().equals("session.approved"));
    }

    @Test
    void denyingASignInThatHadExpiredThroughTheApiEndsItAsExpired() throws Exception {
        pastItsLifetime(phone);

        assertThat(deny(laptop, phone).getStatus()).isEqualTo(204);

        assertThat(sessions.get(new SessionId(phone.sessionId()), new AccountId(phone.accountId())).ending())
                .hasValueSatisfying(e -> assertThat(e.reason()).isEqualTo(EndReason.LIFETIME_EXPIRED));
        assertThat(auditOf(laptop)).noneMatch(e -> e.action().equals("session.denied"));
    }

    /**
     * Approve and Deny, on the page and in the API, of a sign-in that had expired, as they answer before the sweep has ended
     * it ({@link #theApproveButtonOfASignInThatHadExpiredSaysItHadExpired}, {@link #theDenyButtonOfASignInThatHadExpiredSaysItHadExpired},
     * {@link #approvingASignInThatHadExpiredThroughTheApiFindsNoSuchSession}, {@link #denyingASignInThatHadExpiredThroughTheApiEndsItAsExpired}).
     */
    private void approveAndDenyAnswerThatItHadExpired(Member target) throws Exception {
        for (String action : List.of("approve", "deny")) {
            MockHttpServletResponse response = as(laptop, withFormToken(laptop, post("/settings/sessions/" + target.sessionId() + "/" + action)
                    .contentType(MediaType.APPLICATION_FORM_URLENCODED)));
            assertThat(response.getRedirectedUrl()).as(action).isEqualTo("/settings/sessions?done=already-signed-out&session=" + target.sessionId());
            assertThat(html(laptop, response.getRedirectedUrl())).as(action).contains("had already expired: nothing more was done.");
        }
        problem(approve(laptop, target), 404, "session-not-found");
        assertThat(deny(laptop, target).getStatus()).isEqualTo(204);

        assertThat(sessions.get(new SessionId(target.sessionId()), new AccountId(target.accountId())).ending())
                .hasValueSatisfying(e -> assertThat(e.reason()).isEqualTo(EndReason.LIFETIME_EXPIRED));
        assertThat(sessions.get(new SessionId(target.sessionId()), new AccountId(target.accountId())).verified()).isFalse();
        assertThat(auditOf(laptop)).noneMatch(e -> e.action().equals("session.approved") || e.action().equals("session.denied"));
    }

    /**
     * The mail's link opened a minute late: once the sweep has ended the sign-in as expired, Approve and Deny answer as they
     * did before it, on the page and in the API. They were a plain not found (outside review).
     */
    @Test
    void aSignInTheSweepEndedAsExpiredIsAnsweredAsBeforeTheSweep() throws Exception {
        pastItsLifetime(phone);
        lifetimes.sweep();
        assertThat(jdbc.sql("SELECT end_reason FROM sessions WHERE id = :id").param("id", phone.sessionId()).query(String.class).single())
                .as("ended by the sweep").isEqualTo(EndReason.LIFETIME_EXPIRED.name());

        approveAndDenyAnswerThatItHadExpired(phone);
    }

    /** A verified sign-in is signed out, not denied; one that had expired is answered as expired, not as one to sign out. */
    @Test
    void denyingAVerifiedSignInThatHadExpiredSaysItHadExpired() throws Exception {
        Member desktop = api.logIn(laptop);
        verify(desktop);
        pastItsLifetime(desktop);

        assertThat(deny(laptop, desktop).getStatus()).isEqualTo(204);
        assertThat(sessions.get(new SessionId(desktop.sessionId()), new AccountId(desktop.accountId())).ending())
                .hasValueSatisfying(e -> assertThat(e.reason()).isEqualTo(EndReason.LIFETIME_EXPIRED));
        assertThat(deny(laptop, desktop).getStatus()).as("and once ended").isEqualTo(204);
    }

    /** A sign-in that ended any other way keeps its answers: signed out is not found, denied is denied already. */
    @Test
    void aSignInSignedOutOrDeniedIsNotAnsweredAsExpired() throws Exception {
        Member tablet = api.logIn(laptop);
        assertThat(as(laptop, org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete("/api/v1/sessions/" + phone.sessionId()))
                .getStatus()).isEqualTo(204);
        assertThat(deny(laptop, tablet).getStatus()).isEqualTo(204);
        pastItsLifetime(phone);
        pastItsLifetime(tablet);

        problem(approve(laptop, phone), 404, "session-not-found");
        problem(deny(laptop, phone), 404, "session-not-found");
        assertThat(as(laptop, withFormToken(laptop, post("/settings/sessions/" + phone.sessionId() + "/approve")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED))).getStatus()).isEqualTo(404);
        problem(approve(laptop, tablet), 404, "session-not-found");
        assertThat(deny(laptop, tablet).getStatus()).isEqualTo(204);
        MockHttpServletResponse deniedAgain = as(laptop, withFormToken(laptop, post("/settings/sessions/" + tablet.sessionId() + "/deny")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)));
        assertThat(html(laptop, deniedAgain.getRedirectedUrl())).contains("had already been signed out").doesNotContain("had already expired");
    }

    /** The ids of the sign-ins the API lists as unverified to {@code member}. */
    private List<String> unverifiedIds(Member member) throws Exception {
        MockHttpServletResponse response = as(member, get("/api/v1/sessions").param("filter", "unverified"));
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(200);
        return json.readTree(response.getContentAsString()).path("items").findValuesAsString("id");
    }

    @Test
    void aSignInThatHadExpiredAsksForNoApprovalOnThePageOrInTheApi() throws Exception {
        assertThat(approvalCard(laptop)).contains("action=\"/settings/sessions/" + phone.sessionId() + "/approve\"");
        assertThat(unverifiedIds(laptop)).contains(phone.sessionId());

        pastItsLifetime(phone);

        assertThat(html(laptop, "/settings/sessions")).doesNotContain("class=\"card approval\"");
        assertThat(unverifiedIds(laptop)).doesNotContain(phone.sessionId());
    }

    @Test
    void theApproveButtonOfAnUnverifiedSessionIsRefused() throws Exception {
        Member tablet = api.logIn(laptop);

        MockHttpServletResponse response = as(phone, withFormToken(phone, post("/settings/sessions/" + tablet.sessionId() + "/approve")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)));

        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(session(tablet).path("verified").asBoolean()).isFalse();
    }

    @Test
    void theRecommendationsBannerCountsUnverifiedAndInactiveSessionsAndHidesWhenThereIsNothing() throws Exception {
        String page = html(laptop, "/settings/sessions");
        assertThat(page).contains("Security recommendations").contains("1 unverified session")
                .contains("href=\"/settings/sessions?filter=unverified#others-heading\"")
                .doesNotContain("inactive session");
        assertThat(page).as("the filters count the other sessions, which the list shows, not this one")
                .contains(">All (1)<", ">Verified (0)<", ">Unverified (1)<").doesNotContain("id=\"filter-keys\"");
        assertThat(as(laptop, post("/api/v1/api-keys").contentType(MediaType.APPLICATION_JSON).content(api.write(Map.of("name", "Robot",
                "scopes", List.of("sessions:read"), "password", TestAccounts.PASSWORD)))).getStatus()).isEqualTo(201);
        assertThat(html(laptop, "/settings/sessions")).as("the counts add up, the key said (outside review AC)")
                .contains(">All (2)<", ">Verified (0)<", ">Unverified (1)<")
                .contains("All includes your API key, which is neither verified nor unverified: a key does not sign in.");
        // Each filter's sentence reads alone, and the key's note is the All filter's (outside review).
        assertThat(html(laptop, "/settings/sessions?filter=unverified"))
                .contains("Unverified: sessions that did not pass a second factor and were not approved from a verified session.")
                .doesNotContain("did neither").doesNotContain("id=\"filter-keys\"");
        assertThat(html(laptop, "/settings/sessions?filter=verified")).doesNotContain("id=\"filter-keys\"");

        // Unused for 120 days and still open: a team that never signs out idle sessions, with a long remembered lifetime.
        jdbc.sql("UPDATE sessions SET last_active_at = :old, idle_timeout_ms = 0, expires_at = :later WHERE id = :id")
                .param("old", clock.instant().minus(Duration.ofDays(120)).toEpochMilli())
                .param("later", clock.instant().plus(Duration.ofDays(200)).toEpochMilli()).param("id", phone.sessionId()).update();
        cache.evict(List.of(new SessionId(phone.sessionId())));
        assertThat(html(laptop, "/settings/sessions")).contains("1 unverified session").contains("1 inactive session")
                .contains("href=\"/settings/sessions?filter=inactive#others-heading\"");

        verify(phone);
        jdbc.sql("UPDATE sessions SET last_active_at = :now WHERE id = :id")
                .param("now", clock.instant().toEpochMilli()).param("id", phone.sessionId()).update();
        cache.evict(List.of(new SessionId(phone.sessionId())));
        assertThat(html(laptop, "/settings/sessions")).doesNotContain("Security recommendations");
    }

    /** A member back after months: this session's row still says inactive until its use is written, and the others are counted. */
    @Test
    void theInactiveCountLeavesOutThisSessionAsTheListDoes() throws Exception {
        // Sessions idle for months are still signed in only where the team never times them out.
        assertThat(as(laptop, put("/api/v1/team/policy").contentType(MediaType.APPLICATION_JSON).content(
                "{\"idleTimeout\":\"never\",\"allowRememberMe\":true,\"rememberedDays\":30,\"lifetimeDays\":7}")).getStatus()).isEqualTo(200);
        long old = clock.instant().minus(Duration.ofDays(120)).toEpochMilli();
        jdbc.sql("UPDATE sessions SET last_active_at = :old WHERE id IN (:ids)")
                .param("old", old).param("ids", List.of(laptop.sessionId(), phone.sessionId())).update();
        cache.evict(List.of(new SessionId(laptop.sessionId()), new SessionId(phone.sessionId())));

        String page = html(laptop, "/settings/sessions");
        assertThat(page).contains("1 inactive session").doesNotContain("2 inactive sessions").contains(">Inactive (1)<");
        String inactive = html(laptop, "/settings/sessions?filter=inactive");
        assertThat(inactive).contains(">Inactive (1)<").contains("/settings/sessions/" + phone.sessionId())
                .as("the chosen filter says what it shows (outside QA AH)").contains("Inactive: sessions with no activity for 90 days or more.");
        assertThat(page).doesNotContain("id=\"filter-meaning\"");
    }
}
