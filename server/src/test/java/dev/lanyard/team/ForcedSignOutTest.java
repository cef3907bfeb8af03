package dev.lanyard.team;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.session.EndReason;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Forced sign-outs (PRODUCT.md T3, T4): a reason is required, every session of the member (or of
 * the whole team but the admin's current one) ends at once, and the member reads the reason in
 * their session history.
 */
@LanyardSpringTest(database = TestMail.SqliteWithSmtp.class)
class ForcedSignOutTest {
    private static final String REASON = "Laptop reported stolen";

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @LocalServerPort
    int port;
    @Autowired
    dev.lanyard.ops.SqlStatementMetrics sql;

    private TeamClient team;
    private Member admin;

    @BeforeEach
    void signUpAnAdmin() throws Exception {
        team = new TeamClient(mvc, json, jdbc, port);
        admin = team.admin("ada");
    }

    private MvcResult forceSignOut(Member whom, Object body) throws Exception {
        return team.perform(team.json(post("/api/v1/admin/members/" + whom.accountId() + "/sign-out"), admin, body));
    }

    private MvcResult signOutTeam(Member by, Object body) throws Exception {
        return team.perform(team.json(post("/api/v1/admin/sessions/sign-out"), by, body));
    }

    private int activeSessions(Member who) {
        return jdbc.sql("SELECT COUNT(*) FROM sessions WHERE account_id = :id AND ended_at IS NULL")
                .param("id", who.accountId()).query(Integer.class).single();
    }

    private void assertReasonRequired(MvcResult result) throws Exception {
        String body = result.getResponse().getContentAsString();
        assertThat(result.getResponse().getStatus()).as(body).isEqualTo(400);
        assertThat(result.getResponse().getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        JsonNode problem = team.read(result);
        assertThat(problem.path("type").asString()).isEqualTo("urn:lanyard:problem:invalid-input");
        assertThat(problem.path("field").asString()).isEqualTo("reason");
    }

    private static void assertEndedByAnAdmin(MvcResult result) throws Exception {
        assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(401);
        assertThat(result.getResponse().getContentAsString()).contains("urn:lanyard:problem:session-ended")
                .contains(EndReason.ADMIN_REVOKED.notice());
    }

    /** The member's history page, as they see it after signing in again. */
    private String historyPage(Member member) throws Exception {
        Member again = team.anotherDevice(member);
        MockHttpServletResponse page = team.perform(team.page(get("/settings/sessions/history"), again)).getResponse();
        assertThat(page.getStatus()).isEqualTo(200);
        return page.getContentAsString();
    }

    @Test
    void forcedSignOutWithoutAReasonIsRefusedAndNothingEnds() throws Exception {
        Member mel = team.join(admin, "mel");
        team.anotherDevice(mel);

        assertReasonRequired(forceSignOut(mel, Map.of("reason", "")));
        assertReasonRequired(forceSignOut(mel, Map.of("reason", "   \n ")));
        assertReasonRequired(forceSignOut(mel, Map.of("reason", "\u200b")));
        assertReasonRequired(forceSignOut(mel, Map.of("reason", "\u00a0\ufeff \u200b ")));
        MvcResult turned = forceSignOut(mel, Map.of("reason", "\u202eenohp tsol"));
        assertReasonRequired(turned);
        assertThat(team.read(turned).path("detail").asString()).isEqualTo("The reason cannot contain characters that change the direction of the text.");
        assertReasonRequired(forceSignOut(mel, "{}"));
        MvcResult tooLong = forceSignOut(mel, Map.of("reason", "x".repeat(501)));
        assertReasonRequired(tooLong);
        assertThat(team.read(tooLong).path("detail").asString()).as("500 is accepted, so not \"under 500\"")
                .isEqualTo("Use a reason of at most 500 characters.");

        MockHttpServletResponse form = team.perform(team.form(post("/admin/members/" + mel.accountId() + "/sign-out"), admin)
                .param("reason", "  ")).getResponse();
        assertThat(form.getStatus()).isEqualTo(400);
        assertThat(form.getContentAsString()).contains("Give a reason. Whoever is signed out is shown it, and it is recorded in the audit log.").contains("Force sign-out");
        // The field is marked and says why under it, its example kept (outside review, WCAG 3.3.1).
        assertThat(form.getContentAsString())
                .containsPattern("id=\"reason\"[^>]*aria-invalid=\"true\" aria-describedby=\"reason-error reason-example\"")
                .contains("<p id=\"reason-error\" class=\"field-error\">Give a reason. Whoever is signed out is shown it, and it is recorded in the audit log.</p>");
        MockHttpServletResponse noField = team.perform(team.form(post("/admin/members/" + mel.accountId() + "/sign-out"), admin)).getResponse();
        assertThat(noField.getStatus()).isEqualTo(400);

        assertThat(activeSessions(mel)).isEqualTo(2);
        assertThat(team.current(mel).getResponse().getStatus()).isEqualTo(200);
    }

    @Test
    void forcedSignOutEndsEverySessionOfTheMemberWhoThenReadsTheReasonInTheirHistory() throws Exception {
        Member mel = team.join(admin, "mel");
        Member phone = team.anotherDevice(mel);
        Member script = team.bearerDevice(mel);
        Member bea = team.join(admin, "bea");

        MvcResult result = forceSignOut(mel, Map.of("reason", "  " + REASON + " "));

        assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(200);
        assertThat(team.read(result).path("ended").asInt()).isEqualTo(3);
        assertEndedByAnAdmin(team.current(mel));
        assertEndedByAnAdmin(team.current(phone));
        assertEndedByAnAdmin(team.currentWithBearer(script));
        assertThat(activeSessions(mel)).isZero();
        assertThat(team.current(bea).getResponse().getStatus()).as("other members stay signed in").isEqualTo(200);
        assertThat(team.current(admin).getResponse().getStatus()).isEqualTo(200);

        String history = historyPage(mel);
        assertThat(history.split("Signed out by an admin: " + REASON + "<", -1)).as("one line per ended session").hasSize(4);
        JsonNode api = team.read(team.perform(team.as(get("/api/v1/sessions/history"), team.anotherDevice(mel))));
        assertThat(api.path("items")).hasSize(3).allSatisfy(s -> {
            assertThat(s.path("endReason").asString()).isEqualTo("admin-revoked");
            assertThat(s.path("endNote").asString()).isEqualTo(REASON);
            assertThat(s.path("endedBy").asString()).isEqualTo(admin.accountId());
        });
    }

    @Test
    void theForceSignOutFormEndsTheMembersSessionsAndSaysSo() throws Exception {
        Member mel = team.join(admin, "mel");
        team.anotherDevice(mel);
        MockHttpServletResponse page = team.perform(team.page(get("/admin/members/" + mel.accountId() + "/sessions"), admin)).getResponse();
        assertThat(page.getContentAsString()).contains("2 active sessions").contains("Reason (required)")
                .as("every detail but the session ids and the full address").contains("<dt>Device</dt>", "<dt>Place</dt>",
                        "<dt>Last active</dt>", "<dt>Sign-ins</dt>", "<dt>Last page</dt>").doesNotContain(mel.sessionId());
        // The button counts what ends (seed 003: "Terminate all 4 active sessions"); the example is a hint, not a grey
        // placeholder that reads like a reason already typed (outside review).
        assertThat(page.getContentAsString()).contains(">Force sign-out: 2 sessions</button>")
                .contains("<p class=\"hint\" id=\"reason-example\">For example: ").doesNotContain("placeholder=\"Security");

        MockHttpServletResponse done = team.perform(team.form(post("/admin/members/" + mel.accountId() + "/sign-out"), admin)
                .param("reason", "Suspicious sign-in from abroad")).getResponse();

        assertThat(done.getStatus()).isEqualTo(302);
        assertThat(done.getRedirectedUrl()).isEqualTo("/admin/sessions?done=member-signed-out&signedOut=" + mel.accountId());
        // Named, as the outside review asked; looked up in the admin's team, so a link names no one else.
        assertThat(team.perform(team.page(get(done.getRedirectedUrl()), admin)).getResponse().getContentAsString())
                .contains("Mel was signed out everywhere. They will see your reason in their session history.");
        Member stranger = new TeamClient(mvc, json, jdbc, port).admin("stranger");
        assertThat(team.perform(team.page(get("/admin/sessions?done=member-signed-out&signedOut=" + stranger.accountId()), admin))
                .getResponse().getContentAsString()).contains("The member was signed out everywhere.").doesNotContain("Stranger");
        assertThat(team.perform(team.page(get("/admin/sessions?done=member-signed-out&signedOut=Anything%20at%20all"), admin))
                .getResponse().getContentAsString()).contains("The member was signed out everywhere.").doesNotContain("Anything at all");
        assertThat(activeSessions(mel)).isZero();
        assertThat(historyPage(mel)).contains("Signed out by an admin: Suspicious sign-in from abroad");
        // The ended session's own page says it as history does, reason and all (outside QA: the reason was left out).
        Member again = team.anotherDevice(mel);
        String details = team.perform(team.page(get("/settings/sessions/" + mel.sessionId()), again)).getResponse().getContentAsString();
        assertThat(details).contains("This session has ended: <bdi>Signed out by an admin: Suspicious sign-in from abroad</bdi>.")
                .contains("Ended: Signed out by an admin: Suspicious sign-in from abroad");
    }

    /**
     * Found by an outside review: with nothing left to end, the member's page still offered the form, and a force sign-out
     * wrote "Force sign-out of … — 0 sessions" in the audit log. The page says there is nothing to sign out; the API still
     * answers {"ended":0} (safe to repeat) and records nothing.
     */
    @Test
    void aMemberWithNothingActiveIsNotOfferedAForcedSignOutAndRepeatingOneRecordsNothing() throws Exception {
        Member mel = team.join(admin, "mel");
        assertThat(team.read(forceSignOut(mel, Map.of("reason", REASON))).path("ended").asInt()).isEqualTo(1);
        assertThat(forcedSignOutEntries(mel)).isEqualTo(1);

        MvcResult again = forceSignOut(mel, Map.of("reason", REASON));

        assertThat(again.getResponse().getStatus()).isEqualTo(200);
        assertThat(team.read(again).path("ended").asInt()).isZero();
        assertThat(forcedSignOutEntries(mel)).as("nothing ended, nothing recorded").isEqualTo(1);
        assertThat(memberPage(mel)).contains("0 active sessions", "0 active API keys", "Nothing to sign out: no active sessions or API keys.")
                .doesNotContain("Reason (required)", "/sign-out\"");
        MockHttpServletResponse stale = team.perform(team.form(post("/admin/members/" + mel.accountId() + "/sign-out"), admin)
                .param("reason", REASON)).getResponse();
        assertThat(stale.getRedirectedUrl()).as("a page opened before").isEqualTo("/admin/members/" + mel.accountId()
                + "/sessions?done=nothing-to-sign-out");
        assertThat(team.perform(team.page(get(stale.getRedirectedUrl()), admin)).getResponse().getContentAsString())
                .contains("Nothing was signed out: the member has no active sessions or API keys.");
        assertThat(forcedSignOutEntries(mel)).isEqualTo(1);
    }

    /** A force sign-out revokes API keys too: a member with a key and no session is offered one, which ends the key. */
    @Test
    void aMemberWithOnlyAnApiKeyIsOfferedAForcedSignOut() throws Exception {
        Member mel = team.join(admin, "mel");
        MvcResult made = team.perform(team.json(post("/api/v1/api-keys"), mel, Map.of("password", TestAccounts.PASSWORD,
                "name", "deploy script", "scopes", List.of("sessions:read"))));
        assertThat(made.getResponse().getStatus()).as(made.getResponse().getContentAsString()).isEqualTo(201);
        assertThat(team.read(team.perform(team.as(delete("/api/v1/sessions").param("scope", "all"), mel))).path("ended").asInt())
                .as("her sign-in ends, her key stays").isEqualTo(1);

        assertThat(memberPage(mel)).contains("0 active sessions", "1 active API key", "Reason (required)")
                .doesNotContain("Nothing to sign out");
        JsonNode ended = team.read(forceSignOut(mel, Map.of("reason", REASON)));
        assertThat(ended.path("ended").asInt()).isEqualTo(1);
        assertThat(ended.path("endedApiKeys").asInt()).isEqualTo(1);
        assertThat(forcedSignOutEntries(mel)).isEqualTo(1);
        assertThat(forcedSignOutDetail(mel)).as("a key, not a session").endsWith(": " + REASON + " — 1 API key");
    }

    /**
     * Found by an outside review at scale: with 502 sessions and an API key, the member's page read one page of 100, showed
     * "100 active sessions", "No active API keys" and "Force sign-out: 100 sessions" (which ended 502), and the API answered
     * exactly 100 with nothing to say there were more. The counts are of all of them, the key is listed apart, and both the
     * page and the API go on from page to page.
     */
    @Test
    void aMemberWithMoreThanAPageOfSessionsAndAnApiKeyIsShownWholeOnTheirPageAndInTheApi() throws Exception {
        Member mel = team.join(admin, "mel");
        MvcResult made = team.perform(team.json(post("/api/v1/api-keys"), mel, Map.of("password", TestAccounts.PASSWORD,
                "name", "deploy script", "scopes", List.of("sessions:read"))));
        assertThat(made.getResponse().getStatus()).as(made.getResponse().getContentAsString()).isEqualTo(201);
        copiesOfTheSession(mel, 100); // 101 sessions and the key

        String first = memberPage(mel);
        assertThat(first).contains("101 active sessions", "1 active API key", ">deploy script</td>",
                ">Force sign-out: 101 sessions and 1 API key</button>").doesNotContain("No active API keys");
        assertThat(cards(first)).isEqualTo(100);
        String more = TeamClient.link(first, "Show more sessions");
        assertThat(more).startsWith("/admin/members/" + mel.accountId() + "/sessions?cursor=");
        String second = team.perform(team.page(get(more), admin)).getResponse().getContentAsString();
        assertThat(cards(second)).isEqualTo(1);
        assertThat(second).contains("101 active sessions", ">deploy script</td>").doesNotContain("Show more sessions");

        MvcResult firstPage = team.perform(team.as(get("/api/v1/admin/members/" + mel.accountId() + "/sessions"), admin));
        assertThat(team.read(firstPage)).as("an array, as before it had pages").hasSize(100);
        String next = TeamClient.nextPage(firstPage).orElseThrow();
        assertThat(next).startsWith("/api/v1/admin/members/" + mel.accountId() + "/sessions?limit=100&cursor=");
        MvcResult secondPage = team.perform(team.as(get(next), admin));
        assertThat(team.read(secondPage)).hasSize(2).last().satisfies(key -> assertThat(key.path("appType").asString()).isEqualTo("api"));
        assertThat(TeamClient.nextPage(secondPage)).isEmpty();
        MvcResult pagesOfTwo = team.perform(team.as(get("/api/v1/admin/members/" + mel.accountId() + "/sessions").param("limit", "2"), admin));
        assertThat(team.read(pagesOfTwo)).hasSize(2);
        assertThat(TeamClient.nextPage(pagesOfTwo)).hasValueSatisfying(page -> assertThat(page).contains("?limit=2&cursor="));
        MvcResult tooMany = team.perform(team.as(get("/api/v1/admin/members/" + mel.accountId() + "/sessions").param("limit", "101"), admin));
        assertThat(tooMany.getResponse().getStatus()).isEqualTo(400);
        assertThat(team.read(tooMany).path("field").asString()).isEqualTo("limit");

        JsonNode ended = team.read(forceSignOut(mel, Map.of("reason", REASON)));
        assertThat(ended.path("ended").asInt()).as("what the button said, together").isEqualTo(102);
        assertThat(ended.path("endedApiKeys").asInt()).as("and apart").isEqualTo(1);
        // Outside review at scale: the entry read "— 827 sessions" of 826 sessions and a key, which the button counted apart.
        assertThat(forcedSignOutDetail(mel)).isEqualTo("Force sign-out of " + mel.email() + ": " + REASON
                + " — 101 sessions and 1 API key");
    }

    /**
     * Outside review (PostgreSQL, two nodes, a member with 500 sessions in use): following the Link header, a quarter of
     * the sessions active through the whole walk were on no page, each one used meanwhile having moved ahead of the
     * cursor. With order=signed-in, which the Link header keeps, each is on exactly one page, newest sign-in first.
     */
    @Test
    void anAdminFollowingTheLinkHeaderInTheOrderOfSignInSeesEachSessionOnceWhileTheyAreUsed() throws Exception {
        Member mel = team.join(admin, "mel");
        copiesOfTheSession(mel, 9);
        for (int i = 1; i <= 9; i++) {
            jdbc.sql("UPDATE sessions SET created_at = created_at - :i * 60000 WHERE id = :id")
                    .param("i", i).param("id", mel.sessionId() + "_copy" + i).update();
        }
        List<String> signedIn = jdbc.sql("SELECT created_at FROM sessions WHERE account_id = :id ORDER BY created_at DESC")
                .param("id", mel.accountId()).query(Long.class).list().stream()
                .map(ms -> java.time.Instant.ofEpochMilli(ms).toString()).toList();

        List<String> seen = new java.util.ArrayList<>();
        Optional<String> next = Optional.of("/api/v1/admin/members/" + mel.accountId() + "/sessions?order=signed-in&limit=3");
        for (int page = 0; next.isPresent() && page < 10; page++) {
            MvcResult result = team.perform(team.as(get(next.get()), admin));
            assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(200);
            team.read(result).values().forEach(s -> seen.add(java.time.Instant.parse(s.path("createdAt").asString()).toString()));
            next = TeamClient.nextPage(result);
            next.ifPresent(link -> assertThat(link).contains("?order=signed-in&limit=3&cursor="));
            // The session used least recently is used now: most recently active first, it would move ahead of the cursor.
            jdbc.sql("""
                            UPDATE sessions SET last_active_at = last_active_at + 86400000 WHERE id =
                                (SELECT id FROM sessions WHERE account_id = :id AND ended_at IS NULL ORDER BY last_active_at, id LIMIT 1)""")
                    .param("id", mel.accountId()).update();
        }

        assertThat(signedIn).hasSize(10);
        assertThat(seen).containsExactlyElementsOf(signedIn);
        String members = "/api/v1/admin/members/" + mel.accountId() + "/sessions";
        MvcResult unknown = team.perform(team.as(get(members).param("order", "oldest"), admin));
        assertThat(unknown.getResponse().getStatus()).isEqualTo(400);
        assertThat(team.read(unknown).path("field").asString()).isEqualTo("order");
        String byActivity = TeamClient.nextPage(team.perform(team.as(get(members).param("limit", "3"), admin))).orElseThrow();
        MvcResult crossed = team.perform(team.as(get(byActivity.replace("?limit=", "?order=signed-in&limit=")), admin));
        assertThat(crossed.getResponse().getStatus()).isEqualTo(400);
        assertThat(team.read(crossed).path("type").asString()).isEqualTo("urn:lanyard:problem:invalid-cursor");
    }

    /**
     * Outside review: an admin read a member's session ids from the cursors of the member's list (base64 of the last
     * session's time and id), one id a page with limit=1. Every cursor an admin is given for it, in the Link header in
     * either order and on the member's page, holds none of them; one changed, made by hand or sent for another member's
     * list is refused.
     */
    @Test
    void anAdminReadsNoSessionIdOfAMemberInTheCursorsOfTheirSessions() throws Exception {
        Member mel = team.join(admin, "mel");
        Member max = team.join(admin, "max");
        copiesOfTheSession(mel, 100);
        List<String> ids = jdbc.sql("SELECT id FROM sessions WHERE account_id = :id").param("id", mel.accountId()).query(String.class).list();
        String sessions = "/api/v1/admin/members/" + mel.accountId() + "/sessions";

        List<String> cursors = new java.util.ArrayList<>();
        for (String order : new String[] {"recently-active", "signed-in"}) {
            Optional<String> next = Optional.of(sessions + "?order=" + order + "&limit=1");
            for (int page = 0; page < 3; page++) {
                MvcResult result = team.perform(team.as(get(next.orElseThrow()), admin));
                assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(200);
                assertThat(team.read(result)).hasSize(1);
                next = TeamClient.nextPage(result);
                cursors.add(cursorOf(next.orElseThrow()));
            }
        }
        cursors.add(cursorOf(TeamClient.link(memberPage(mel), "Show more sessions")));
        for (String cursor : cursors) {
            String decoded = new String(java.util.Base64.getUrlDecoder().decode(cursor), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(ids).as(cursor).allSatisfy(id -> assertThat(decoded).doesNotContain(id).doesNotContain(id.substring(4)));
        }

        String cursor = cursors.get(0);
        char changed = cursor.charAt(10) == 'A' ? 'B' : 'A';
        String tampered = cursor.substring(0, 10) + changed + cursor.substring(11);
        String byHand = dev.lanyard.session.Cursors.encode("1796659057481", ids.get(0));
        for (String refused : List.of(tampered, byHand)) {
            MvcResult result = team.perform(team.as(get(sessions).param("cursor", refused), admin));
            assertThat(result.getResponse().getStatus()).as(refused).isEqualTo(400);
            assertThat(team.read(result).path("type").asString()).isEqualTo("urn:lanyard:problem:invalid-cursor");
        }
        MvcResult foreign = team.perform(team.as(get("/api/v1/admin/members/" + max.accountId() + "/sessions").param("cursor", cursor), admin));
        assertThat(foreign.getResponse().getStatus()).as("mel's cursor for max's list").isEqualTo(400);
        assertThat(team.read(foreign).path("type").asString()).isEqualTo("urn:lanyard:problem:invalid-cursor");
        MockHttpServletResponse page = team.perform(team.page(get("/admin/members/" + mel.accountId() + "/sessions")
                .param("cursor", tampered), admin)).getResponse();
        assertThat(page.getStatus()).isEqualTo(400);
        assertThat(page.getContentAsString()).contains("The cursor is not valid.");
    }

    private static String cursorOf(String link) {
        java.util.regex.Matcher cursor = java.util.regex.Pattern.compile("[?&]cursor=([^&]+)").matcher(link);
        assertThat(cursor.find()).as(link).isTrue();
        return java.net.URLDecoder.decode(cursor.group(1), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The member's page reads its lists and counts in statements of their own, not one per session or key. */
    @Test
    void aMembersPageReadsTheSameStatementsHoweverManySessionsTheyHave() throws Exception {
        Member mel = team.join(admin, "mel");
        team.current(admin); // the admin's session is cached: the requests below read only what the page needs
        long few = readsOfMemberPage(mel);
        copiesOfTheSession(mel, 30);

        long many = readsOfMemberPage(mel);

        assertThat(memberPage(mel)).contains("31 active sessions");
        assertThat(many).as("statements for 31 sessions against 1").isEqualTo(few);
    }

    private long readsOfMemberPage(Member member) throws Exception {
        memberPage(member);
        long before = sql.readsOnThisThread();
        memberPage(member);
        return sql.readsOnThisThread() - before;
    }

    /** {@code count} more sessions of the member, copies of their session a little less recently active each. */
    private void copiesOfTheSession(Member member, int count) {
        for (int i = 1; i <= count; i++) {
            jdbc.sql("""
                            INSERT INTO sessions (id, token_hash, account_id, app_type, remember_me, device_type, ip, created_at,
                                                  last_active_at, idle_timeout_ms, expires_at)
                            SELECT :id, :hash, account_id, app_type, remember_me, device_type, ip, created_at, last_active_at - :i,
                                   idle_timeout_ms, expires_at
                            FROM sessions WHERE id = :of""")
                    .param("id", member.sessionId() + "_copy" + i).param("hash", "copy-" + i + "-" + member.sessionId())
                    .param("i", i).param("of", member.sessionId()).update();
        }
    }

    private static int cards(String page) {
        return page.split("<article class=\"card current-less\">", -1).length - 1;
    }

    /** On their own page, the session the admin is using is not signed out: with no other, there is nothing to sign out. */
    @Test
    void anAdminWithOnlyTheSessionTheyUseHasNothingToSignOutOnTheirOwnPage() throws Exception {
        assertThat(memberPage(admin)).contains("1 active session")
                .contains("Nothing to sign out: no active sessions or API keys but the session you are using now.")
                .doesNotContain("Reason (required)");
        team.anotherDevice(admin);
        assertThat(memberPage(admin)).contains("2 active sessions", "Reason (required)").doesNotContain("Nothing to sign out");
    }

    private String memberPage(Member member) throws Exception {
        MockHttpServletResponse page = team.perform(team.page(get("/admin/members/" + member.accountId() + "/sessions"), admin))
                .getResponse();
        assertThat(page.getStatus()).isEqualTo(200);
        return page.getContentAsString();
    }

    private int forcedSignOutEntries(Member member) {
        return jdbc.sql("SELECT COUNT(*) FROM audit_entries WHERE subject_id = :id AND action = 'admin.forced-sign-out'")
                .param("id", member.accountId()).query(Integer.class).single();
    }

    private String forcedSignOutDetail(Member member) {
        return jdbc.sql("SELECT detail FROM audit_entries WHERE subject_id = :id AND action = 'admin.forced-sign-out' ORDER BY seq DESC")
                .param("id", member.accountId()).query(String.class).list().get(0);
    }

    @Test
    void whileMembersCannotSeeTheSessionListTheAdminIsToldTheReasonIsInTheirActivityLog() throws Exception {
        Member mel = team.join(admin, "mel");
        assertThat(team.perform(team.json(put("/api/v1/admin/permissions"), admin, Map.of("membersSeeSessions", false)))
                .getResponse().getStatus()).isIn(200, 204);
        String where = "their activity log (your team has restricted the session list)";
        assertThat(team.perform(team.page(get("/admin/members/" + mel.accountId() + "/sessions"), admin)).getResponse()
                .getContentAsString()).contains("The member sees your reason in <span>" + where + "</span>.");
        assertThat(team.perform(team.page(get("/admin/sessions/sign-out-all"), admin)).getResponse().getContentAsString())
                .contains("Members see your reason in <span>" + where + "</span>");

        MockHttpServletResponse done = team.perform(team.form(post("/admin/members/" + mel.accountId() + "/sign-out"), admin)
                .param("reason", "Lost phone")).getResponse();

        assertThat(team.perform(team.page(get(done.getRedirectedUrl()), admin)).getResponse().getContentAsString())
                .contains("Mel was signed out everywhere. They will see your reason in " + where + ".");
        Member again = team.anotherDevice(mel);
        assertThat(team.perform(team.page(get("/settings/activity"), again)).getResponse().getContentAsString()).contains("Lost phone");
    }

    @Test
    void anAdminForcingThemselfOutKeepsTheSessionTheyActFrom() throws Exception {
        Member otherDevice = team.anotherDevice(admin);

        MvcResult result = forceSignOut(admin, Map.of("reason", "Lost my phone"));

        assertThat(team.read(result).path("ended").asInt()).isEqualTo(1);
        assertThat(team.current(admin).getResponse().getStatus()).isEqualTo(200);
        assertEndedByAnAdmin(team.current(otherDevice));
    }

    @Test
    void signingOutTheWholeTeamKeepsOnlyTheAdminsCurrentSession() throws Exception {
        Member adminsPhone = team.anotherDevice(admin);
        Member mel = team.join(admin, "mel");
        Member melsPhone = team.anotherDevice(mel);
        Member bea = team.join(admin, "bea");
        Member beasScript = team.bearerDevice(bea);
        Member cid = team.join(admin, "cid", "admin");
        Member outsider = team.admin("otto");
        Member outsidersColleague = team.join(outsider, "olga");
        List<Member> everyoneElse = List.of(adminsPhone, mel, melsPhone, bea, cid);

        assertReasonRequired(signOutTeam(admin, Map.of("reason", "")));
        assertThat(everyoneElse).allSatisfy(m -> assertThat(team.current(m).getResponse().getStatus()).isEqualTo(200));

        MvcResult result = signOutTeam(admin, Map.of("reason", "Security incident"));

        assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(200);
        assertThat(team.read(result).path("ended").asInt()).isEqualTo(6);
        assertThat(team.read(result).path("endedApiKeys").asInt()).as("a bearer sign-in is a session, not a key").isZero();
        assertThat(team.current(admin).getResponse().getStatus()).isEqualTo(200);
        for (Member m : everyoneElse) assertEndedByAnAdmin(team.current(m));
        assertEndedByAnAdmin(team.currentWithBearer(beasScript));
        assertThat(team.current(outsider).getResponse().getStatus()).as("another team is untouched").isEqualTo(200);
        assertThat(team.current(outsidersColleague).getResponse().getStatus()).isEqualTo(200);
        JsonNode overview = team.read(team.perform(team.as(get("/api/v1/admin/sessions"), admin)));
        assertThat(overview.path("totalActiveSessions").asInt()).isEqualTo(1);
        for (Member m : List.of(mel, bea, cid)) assertThat(historyPage(m)).contains("Signed out by an admin: Security incident");
        // The admin did it: their own other session reads "by you", as their own sign-outs do (outside review).
        String own = team.perform(team.page(get("/settings/sessions/history"), admin)).getResponse().getContentAsString();
        assertThat(own).contains("Signed out by you: Security incident").doesNotContain("Signed out by an admin");
    }

    @Test
    void signingOutTheWholeTeamWithAnAdminsApiKeyRevokesThatKeyToo() throws Exception {
        Member mel = team.join(admin, "mel");
        MvcResult made = team.perform(team.json(post("/api/v1/api-keys"), admin, Map.of("password", TestAccounts.PASSWORD,
                "name", "incident script", "scopes", List.of("sessions:read", "sessions:write", "admin"))));
        assertThat(made.getResponse().getStatus()).as(made.getResponse().getContentAsString()).isEqualTo(201);
        String key = team.read(made).path("secret").asString();

        MvcResult result = team.perform(post("/api/v1/admin/sessions/sign-out").header("Authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).content("{\"reason\":\"A leaked admin key\"}"));

        assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(200);
        assertThat(team.read(result).path("ended").asInt()).as("the admin's browser session, mel's and the key").isEqualTo(3);
        assertThat(team.read(result).path("endedApiKeys").asInt()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT detail FROM audit_entries WHERE actor_id = :id AND action = 'admin.team-sign-out'")
                .param("id", admin.accountId()).query(String.class).single()).endsWith(": A leaked admin key — 2 sessions and 1 API key");
        assertThat(team.perform(get("/api/v1/sessions/current").header("Authorization", "Bearer " + key)).getResponse().getStatus())
                .as("the key that asked").isEqualTo(401);
        assertEndedByAnAdmin(team.current(mel));
        assertEndedByAnAdmin(team.current(admin));
    }

    @Test
    void theSignOutAllFormNeedsAReasonThenEndsEveryOtherSession() throws Exception {
        Member mel = team.join(admin, "mel");
        Member bea = team.join(admin, "bea");
        Member cid = team.join(admin, "cid");
        MockHttpServletResponse confirm = team.perform(team.page(get("/admin/sessions/sign-out-all"), admin)).getResponse();
        assertThat(confirm.getContentAsString()).contains("This will end 3 active sessions and API keys of your team. Only the session you are using now stays signed in.");

        MockHttpServletResponse refused = team.perform(team.form(post("/admin/sessions/sign-out-all"), admin).param("reason", "")).getResponse();
        assertThat(refused.getStatus()).isEqualTo(400);
        assertThat(refused.getContentAsString()).contains("Give a reason. Whoever is signed out is shown it, and it is recorded in the audit log.")
                .containsPattern("id=\"reason\"[^>]*aria-invalid=\"true\" aria-describedby=\"reason-error reason-example\"")
                .contains("<p id=\"reason-error\" class=\"field-error\">Give a reason. Whoever is signed out is shown it, and it is recorded in the audit log.</p>");
        assertThat(List.of(mel, bea, cid)).allSatisfy(m -> assertThat(team.current(m).getResponse().getStatus()).isEqualTo(200));

        MockHttpServletResponse done = team.perform(team.form(post("/admin/sessions/sign-out-all"), admin)
                .param("reason", "Rotating every session")).getResponse();

        assertThat(done.getStatus()).isEqualTo(302);
        assertThat(done.getRedirectedUrl()).isEqualTo("/admin/sessions?done=team-signed-out");
        for (Member m : List.of(mel, bea, cid)) assertEndedByAnAdmin(team.current(m));
        assertThat(team.current(admin).getResponse().getStatus()).isEqualTo(200);
    }

    /**
     * As a member's force sign-out: with no active session or API key in the team but the admin's own sign-in, the team
     * sign-out was still offered and wrote "Sign-out of the whole team — 0 sessions" in the audit log. It is not offered,
     * a form from a page opened before says nothing was signed out, and the API answers {"ended":0} and records nothing.
     */
    @Test
    void aTeamWithNothingActiveButTheAdminsSessionIsNotOfferedASignOutAndRepeatingOneRecordsNothing() throws Exception {
        Member mel = team.join(admin, "mel");
        assertThat(overviewPage()).contains("/admin/sessions/sign-out-all");
        assertThat(team.read(signOutTeam(admin, Map.of("reason", "Rotating every session"))).path("ended").asInt()).isEqualTo(1);
        assertThat(teamSignOutEntries()).isEqualTo(1);

        MvcResult again = signOutTeam(admin, Map.of("reason", "Rotating every session"));

        assertThat(again.getResponse().getStatus()).isEqualTo(200);
        assertThat(team.read(again).path("ended").asInt()).isZero();
        assertThat(teamSignOutEntries()).as("nothing ended, nothing recorded").isEqualTo(1);
        assertThat(overviewPage()).doesNotContain("/admin/sessions/sign-out-all", "Sign out all team sessions");
        assertThat(team.perform(team.page(get("/admin/sessions/sign-out-all"), admin)).getResponse().getContentAsString())
                .contains("Nothing to sign out: your team has no active sessions or API keys but the session you are using now.")
                .doesNotContain("Reason (required)", "This will end");
        MockHttpServletResponse stale = team.perform(team.form(post("/admin/sessions/sign-out-all"), admin)
                .param("reason", "Rotating every session")).getResponse();
        assertThat(stale.getRedirectedUrl()).as("a page opened before").isEqualTo("/admin/sessions?done=team-nothing-to-sign-out");
        assertThat(overviewPage(stale.getRedirectedUrl()))
                .contains("Nothing was signed out: your team has no active sessions or API keys but the session you are using now.");
        assertThat(teamSignOutEntries()).isEqualTo(1);
        assertThat(team.current(admin).getResponse().getStatus()).isEqualTo(200);

        team.anotherDevice(mel);
        assertThat(overviewPage()).as("one more session, offered again").contains("/admin/sessions/sign-out-all");
        assertThat(team.perform(team.page(get("/admin/sessions/sign-out-all"), admin)).getResponse().getContentAsString())
                .contains("This will end 1 active session or API key of your team.");
    }

    /** An API key is one of the team's keys a team sign-out revokes: with only a member's key, it is offered and ends it. */
    @Test
    void aTeamWithOnlyAnApiKeyBesideTheAdminsSessionIsOfferedASignOut() throws Exception {
        Member mel = team.join(admin, "mel");
        MvcResult made = team.perform(team.json(post("/api/v1/api-keys"), mel, Map.of("password", TestAccounts.PASSWORD,
                "name", "deploy script", "scopes", List.of("sessions:read"))));
        assertThat(made.getResponse().getStatus()).as(made.getResponse().getContentAsString()).isEqualTo(201);
        assertThat(team.read(team.perform(team.as(delete("/api/v1/sessions").param("scope", "all"), mel))).path("ended").asInt())
                .as("her sign-in ends, her key stays").isEqualTo(1);

        assertThat(overviewPage()).contains("/admin/sessions/sign-out-all");
        assertThat(team.read(signOutTeam(admin, Map.of("reason", "A leaked key"))).path("ended").asInt()).isEqualTo(1);
        assertThat(teamSignOutEntries()).isEqualTo(1);
    }

    private String overviewPage() throws Exception {
        return overviewPage("/admin/sessions");
    }

    private String overviewPage(String url) throws Exception {
        MockHttpServletResponse page = team.perform(team.page(get(url), admin)).getResponse();
        assertThat(page.getStatus()).isEqualTo(200);
        return page.getContentAsString();
    }

    private int teamSignOutEntries() {
        return jdbc.sql("SELECT COUNT(*) FROM audit_entries WHERE actor_id = :id AND action = 'admin.team-sign-out'")
                .param("id", admin.accountId()).query(Integer.class).single();
    }

    @Test
    void theOverviewCountsEachMembersActiveSessions() throws Exception {
        Member mel = team.join(admin, "mel");
        team.anotherDevice(mel);
        team.bearerDevice(mel);
        Member bea = team.join(admin, "bea");

        JsonNode overview = team.read(team.perform(team.as(get("/api/v1/admin/sessions"), admin)));

        assertThat(overview.path("totalActiveSessions").asInt()).isEqualTo(5);
        assertThat(overview.path("members")).hasSize(3);
        for (JsonNode row : overview.path("members")) {
            String id = row.path("id").asString();
            int expected = id.equals(mel.accountId()) ? 3 : 1;
            assertThat(row.path("activeSessions").asInt()).as(row.toString()).isEqualTo(expected);
            assertThat(row.path("lastActiveAt").isNull()).isFalse();
        }
        JsonNode filtered = team.read(team.perform(team.as(get("/api/v1/admin/sessions"), admin).param("member", bea.email().substring(0, 8))));
        assertThat(filtered.path("members")).hasSize(1);
        assertThat(filtered.path("members").get(0).path("email").asString()).isEqualTo(bea.email());
        assertThat(filtered.path("totalActiveSessions").asInt()).as("the total stays the team's").isEqualTo(5);
    }

    /**
     * Found by an outside review: right after "Sign out all team sessions", Team sessions said "—" for the last activity of
     * members active seconds before. It is their latest activity in any session, ended ones included, on the page and in the API.
     */
    @Test
    void afterTheTeamIsSignedOutTheOverviewStillSaysWhenEachMemberWasLastActive() throws Exception {
        Member mel = team.join(admin, "mel");
        Member bea = team.join(admin, "bea");
        assertThat(signOutTeam(admin, Map.of("reason", "Rotating every session")).getResponse().getStatus()).isEqualTo(200);

        JsonNode overview = team.read(team.perform(team.as(get("/api/v1/admin/sessions"), admin)));

        for (Member member : List.of(mel, bea)) {
            JsonNode row = java.util.stream.StreamSupport.stream(overview.path("members").spliterator(), false)
                    .filter(m -> m.path("id").asString().equals(member.accountId())).findFirst().orElseThrow();
            assertThat(row.path("activeSessions").asInt()).isZero();
            assertThat(row.path("lastActiveAt").isNull()).as(row.toString()).isFalse();
        }
        String page = team.perform(team.page(get("/admin/sessions"), admin)).getResponse().getContentAsString();
        assertThat(page).contains("<td data-label=\"Last active\">Just now</td>").doesNotContain("<td data-label=\"Last active\">—</td>");
    }

    @Test
    void theOverviewReadsAPageOfMembersWithTheSameStatementsHoweverManyMembersItShows() throws Exception {
        team.current(admin); // the admin's session is cached: the requests below read only what the page needs
        long few = readsOfOverview();
        String teamId = jdbc.sql("SELECT team_id FROM accounts WHERE id = :id").param("id", admin.accountId()).query(String.class).single();
        for (int i = 0; i < 20; i++) {
            jdbc.sql("INSERT INTO accounts (id, team_id, email, name, password_hash, role, created_at)"
                            + " VALUES (:id, :team, :email, 'Extra', '{noop}x', 'MEMBER', 0)")
                    .param("id", "acc_extra_" + i).param("team", teamId).param("email", "extra-" + i + "@example.com").update();
        }

        long many = readsOfOverview();

        assertThat(team.read(team.perform(team.as(get("/api/v1/admin/sessions"), admin))).path("members")).hasSize(21);
        assertThat(many).as("statements for 21 members against 1 (no query per row)").isEqualTo(few);
    }

    /**
     * The overview page reads what the API's overview reads, the same statements: the team's total and what a sign-out of
     * everyone would end are one count (outside scale review: the page counted the team's 18,700 active sessions twice,
     * most of its 0.34 s on SQLite).
     */
    @Test
    void theOverviewPageCountsTheTeamOnceForItsTotalAndItsSignOutButton() throws Exception {
        Member mel = team.join(admin, "mel");
        team.current(admin); // the admin's session is cached: the requests below read only what the page needs
        readsOfOverviewPage();

        assertThat(readsOfOverviewPage()).isEqualTo(readsOfOverview());
        assertThat(overviewPage()).contains("<strong>2</strong>", "/admin/sessions/sign-out-all");
        assertThat(team.read(signOutTeam(admin, Map.of("reason", "Rotating every session"))).path("ended").asInt()).isEqualTo(1);
        assertThat(overviewPage()).contains("<strong>1</strong>").doesNotContain("/admin/sessions/sign-out-all");
        assertEndedByAnAdmin(team.current(mel));
    }

    private long readsOfOverviewPage() throws Exception {
        long before = sql.readsOnThisThread();
        overviewPage();
        return sql.readsOnThisThread() - before;
    }

    private long readsOfOverview() throws Exception {
        team.perform(team.as(get("/api/v1/admin/sessions"), admin));
        long before = sql.readsOnThisThread();
        team.perform(team.as(get("/api/v1/admin/sessions"), admin));
        return sql.readsOnThisThread() - before;
    }
}
