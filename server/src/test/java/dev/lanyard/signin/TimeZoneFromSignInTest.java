package dev.lanyard.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sign-in form sends the browser's time zone: a complete sign-in keeps it for the member's mails when it is a region
 * Java knows, and anything else changes nothing and fails nothing. Mails then give their times in it, named; a member
 * without one gets UTC, as before (development outbox). {@code POST /api/v1/login} takes a {@code zone} by the same rules.
 */
@LanyardSpringTest
class TimeZoneFromSignInTest {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm", Locale.ENGLISH);

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MutableClock clock;

    private ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(mvc, json);
    }

    /** The sign-in form sent with {@code zone} (none when null): its response. */
    private MockHttpServletResponse logIn(Member who, String password, String zone) throws Exception {
        return logIn(who, password, zone, ApiClient.newAddress());
    }

    private MockHttpServletResponse logIn(Member who, String password, String zone, String address) throws Exception {
        var form = post("/login").with(csrf()).with(ApiClient.from(address))
                .param("email", who.email()).param("password", password);
        if (zone != null) form.param("zone", zone);
        return mvc.perform(form).andReturn().getResponse();
    }

    private Optional<String> stored(Member who) {
        return jdbc.sql("SELECT time_zone FROM accounts WHERE id = :id").param("id", who.accountId())
                .query((rs, n) -> Optional.ofNullable(rs.getString(1))).single();
    }

    private void signedIn(MockHttpServletResponse response) throws Exception {
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(302);
        assertThat(response.getRedirectedUrl()).isEqualTo("/settings/sessions");
    }

    private String mail(Member to, String subject) {
        return jdbc.sql("SELECT body FROM outbox WHERE recipient = :to AND subject = :subject").param("to", to.email())
                .param("subject", subject).query(String.class).single();
    }

    @Test
    void theLoginPageAsksForTheBrowsersZone() throws Exception {
        String page = mvc.perform(get("/login")).andReturn().getResponse().getContentAsString();

        assertThat(page.split("<input type=\"hidden\" name=\"zone\" data-browser-zone>", -1))
                .as("in the password form and in the passkey form, filled in by times.js").hasSize(3);
        assertThat(page).contains("/js/times.js");
    }

    @Test
    void aSignInKeepsTheBrowsersZoneAndAnythingElseKeepsTheOneStored() throws Exception {
        Member tomoko = api.signUp("tomoko");
        assertThat(stored(tomoko)).as("signed up through the API: no zone").isEmpty();

        signedIn(logIn(tomoko, TestAccounts.PASSWORD, "Asia/Tokyo"));
        assertThat(stored(tomoko)).contains("Asia/Tokyo");

        for (String notARegion : List.of("+09:00", "UTC+9", "GMT+09:00", "asia/tokyo", "Asia/Tokyo/" + "x".repeat(70), "", "Mars")) {
            signedIn(logIn(tomoko, TestAccounts.PASSWORD, notARegion));
            assertThat(stored(tomoko)).as(notARegion).contains("Asia/Tokyo");
        }
        signedIn(logIn(tomoko, TestAccounts.PASSWORD, null));
        assertThat(stored(tomoko)).as("without the script: nothing sent").contains("Asia/Tokyo");

        assertThat(logIn(tomoko, "not the password at all", "Europe/Oslo").getStatus()).isEqualTo(401);
        assertThat(stored(tomoko)).as("a failed sign-in keeps nothing").contains("Asia/Tokyo");

        signedIn(logIn(tomoko, TestAccounts.PASSWORD, "America/New_York"));
        assertThat(stored(tomoko)).as("a new zone replaces the old").contains("America/New_York");

        // Named as a region is, but newer than this Java's zone data (or none at all): the browser has left the stored zone.
        signedIn(logIn(tomoko, TestAccounts.PASSWORD, "Mars/Olympus_Mons"));
        assertThat(stored(tomoko)).as("a region Java does not know forgets the stored one: mails say UTC").isEmpty();
    }

    @Test
    void aSignUpInTheBrowserKeepsItsZone() throws Exception {
        String email = TestAccounts.uniqueEmail("maile");
        MockHttpServletResponse created = mvc.perform(post("/signup").with(csrf()).with(ApiClient.from(ApiClient.newAddress()))
                .param("name", "Maile").param("email", email).param("password", TestAccounts.PASSWORD).param("team", "Surf")
                .param("zone", "Pacific/Honolulu")).andReturn().getResponse();
        assertThat(created.getRedirectedUrl()).as(created.getContentAsString()).isEqualTo("/settings/sessions?done=welcome");

        assertThat(jdbc.sql("SELECT time_zone FROM accounts WHERE email = :email").param("email", email).query(String.class).single())
                .isEqualTo("Pacific/Honolulu");
    }

    @Test
    void mailsGiveTheirTimesInTheMembersZone() throws Exception {
        Member kenji = api.signUp("kenji");
        String address = ApiClient.newAddress();
        MockHttpServletResponse formSignIn = logIn(kenji, TestAccounts.PASSWORD, "Asia/Kolkata", address);
        signedIn(formSignIn);
        Member browser = new Member(kenji.email(), ApiClient.sessionCookie(formSignIn).orElseThrow(), "", kenji.accountId(), address);
        clock.advance(Duration.ofMinutes(7));
        String kolkata = WHEN.format(clock.instant().atZone(ZoneId.of("Asia/Kolkata"))) + " (Asia/Kolkata)";
        String expires = WHEN.format(clock.instant().plus(Duration.ofDays(30)).atZone(ZoneId.of("Asia/Kolkata"))) + " (Asia/Kolkata)";

        assertThat(createKey(browser, clock.instant().plus(Duration.ofDays(30)).toString()).getStatus()).isEqualTo(201);
        assertThat(mail(kenji, "An API key was created on your Lanyard account"))
                .contains("was created on your Lanyard account " + kenji.email() + " on " + kolkata + ".")
                .contains("Expires: " + expires + "\n").doesNotContain("UTC");

        MockHttpServletResponse changed = mvc.perform(post("/api/v1/password").cookie(browser.cookie()).with(browser.from())
                .contentType(MediaType.APPLICATION_JSON).content(api.write(Map.of("currentPassword", TestAccounts.PASSWORD,
                        "newPassword", "another long passphrase for kenji", "signOutOthers", false)))).andReturn().getResponse();
        assertThat(changed.getStatus()).as(changed.getContentAsString()).isEqualTo(204);
        assertThat(mail(kenji, "Your Lanyard password was changed")).contains("When:     " + kolkata + "\n").doesNotContain("UTC");
    }

    @Test
    void aMemberWithoutAZoneGetsUtcAsBefore() throws Exception {
        Member ines = api.signUp("ines");
        String utc = WHEN.format(clock.instant().atZone(ZoneId.of("UTC"))) + " UTC";

        assertThat(createKey(ines, null).getStatus()).isEqualTo(201);
        assertThat(mail(ines, "An API key was created on your Lanyard account"))
                .contains(" on " + utc + ".").contains("Expires: never\n");
    }

    /** {@code POST /api/v1/login} for a bearer token, with {@code zone} as the JSON value it is (left out when null). */
    private MockHttpServletResponse apiLogIn(Member who, String password, Object zone) throws Exception {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("email", who.email(), "password", password, "tokenType", "bearer"));
        if (zone != null) body.put("zone", zone);
        return mvc.perform(post("/api/v1/login").with(ApiClient.from(ApiClient.newAddress())).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(body))).andReturn().getResponse();
    }

    private static void signedInOverTheApi(MockHttpServletResponse response) throws Exception {
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(201);
    }

    @Test
    void anApiSignInKeepsTheZoneItSendsByTheFormsRules() throws Exception {
        Member tomoko = api.signUp("tomoko");
        signedInOverTheApi(apiLogIn(tomoko, TestAccounts.PASSWORD, null));
        assertThat(stored(tomoko)).as("nothing sent, nothing kept").isEmpty();

        signedInOverTheApi(apiLogIn(tomoko, TestAccounts.PASSWORD, "Asia/Tokyo"));
        assertThat(stored(tomoko)).contains("Asia/Tokyo");

        String longerThanAnyZone = "Asia/Tokyo" + "x".repeat(200);
        for (String notARegion : List.of("+09:00", "UTC+9", "asia/tokyo", "", "Mars", "Asia/Tokyo/" + "x".repeat(70), longerThanAnyZone)) {
            signedInOverTheApi(apiLogIn(tomoko, TestAccounts.PASSWORD, notARegion));
            assertThat(stored(tomoko)).as(notARegion).contains("Asia/Tokyo");
        }

        assertThat(apiLogIn(tomoko, "not the password at all", "Europe/Oslo").getStatus()).isEqualTo(401);
        assertThat(stored(tomoko)).as("a failed sign-in keeps nothing").contains("Asia/Tokyo");

        signedInOverTheApi(apiLogIn(tomoko, TestAccounts.PASSWORD, "Mars/Olympus_Mons"));
        assertThat(stored(tomoko)).as("a region Java does not know forgets the stored one").isEmpty();
    }

    @Test
    void anApiZoneThatIsNotAStringIsRefusedNamingTheField() throws Exception {
        Member olga = api.signUp("olga");
        signedInOverTheApi(apiLogIn(olga, TestAccounts.PASSWORD, "Europe/Riga"));

        for (Object notAString : List.of(9, 1.5, true, Map.of("id", "Asia/Tokyo"), List.of("Asia/Tokyo"))) {
            MockHttpServletResponse refused = apiLogIn(olga, TestAccounts.PASSWORD, notAString);
            assertThat(refused.getStatus()).as(refused.getContentAsString()).isEqualTo(400);
            assertThat(refused.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            assertThat(json.readTree(refused.getContentAsString()).path("field").asString()).as(notAString.toString()).isEqualTo("zone");
        }
        assertThat(stored(olga)).contains("Europe/Riga");
    }

    @Test
    void mailsAfterAnApiSignInGiveTheirTimesInItsZone() throws Exception {
        Member kenji = api.signUp("kenji");
        MockHttpServletResponse signedIn = apiLogIn(kenji, TestAccounts.PASSWORD, "Asia/Kolkata");
        signedInOverTheApi(signedIn);
        String token = json.readTree(signedIn.getContentAsString()).path("token").asString();
        clock.advance(Duration.ofMinutes(7));
        String kolkata = WHEN.format(clock.instant().atZone(ZoneId.of("Asia/Kolkata"))) + " (Asia/Kolkata)";

        MockHttpServletResponse created = mvc.perform(post("/api/v1/api-keys").header("Authorization", "Bearer " + token)
                .with(ApiClient.from(ApiClient.newAddress())).contentType(MediaType.APPLICATION_JSON).content(api.write(Map.of(
                        "name", "Backups", "scopes", List.of("sessions:read"), "password", TestAccounts.PASSWORD)))).andReturn().getResponse();
        assertThat(created.getStatus()).as(created.getContentAsString()).isEqualTo(201);
        assertThat(mail(kenji, "An API key was created on your Lanyard account")).contains(" on " + kolkata + ".").doesNotContain("UTC");
    }

    private MockHttpServletResponse createKey(Member who, String expiresAt) throws Exception {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", "Backups", "scopes", List.of("sessions:read"),
                "password", TestAccounts.PASSWORD));
        if (expiresAt != null) body.put("expiresAt", expiresAt);
        return mvc.perform(post("/api/v1/api-keys").cookie(who.cookie()).with(who.from()).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(body))).andReturn().getResponse();
    }
}
