package dev.lanyard.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.team.TeamClient;
import dev.lanyard.team.TestMail;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.json.JsonMapper;

/** The API keys pages as a browser without JavaScript uses them: create, the secret once, list, details and chart, revoke. */
@LanyardSpringTest(database = TestMail.SqliteWithSmtp.class)
class ApiKeyPagesTest {
    private static final Pattern SECRET = Pattern.compile("value=\"(lyk_[0-9A-Za-z]{49})\"");

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @LocalServerPort
    int port;
    @Autowired
    dev.lanyard.testsupport.MutableClock clock;

    /** The page a browser lands on after creating a key: the redirect followed with the cookie it set. */
    private MockHttpServletResponse landing(TeamClient team, Member member, MockHttpServletResponse posted) throws Exception {
        assertThat(posted.getStatus()).as("creating a key answers with a redirect").isEqualTo(302);
        assertThat(posted.getRedirectedUrl()).matches("/settings/api-keys/[^/?]+/created");
        return team.perform(team.page(get(posted.getRedirectedUrl()), member).cookie(posted.getCookies())).getResponse();
    }

    @Test
    void createShowsTheSecretOnceThenListsDetailsWithAChartAndRevokes() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        MockHttpServletResponse posted = team.perform(team.form(post("/settings/api-keys"), ada).param("password", TestAccounts.PASSWORD)
                .param("name", "Nightly <report>").param("scopes", "sessions:read").param("expires", "30")).getResponse();
        MockHttpServletResponse created = landing(team, ada, posted);
        assertThat(created.getStatus()).isEqualTo(200);
        assertThat(created.getHeader(HttpHeaders.CACHE_CONTROL)).contains("no-store");
        Matcher secret = SECRET.matcher(created.getContentAsString());
        assertThat(secret.find()).as("the secret is on the page").isTrue();
        String key = secret.group(1);
        assertThat(created.getContentAsString()).contains("Nightly &lt;report&gt;").doesNotContain("Nightly <report>")
                .contains("data-copy=\"secret\"").contains("/js/copy.js");

        team.perform(get("/api/v1/sessions/current").header(HttpHeaders.AUTHORIZATION, "Bearer " + key));
        String list = team.perform(team.page(get("/settings/api-keys"), ada)).getResponse().getContentAsString();
        assertThat(list).contains("Nightly &lt;report&gt;").contains(key.substring(0, 12) + "…").doesNotContain(key)
                .contains("sessions:read");
        String id = jdbc.sql("SELECT session_id FROM api_keys WHERE prefix = :p").param("p", key.substring(0, 12)).query(String.class).single();

        String sessions = team.perform(team.page(get("/settings/sessions"), ada)).getResponse().getContentAsString();
        assertThat(sessions).as("the key is among the sessions, as app type API").contains("Nightly &lt;report&gt;").contains("API");

        String details = team.perform(team.page(get("/settings/api-keys/" + id), ada)).getResponse().getContentAsString();
        assertThat(details).contains("<svg").contains("role=\"img\"").contains("UTC: 1 request</title>")
                .contains("<table class=\"history usage-table\">").contains("1 request in the last 24 hours; the busiest hour had 1.").doesNotContain(key);

        assertThat(details).contains("href=\"/settings/api-keys/" + id + "/revoke\"").doesNotContain("method=\"post\" action=\"/settings/api-keys/" + id);

        MockHttpServletResponse revoked = team.perform(team.form(post("/settings/api-keys/" + id + "/revoke"), ada)).getResponse();
        assertThat(revoked.getRedirectedUrl()).isEqualTo("/settings/api-keys?done=revoked");
        assertThat(team.perform(get("/api/v1/sessions/current").header(HttpHeaders.AUTHORIZATION, "Bearer " + key))
                .getResponse().getStatus()).isEqualTo(401);
        assertThat(team.perform(team.page(get("/settings/api-keys"), ada)).getResponse().getContentAsString())
                .doesNotContain("Nightly &lt;report&gt;");
    }

    @Test
    void aMemberCannotOfferTheAdminScopeNorOpenAnotherMembersKey() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        Member mel = team.join(ada, "mel");
        String page = team.perform(team.page(get("/settings/api-keys"), mel)).getResponse().getContentAsString();
        assertThat(page).doesNotContain("value=\"admin\"");
        MockHttpServletResponse refused = team.perform(team.form(post("/settings/api-keys"), mel).param("password", TestAccounts.PASSWORD)
                .param("name", "x").param("scopes", "admin")).getResponse();
        assertThat(refused.getStatus()).isEqualTo(403);
        MockHttpServletResponse noName = team.perform(team.form(post("/settings/api-keys"), mel).param("password", TestAccounts.PASSWORD).param("scopes", "sessions:read")).getResponse();
        assertThat(noName.getStatus()).isEqualTo(400);
        assertThat(noName.getContentAsString()).contains("Give the key a name");

        MockHttpServletResponse posted = team.perform(team.form(post("/settings/api-keys"), ada).param("password", TestAccounts.PASSWORD)
                .param("name", "ada's").param("scopes", "sessions:read")).getResponse();
        String id = posted.getRedirectedUrl().replaceAll("/settings/api-keys/([^/]+)/created", "$1");
        assertThat(team.perform(team.page(get("/settings/api-keys/" + id), mel)).getResponse().getStatus()).isEqualTo(404);
        assertThat(team.perform(team.page(get("/settings/api-keys/" + id + "/revoke"), mel)).getResponse().getStatus()).isEqualTo(404);
        MockHttpServletResponse stolen = team.perform(team.page(get(posted.getRedirectedUrl()), mel).cookie(posted.getCookies())).getResponse();
        assertThat(stolen.getStatus()).as("another member, even with the cookie").isEqualTo(404);
        assertThat(stolen.getContentAsString()).doesNotContainPattern(SECRET);
        assertThat(team.perform(team.form(post("/settings/api-keys/" + id + "/revoke"), mel)).getResponse().getStatus()).isEqualTo(404);
        Matcher secret = SECRET.matcher(landing(team, ada, posted).getContentAsString());
        assertThat(secret.find()).as("mel's attempts took nothing from ada").isTrue();
    }

    /** The form's input or option for {@code value} as the page renders it. */
    private static String control(String page, String tag, String value) {
        Matcher control = Pattern.compile("<" + tag + "[^>]*value=\"" + Pattern.quote(value) + "\"[^>]*>").matcher(page);
        assertThat(control.find()).as(tag + " " + value + " on the page").isTrue();
        return control.group();
    }

    /** A refused create (no name, a wrong password) comes back with the scopes ticked and the expiry chosen as they were sent. */
    @Test
    void aRefusedCreateKeepsTheChosenScopesAndExpiry() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        String fresh = team.perform(team.page(get("/settings/api-keys"), ada)).getResponse().getContentAsString();
        assertThat(control(fresh, "input", "sessions:read")).as("a new form offers reading").contains("checked");
        assertThat(control(fresh, "input", "sessions:write")).doesNotContain("checked");
        assertThat(control(fresh, "option", "30")).as("and 30 days").contains("selected");

        MockHttpServletResponse noName = team.perform(team.form(post("/settings/api-keys"), ada).param("password", TestAccounts.PASSWORD)
                .param("scopes", "sessions:write", "admin").param("expires", "365")).getResponse();
        MockHttpServletResponse wrongPassword = team.perform(team.form(post("/settings/api-keys"), ada).param("password", "not the password")
                .param("name", "Deploy").param("scopes", "sessions:write", "admin").param("expires", "365")).getResponse();
        MockHttpServletResponse never = team.perform(team.form(post("/settings/api-keys"), ada).param("password", "not the password")
                .param("name", "Deploy").param("scopes", "sessions:read").param("expires", "")).getResponse();

        for (MockHttpServletResponse refused : List.of(noName, wrongPassword)) {
            String page = refused.getContentAsString();
            assertThat(refused.getStatus()).as(page).isEqualTo(400);
            assertThat(control(page, "input", "sessions:read")).doesNotContain("checked");
            assertThat(control(page, "input", "sessions:write")).contains("checked");
            assertThat(control(page, "input", "admin")).contains("checked");
            assertThat(control(page, "option", "365")).contains("selected");
            assertThat(control(page, "option", "30")).doesNotContain("selected");
        }
        assertThat(control(never.getContentAsString(), "option", "")).as("\"Never\" stays chosen").contains("selected");
        assertThat(control(never.getContentAsString(), "option", "30")).doesNotContain("selected");
    }

    /**
     * The page said the first field at fault alone. Now every one is said at once, in the summary and next to its field,
     * which is marked invalid and described by it (without JavaScript); the name typed is kept, the password never.
     */
    @Test
    void aRefusedCreateSaysEveryFieldAtFaultNextToItInThePagesOrder() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        MockHttpServletResponse refused = team.perform(team.form(post("/settings/api-keys"), ada).param("name", "x".repeat(101))
                .param("expires", "13").param("password", "")).getResponse();

        String page = refused.getContentAsString();
        assertThat(refused.getStatus()).as(page).isEqualTo(400);
        // In the order of the page's fields (the expiry, checked first by the page itself, was said first).
        assertThat(page).containsSubsequence("<li>Use a name of at most 100 characters.</li>", "<li>Choose at least one scope.</li>",
                "<li>Choose one of the offered expiries.</li>", "<li>Enter your password: an API key is a way into your account.</li>");
        assertThat(page).containsPattern("id=\"key-name\"[^>]*value=\"x{101}\"[^>]*aria-invalid=\"true\" aria-describedby=\"key-name-error\"")
                .contains("<p id=\"key-name-error\" class=\"field-error\">Use a name of at most 100 characters.</p>")
                .containsPattern("<fieldset aria-describedby=\"key-scopes-error\">\\s*<legend>Scopes</legend>\\s*"
                        + "<p id=\"key-scopes-error\" class=\"field-error\">Choose at least one scope.</p>")
                .containsPattern("id=\"key-expires\"[^>]*aria-invalid=\"true\" aria-describedby=\"key-expires-error\"")
                .contains("<p id=\"key-expires-error\" class=\"field-error\">Choose one of the offered expiries.</p>")
                .containsPattern("id=\"key-password\"[^>]*aria-invalid=\"true\" aria-describedby=\"key-password-error key-password-hint\"")
                .contains("<p id=\"key-password-error\" class=\"field-error\">Enter your password: an API key is a way into your account.</p>");
        MockHttpServletResponse control = team.perform(team.form(post("/settings/api-keys"), ada).param("name", "CI\u0007deploy")
                .param("expires", "30").param("password", TestAccounts.PASSWORD)).getResponse();
        assertThat(control.getStatus()).isEqualTo(400);
        assertThat(control.getContentAsString()).as("said with the other fields' errors, and not written back")
                .contains("<li>The name cannot contain control characters.</li>", "<li>Choose at least one scope.</li>")
                .containsPattern("id=\"key-name\"[^>]*value=\"\"").doesNotContain("CI\u0007deploy");
        assertThat(keysOf(ada)).as("no key made").isZero();
    }

    /**
     * A key made and never used is no active session: its card on the sessions page says "Never used" (as the key's
     * own page does) beside an idle dot, and has no address to show after its location; the API says it is not
     * active now either.
     */
    @Test
    void aKeyNeverUsedIsNotActiveNowOnItsCardNorInTheApi() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        String[] key = createKey(team, ada, "Nightly");

        String card = keyCard(team, ada, key[1]);
        assertThat(card).contains(">Never used<").doesNotContain("Active now")
                .contains("class=\"dot idle\"").doesNotContain("class=\"dot on\"");
        assertThat(card.replaceAll("\\s+", " ")).as("no separator before a missing address")
                .contains("Unknown location").doesNotContain("Unknown location</span> ·").doesNotContain("<span class=\"ip\"></span>");
        var listed = team.read(team.perform(team.as(get("/api/v1/sessions"), ada))).path("items");
        var unused = java.util.stream.StreamSupport.stream(listed.spliterator(), false)
                .filter(s -> s.path("id").asString().equals(key[1])).findFirst().orElseThrow();
        assertThat(unused.path("activeNow").asBoolean()).as("the API's activeNow").isFalse();
        assertThat(unused.path("activity").path("requests").asLong()).isZero();

        assertThat(currentWith(team, key[0])).isEqualTo(200);
        String used = keyCard(team, ada, key[1]);
        assertThat(used).contains("Active now").contains("class=\"dot on\"").doesNotContain("Never used");
        assertThat(used).as("the card says when the key was made").contains("created just now");
        String keys = team.perform(team.page(get("/settings/api-keys"), ada)).getResponse().getContentAsString();
        assertThat(keys).as("last used as the cards say it, the exact time its title (outside QA AH)")
                .containsPattern("data-local title=\"\\d+ \\w+ \\d{4}, \\d\\d:\\d\\d UTC\">Just now</time>");
    }

    /**
     * A key never used has no activity of its own (its "last active" is when it was made): it is listed after every
     * session that was used, on the sessions page and in the API alike, however recently it was made (outside review: a
     * key made a minute ago sat above a session active now). Once used, it takes its place by its last activity.
     */
    @Test
    void aKeyNeverUsedIsListedAfterTheSessionsActiveNowOnThePageAndInTheApi() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        Member laptop = team.anotherDevice(ada);
        clock.advance(java.time.Duration.ofMinutes(1));
        String[] key = createKey(team, ada, "Nightly");

        var listed = team.read(team.perform(team.as(get("/api/v1/sessions"), ada))).path("items");
        List<String> ids = java.util.stream.StreamSupport.stream(listed.spliterator(), false).map(s -> s.path("id").asString()).toList();
        assertThat(ids).as("the API's order").hasSize(3).endsWith(key[1]).contains(laptop.sessionId());
        String page = team.perform(team.page(get("/settings/sessions"), ada)).getResponse().getContentAsString();
        assertThat(page.indexOf("/settings/sessions/" + laptop.sessionId())).as("the laptop's card is on the page").isNotNegative()
                .as("and before the key's").isLessThan(page.indexOf("href=\"/settings/api-keys/" + key[1] + "\""));

        clock.advance(java.time.Duration.ofMinutes(1));
        assertThat(currentWith(team, key[0])).isEqualTo(200);
        var afterUse = team.read(team.perform(team.as(get("/api/v1/sessions"), ada))).path("items");
        List<String> used = java.util.stream.StreamSupport.stream(afterUse.spliterator(), false).map(s -> s.path("id").asString()).toList();
        assertThat(used.indexOf(key[1])).as("used now, it comes before the laptop, last active a minute earlier")
                .isLessThan(used.indexOf(laptop.sessionId()));
    }

    /** The card of the session {@code id} on {@code member}'s sessions page. */
    private String keyCard(TeamClient team, Member member, String id) throws Exception {
        String page = team.perform(team.page(get("/settings/sessions"), member)).getResponse().getContentAsString();
        int link = page.indexOf("href=\"/settings/api-keys/" + id + "\"");
        assertThat(link).as("the key's card:\n" + page).isNotNegative();
        int start = page.lastIndexOf("<article", link);
        return page.substring(start, page.indexOf("</article>", link));
    }

    /**
     * From 30 days on, when a key was used and made is a day, a {@code <time>} the browser shows in its own zone, as every
     * other time on the pages; without scripts the day in UTC, named (outside review: a bare UTC date, "on 28 Oct 2026").
     */
    @Test
    void aKeyUsedAMonthAgoSaysTheDayAsATimeTheBrowserShowsInItsZone() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        String[] key = createKey(team, ada, "Monthly");
        assertThat(currentWith(team, key[0])).isEqualTo(200);
        String day = java.time.format.DateTimeFormatter.ofPattern("d MMM yyyy", java.util.Locale.ENGLISH)
                .format(clock.instant().atOffset(java.time.ZoneOffset.UTC)) + " UTC";
        clock.advance(java.time.Duration.ofDays(40));
        Member back = team.anotherDevice(ada);

        String time = "<time datetime=\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\" data-day>" + day + "</time>";
        assertThat(keyCard(team, back, key[1]).replaceAll("\\s+", " ")).containsPattern("<span>on " + time + "</span> · <span>created on " + time + "</span>");
        String keys = team.perform(team.page(get("/settings/api-keys"), back)).getResponse().getContentAsString();
        assertThat(keys.replaceAll("\\s+", " ")).containsPattern("<td data-label=\"Last used\">on " + time);
    }

    /** Creates a key on {@code member}'s page; returns its secret and id. */
    /** On the sessions page a key's card revokes it as a key, and a key is no other session to sign out (walkthrough). */
    @Test
    void aKeysCardOnTheSessionsPageRevokesItAsAKeyAndIsNoSessionToSignOut() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        String[] key = createKey(team, ada, "Nightly");

        String page = team.perform(team.page(get("/settings/sessions"), ada)).getResponse().getContentAsString();

        assertThat(page).contains("href=\"/settings/api-keys/" + key[1] + "/revoke\"").contains(">Revoke key<")
                .doesNotContain("/settings/sessions/" + key[1] + "/sign-out").doesNotContain("Sign out all other sessions");
    }

    /**
     * "Sign out selected" is for sign-ins: a key's card has no checkbox, and a request that names a key anyway is
     * refused whole, naming the key, with nothing signed out (a key is revoked only after its own confirmation).
     */
    @Test
    void signOutSelectedOffersNoKeyAndRefusesARequestThatNamesOneEndingNothing() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        Member laptop = team.anotherDevice(ada);
        String[] key = createKey(team, ada, "deploy bot");

        String page = team.perform(team.page(get("/settings/sessions"), ada)).getResponse().getContentAsString();
        assertThat(page).contains("name=\"ids\" value=\"" + laptop.sessionId() + "\"")
                .as("no checkbox on the key's card").doesNotContain("name=\"ids\" value=\"" + key[1] + "\"")
                .contains(">Sign out selected<");

        for (boolean confirmed : new boolean[]{false, true}) {
            MockHttpServletResponse refused = team.perform(team.form(post("/settings/sessions/sign-out-selected"), ada)
                    .param("ids", laptop.sessionId(), key[1]).param("confirmed", Boolean.toString(confirmed))).getResponse();
            assertThat(refused.getStatus()).as("confirmed=" + confirmed).isEqualTo(409);
            assertThat(refused.getContentAsString()).contains("API keys are not signed out here")
                    .contains("The API key \u201c<bdi>deploy bot</bdi>\u201d was among the sessions to sign out.", "Nothing was signed out.")
                    .contains("href=\"/settings/api-keys/" + key[1] + "/revoke\"")
                    .doesNotContain("Those devices will need to sign in again.");
        }
        assertThat(currentWith(team, key[0])).as("the key still works").isEqualTo(200);
        assertThat(team.current(laptop).getResponse().getStatus()).as("and nothing of the request was done").isEqualTo(200);

        MockHttpServletResponse signIns = team.perform(team.form(post("/settings/sessions/sign-out-selected"), ada)
                .param("ids", laptop.sessionId()).param("confirmed", "true")).getResponse();
        assertThat(signIns.getRedirectedUrl()).isEqualTo("/settings/sessions?done=signed-out-selected&count=1");
        assertThat(team.current(laptop).getResponse().getStatus()).isEqualTo(401);
        assertThat(currentWith(team, key[0])).isEqualTo(200);

        Member stranger = team.admin("stranger");
        Member strangersPhone = team.anotherDevice(stranger);
        for (String[] ids : new String[][] {{laptop.sessionId()}, {strangersPhone.sessionId()}, {"ses_no-such-session"}}) {
            for (String confirmed : new String[] {"false", "true"}) {
                MockHttpServletResponse none = team.perform(team.form(post("/settings/sessions/sign-out-selected"), ada)
                        .param("ids", ids).param("confirmed", confirmed)).getResponse();
                assertThat(none.getRedirectedUrl()).as("ended already, someone else's, unknown; confirmed=" + confirmed)
                        .isEqualTo("/settings/sessions?done=none-signed-in");
            }
        }
        assertThat(team.current(strangersPhone).getResponse().getStatus()).isEqualTo(200);
    }

    /** Nothing ticked: the list says so as an error, not in a success banner (outside QA AH). */
    @Test
    void signOutSelectedWithNothingTickedIsSaidAsAnError() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        team.anotherDevice(ada);

        MockHttpServletResponse none = team.perform(team.form(post("/settings/sessions/sign-out-selected"), ada)).getResponse();
        assertThat(none.getRedirectedUrl()).isEqualTo("/settings/sessions?done=nothing-selected");
        String page = team.perform(team.page(get(none.getRedirectedUrl()), ada)).getResponse().getContentAsString();

        assertThat(page).contains("<div class=\"alert error\" role=\"alert\">Select at least one session to sign out.</div>")
                .doesNotContain("alert success");
    }

    @Test
    void aPageOfOnlyKeysOffersNoSignOutSelected() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        createKey(team, ada, "deploy bot");

        String page = team.perform(team.page(get("/settings/sessions"), ada)).getResponse().getContentAsString();

        assertThat(page).contains("deploy bot").doesNotContain("name=\"ids\"").doesNotContain(">Sign out selected<");
    }

    private String[] createKey(TeamClient team, Member member, String name) throws Exception {
        MockHttpServletResponse created = landing(team, member, team.perform(team.form(post("/settings/api-keys"), member).param("password", TestAccounts.PASSWORD)
                .param("name", name).param("scopes", "sessions:read")).getResponse());
        Matcher secret = SECRET.matcher(created.getContentAsString());
        assertThat(secret.find()).as("the secret is on the page").isTrue();
        String id = jdbc.sql("SELECT session_id FROM api_keys WHERE prefix = :p").param("p", secret.group(1).substring(0, 12))
                .query(String.class).single();
        return new String[]{secret.group(1), id};
    }

    private int currentWith(TeamClient team, String key) throws Exception {
        return team.perform(get("/api/v1/sessions/current").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)).getResponse().getStatus();
    }

    @Test
    void signOutConfirmationsListOnlySignInsAndSayKeysStay() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        team.anotherDevice(ada);
        String[] key = createKey(team, ada, "Deploy bot");

        String others = team.perform(team.page(get("/settings/sessions/sign-out-others"), ada)).getResponse().getContentAsString();
        assertThat(others).contains("This will sign out 1 other session:").doesNotContain("Deploy bot")
                .contains("<strong>API keys are not affected</strong> and keep working (1 key)");
        String all = team.perform(team.page(get("/settings/sessions/sign-out-all"), ada)).getResponse().getContentAsString();
        assertThat(all).doesNotContain("Deploy bot").contains("<strong>API keys are not affected</strong>");

        team.perform(team.form(post("/settings/sessions/sign-out-others"), ada));
        assertThat(currentWith(team, key[0])).as("the key still works after \"sign out others\"").isEqualTo(200);
    }

    @Test
    void aKeyRowLinksToTheKeysPageAndIsNotCountedUnverified() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        team.anotherDevice(ada);
        String id = createKey(team, ada, "Deploy bot")[1];

        String list = team.perform(team.page(get("/settings/sessions"), ada)).getResponse().getContentAsString();
        assertThat(list).contains("href=\"/settings/api-keys/" + id + "\"").doesNotContain("href=\"/settings/sessions/" + id + "\"");

        var counts = team.read(team.perform(team.as(get("/api/v1/sessions"), ada))).path("counts");
        int unverifiedSignIns = jdbc.sql("SELECT COUNT(*) FROM sessions s JOIN accounts a ON a.id = s.account_id"
                        + " WHERE a.email = :e AND s.ended_at IS NULL AND s.verified = :no AND s.api_key = :no")
                .param("e", ada.email()).param("no", false).query(Integer.class).single();
        assertThat(counts.path("all").asInt()).as("the key is among all sessions").isEqualTo(3);
        assertThat(counts.path("unverified").asInt()).isEqualTo(unverifiedSignIns);
        assertThat(counts.path("all").asInt()).isEqualTo(counts.path("verified").asInt() + counts.path("unverified").asInt() + 1);
        String unverified = team.perform(team.as(get("/api/v1/sessions").param("filter", "unverified"), ada)).getResponse().getContentAsString();
        assertThat(unverified).doesNotContain(id);
    }

    @Test
    void anAdminSeesAMembersKeysAndRevokesOneAfterConfirming() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        Member mel = team.join(ada, "mel");
        Member oto = team.admin("oto");
        String[] key = createKey(team, mel, "Mel's CI");
        String melId = mel.accountId();
        String confirm = "/admin/members/" + melId + "/api-keys/" + key[1] + "/revoke";

        String member = team.perform(team.page(get("/admin/members/" + melId + "/sessions"), ada)).getResponse().getContentAsString();
        assertThat(member).contains("1 active API key").contains("Mel&#39;s CI").contains("href=\"" + confirm + "\"")
                .contains("revoke all their API keys").doesNotContain(key[0]);

        MockHttpServletResponse page = team.perform(team.page(get(confirm), ada)).getResponse();
        assertThat(page.getStatus()).isEqualTo(200);
        assertThat(page.getContentAsString()).contains("Mel&#39;s CI").contains(key[0].substring(0, 12) + "…")
                .contains("sessions:read").contains("name=\"_csrf\"").doesNotContain(key[0]);

        assertThat(team.perform(team.page(get(confirm), mel)).getResponse().getStatus()).as("a plain member").isEqualTo(403);
        assertThat(team.perform(team.form(post(confirm), mel)).getResponse().getStatus()).as("a plain member").isEqualTo(403);
        assertThat(team.perform(team.page(get(confirm), oto)).getResponse().getStatus()).as("another team's admin").isEqualTo(404);
        assertThat(team.perform(team.form(post(confirm), oto)).getResponse().getStatus()).as("another team's admin").isEqualTo(404);
        assertThat(team.perform(team.page(post(confirm), ada)).getResponse().getStatus()).as("without CSRF").isEqualTo(403);
        assertThat(currentWith(team, key[0])).as("no refusal revoked the key").isEqualTo(200);

        MockHttpServletResponse revoked = team.perform(team.form(post(confirm), ada)).getResponse();
        assertThat(revoked.getRedirectedUrl()).isEqualTo("/admin/members/" + melId + "/sessions?done=key-revoked");
        assertThat(currentWith(team, key[0])).isEqualTo(401);
        assertThat(team.perform(team.page(get(revoked.getRedirectedUrl()), ada)).getResponse().getContentAsString())
                .contains("The API key was revoked.").contains("No active API keys.");
    }

    /**
     * An admin's confirmation before revoking a member's key says where the key was last used with the address masked, as
     * the member's sessions page and the API show it to an admin; only the owner sees it in full (outside review: the
     * confirmation showed the member's full address).
     */
    @Test
    void anAdminsRevokeConfirmationShowsTheMembersAddressMasked() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        Member mel = team.join(ada, "mel");
        String[] melsKey = createKey(team, mel, "Mel's CI");
        String[] adasKey = createKey(team, ada, "Ada's CI");
        assertThat(currentWith(team, melsKey[0])).isEqualTo(200);
        assertThat(currentWith(team, adasKey[0])).isEqualTo(200);
        String ip = jdbc.sql("SELECT ip FROM sessions WHERE id = :id").param("id", melsKey[1]).query(String.class).single();
        assertThat(ip).as("the key was used from an address").isEqualTo("127.0.0.1");

        String owners = team.perform(team.page(get("/settings/api-keys/" + melsKey[1]), mel)).getResponse().getContentAsString();
        assertThat(owners).as("the owner sees it in full").contains(" from 127.0.0.1 · ");
        String admins = team.perform(team.page(get("/admin/members/" + mel.accountId() + "/api-keys/" + melsKey[1] + "/revoke"), ada))
                .getResponse().getContentAsString();
        assertThat(admins).contains("Mel&#39;s CI").contains(" from 127.0.0.••• · ").doesNotContain("127.0.0.1");
        String own = team.perform(team.page(get("/admin/members/" + ada.accountId() + "/api-keys/" + adasKey[1] + "/revoke"), ada))
                .getResponse().getContentAsString();
        assertThat(own).as("an admin's own key, through the admin's page").contains(" from 127.0.0.1 · ");
    }

    /**
     * An ended key's page says how and when it ended, who revoked it ("you", "an admin of your team") or that it expired,
     * and History says an expired key "Expired" (outside review: "Revoked or expired" with no date, and History's
     * "Reached its maximum lifetime").
     */
    @Test
    void anEndedKeysPageSaysHowAndWhenItEndedAndHistorySaysAKeyExpired() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        Member mel = team.join(ada, "mel");
        String[] own = createKey(team, ada, "Own");
        String[] mels = createKey(team, mel, "Mel's");
        String revokedAt = ApiKeyPages.EXACT.format(clock.instant());
        team.perform(team.form(post("/settings/api-keys/" + own[1] + "/revoke"), ada));
        team.perform(team.form(post("/admin/members/" + mel.accountId() + "/api-keys/" + mels[1] + "/revoke"), ada));

        assertThat(state(team, ada, own[1])).isEqualTo("Revoked by you on " + revokedAt);
        assertThat(state(team, mel, mels[1])).isEqualTo("Revoked by an admin of your team on " + revokedAt);

        java.time.Instant expiry = clock.instant().plus(java.time.Duration.ofHours(2));
        var made = team.read(team.perform(team.json(post("/api/v1/api-keys"), mel, json.writeValueAsString(java.util.Map.of(
                "name", "Short", "scopes", List.of("sessions:read"), "expiresAt", expiry.toString(), "password", TestAccounts.PASSWORD)))));
        String shortKey = made.path("key").path("id").asString();
        String expiresAt = ApiKeyPages.EXACT.format(expiry);
        assertThat(state(team, mel, shortKey)).isEqualTo("Active");
        clock.advance(java.time.Duration.ofHours(3));
        assertThat(state(team, mel, shortKey)).as("before the sweep").isEqualTo("Expired on " + expiresAt);
        assertThat(team.perform(team.page(get("/settings/api-keys/" + shortKey), mel)).getResponse().getContentAsString())
                .as("in the pages' time style").containsPattern("Expired on <time\\s+datetime=\"[^\"]+\">" + Pattern.quote(expiresAt) + "</time>");

        assertThat(currentWith(team, made.path("secret").asString())).as("used after its expiry, it is ended").isEqualTo(401);
        String history = team.perform(team.page(get("/settings/sessions/history"), mel)).getResponse().getContentAsString();
        int row = history.indexOf("href=\"/settings/api-keys/" + shortKey + "\"");
        assertThat(row).as("the key is in History").isNotNegative();
        String why = history.substring(row, history.indexOf("</tr>", row));
        assertThat(why).contains("data-label=\"Why\">Expired</td>").doesNotContain("Reached its maximum lifetime");
    }

    /** What the key's page says in its State row, its tags taken out. */
    private String state(TeamClient team, Member member, String id) throws Exception {
        String page = team.perform(team.page(get("/settings/api-keys/" + id), member)).getResponse().getContentAsString();
        Matcher state = Pattern.compile("<dt>State</dt><dd>(.*?)</dd>", Pattern.DOTALL).matcher(page);
        assertThat(state.find()).as(page).isTrue();
        return state.group(1).replaceAll("<[^>]+>", "").replaceAll("\\s+", " ").strip();
    }

    @Test
    void forceSignOutSaysAndDoesEndTheMembersKeys() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        Member mel = team.join(ada, "mel");
        String[] key = createKey(team, mel, "Mel's CI");
        String member = team.perform(team.page(get("/admin/members/" + mel.accountId() + "/sessions"), ada)).getResponse().getContentAsString();
        assertThat(member).contains("<strong>revoke all their API keys</strong>");
        assertThat(team.perform(team.page(get("/admin/sessions/sign-out-all"), ada)).getResponse().getContentAsString())
                .contains("<strong>API key is revoked too</strong>");

        team.perform(team.form(post("/admin/members/" + mel.accountId() + "/sign-out"), ada).param("reason", "Lost laptop"));
        assertThat(currentWith(team, key[0])).isEqualTo(401);
    }

    private int keysOf(Member member) {
        return jdbc.sql("SELECT COUNT(*) FROM api_keys WHERE account_id = :a").param("a", member.accountId()).query(Integer.class).single();
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aReloadAfterCreatingShowsTheSecretNoMoreAndCreatesNoSecondKey(CapturedOutput output) throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        MockHttpServletResponse posted = team.perform(team.form(post("/settings/api-keys"), ada).param("password", TestAccounts.PASSWORD)
                .param("name", "Backup job").param("scopes", "sessions:read")).getResponse();
        assertThat(posted.getContentAsString()).as("the POST's answer holds no secret").doesNotContainPattern(SECRET);
        var cookie = Arrays.stream(posted.getCookies()).filter(c -> c.getName().startsWith("lanyard_reveal_")).findFirst().orElseThrow();
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getMaxAge()).isEqualTo(300);
        assertThat(posted.getHeaders(HttpHeaders.SET_COOKIE)).anyMatch(h -> h.contains("SameSite=Strict"));
        String keyId = posted.getRedirectedUrl().split("/")[3];
        String sealed = jdbc.sql("SELECT sealed FROM secret_reveals WHERE reveal_id = :k").param("k", keyId).query(String.class).single();

        Member phone = team.anotherDevice(ada);
        MockHttpServletResponse elsewhere = team.perform(team.page(get(posted.getRedirectedUrl()), phone).cookie(cookie)).getResponse();
        assertThat(elsewhere.getStatus()).isEqualTo(200);
        assertThat(elsewhere.getContentAsString()).as("another session of the same member, even with the cookie")
                .doesNotContainPattern(SECRET).contains("is shown only once");
        MockHttpServletResponse withoutCookie = team.perform(team.page(get(posted.getRedirectedUrl()), ada)).getResponse();
        assertThat(withoutCookie.getContentAsString()).as("the creating session without the cookie").doesNotContainPattern(SECRET);

        MockHttpServletResponse shown = landing(team, ada, posted);
        Matcher secret = SECRET.matcher(shown.getContentAsString());
        assertThat(secret.find()).as("the creating browser still gets it, once").isTrue();
        String key = secret.group(1);
        assertThat(posted.getRedirectedUrl()).doesNotContain(key);
        assertThat(sealed).as("the database holds it sealed, never as such").doesNotContain(key).doesNotContain(key.substring(4));
        assertThat(shown.getHeaders(HttpHeaders.SET_COOKIE)).as("the cookie is cleared")
                .anyMatch(h -> h.startsWith(cookie.getName() + "=;") && h.contains("Max-Age=0"));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM secret_reveals WHERE reveal_id = :k").param("k", keyId).query(Integer.class).single())
                .as("taken out when shown").isZero();

        MockHttpServletResponse reloaded = landing(team, ada, posted);
        assertThat(reloaded.getStatus()).isEqualTo(200);
        assertThat(reloaded.getContentAsString()).doesNotContain(key).contains("is shown only once").contains("create a new one")
                .contains("Backup job");
        assertThat(keysOf(ada)).as("reloading created no key").isEqualTo(1);
        assertThat(currentWith(team, key)).isEqualTo(200);
        assertThat(output.getAll()).as("the secret is in no log").doesNotContain(key);
    }

    @Test
    void revokingAKeyAsksFirstNamingItAndTheConfirmationChangesNothing() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        String[] key = createKey(team, ada, "Deploy <bot>");
        assertThat(currentWith(team, key[0])).isEqualTo(200);
        String confirm = "/settings/api-keys/" + key[1] + "/revoke";

        MockHttpServletResponse page = team.perform(team.page(get(confirm), ada)).getResponse();
        assertThat(page.getStatus()).isEqualTo(200);
        assertThat(page.getContentAsString()).contains("Revoke API key “<bdi>Deploy &lt;bot&gt;</bdi>”?").contains(key[0].substring(0, 12) + "…")
                .contains("sessions:read — Read your sessions").doesNotContain("Never used").contains("401 Unauthorized")
                .contains("This cannot be undone").contains("name=\"_csrf\"").contains("action=\"" + confirm + "\"")
                .contains("href=\"/settings/api-keys/" + key[1] + "\">Cancel</a>").doesNotContain(key[0]);
        assertThat(currentWith(team, key[0])).as("opening the confirmation revoked nothing").isEqualTo(200);
        assertThat(team.perform(team.page(post(confirm), ada)).getResponse().getStatus()).as("without CSRF").isEqualTo(403);
        assertThat(currentWith(team, key[0])).isEqualTo(200);

        assertThat(team.perform(team.form(post(confirm), ada)).getResponse().getRedirectedUrl()).isEqualTo("/settings/api-keys?done=revoked");
        assertThat(currentWith(team, key[0])).isEqualTo(401);
        assertThat(team.perform(team.page(get(confirm), ada)).getResponse().getRedirectedUrl())
                .as("an ended key has nothing to confirm").isEqualTo("/settings/api-keys/" + key[1]);
        assertThat(team.perform(team.page(get("/settings/api-keys/" + key[1] + "/created"), ada)).getResponse().getContentAsString())
                .doesNotContain("Revoke this key");
    }
}
