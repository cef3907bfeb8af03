package dev.lanyard.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.lanyard.browser.Chromium.IPHONE_LONDON;
import static dev.lanyard.browser.Chromium.MAC_MADRID;
import static dev.lanyard.browser.Chromium.WINDOWS_STOCKHOLM;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Pattern;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.lanyard.session.TestVerification;
import dev.lanyard.testsupport.SqliteDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ContextConfiguration;

/**
 * What an outside accessibility and language review (AK) found people could not do, done in a real Chromium: sign in
 * with an address that has an accent before the @, follow a link that looks like a button with Space, hear where a
 * refused form went wrong, tell repeated controls apart by name, read times in a right-to-left language, read the
 * audit log's times on a 320-pixel phone, and its addresses whole or wrapped between their parts. And (a later outside
 * review) type a name of as many emoji as its limit.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"lanyard.web.trusted-proxies=127.0.0.1", "server.address=127.0.0.1"})
@ContextConfiguration(initializers = SqliteDatabase.class)
class InclusiveUseBrowserTest extends BrowserTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final java.util.concurrent.atomic.AtomicInteger ADDRESSES = new java.util.concurrent.atomic.AtomicInteger();

    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;

    /** An address the server takes but Chromium's type="email" refused: "ë" before the @, "ä" in the domain. */
    private static String accented(String who) {
        return who + "ë+" + nextEmail("qa").replace("@example.com", "") + "@exämple.de";
    }

    /** Signs up through the API, as the review made its account. */
    private void apiSignUp(String email, String name) {
        String body = "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\",\"name\":\"" + name + "\",\"team\":\"Umlauts\"}";
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/signup"))
                    .header("Content-Type", "application/json").header("X-Forwarded-For", MAC_MADRID.ip())
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anAddressWithAnAccentBeforeTheAtSignSignsInSignsUpAndIsInvited() {
        String zoe = accented("zo");
        apiSignUp(zoe, "Zoë");
        Page page = open(MAC_MADRID);
        logIn(page, zoe);

        page.navigate("/admin/members");
        String guest = accented("jürgen");
        page.getByLabel("Email").fill(guest);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send invitation")).click();
        assertThat(page.locator("main table").first()).containsText(guest);

        signUp(open(WINDOWS_STOCKHOLM), "Anaïs", accented("ana"), "Accents");
    }

    @Test
    void aLinkThatLooksLikeAButtonFollowsOnSpace() {
        Page page = open(MAC_MADRID);
        signUp(page, "Ada Lovelace", "Engines");
        // The URL commits before the page's deferred times.js, which makes Space follow the link, has run (a CI flake).
        page.waitForLoadState(com.microsoft.playwright.options.LoadState.DOMCONTENTLOADED);
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Log out all devices")).focus();
        page.keyboard().press("Space");
        assertThat(page).hasURL(Pattern.compile("/settings/sessions/sign-out-all$"));
    }

    @Test
    void aRefusedFormTakesFocusToItsErrorsAndEachFieldInErrorPointsAtThemAndItsHint() {
        Page page = open(MAC_MADRID);
        page.navigate("/signup");
        page.getByLabel("Your name").fill("Ana");
        page.getByLabel("Email").fill(nextEmail("weak"));
        page.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill("password1234");
        page.getByLabel("Team name").fill("Weak");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create account")).click();
        assertErrorsFocusedAndLinked(page, "#password", "password-hint");

        signUp(page, "Ana", "Keys");
        page.navigate("/settings/api-keys");
        page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("CI deploy");
        page.getByLabel("sessions:read").check();
        page.getByLabel("Your password (to create a key)").fill("not the password at all");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create key")).click();
        assertErrorsFocusedAndLinked(page, "#key-password", "key-password-hint");

        // Outside review (WCAG 3.3.1): a wrong code turning on an authenticator app, and an invitation to "not an email",
        // were said above their forms with the field unmarked. Each field says its error under it too.
        page.navigate("/settings/security");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Set up an authenticator app")).click();
        page.locator("#confirm-password").fill(PASSWORD);
        page.locator("#confirm-code").fill("000000");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Turn on")).click();
        assertErrorsFocusedAndLinked(page, "#confirm-code", "confirm-code-error");
        page.navigate("/admin/members");
        page.locator("#invite-email").fill("not an email");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send invitation")).click();
        assertErrorsFocusedAndLinked(page, "#invite-email", "invite-email-error");
        // Where a page gives its fields a border of its own (the settings' numbers, the audit log's filters), one at fault
        // is marked all the same.
        page.navigate("/admin/settings");
        page.locator("#rememberedDays").evaluate("e => e.removeAttribute('max')");
        page.locator("#rememberedDays").fill("999");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save policy")).click();
        assertErrorsFocusedAndLinked(page, "#rememberedDays", "rememberedDays-error");
        page.navigate("/admin/audit?to=1969-12-31");
        assertErrorsFocusedAndLinked(page, "#to", "to-error");
    }

    /**
     * A name is as long as Lanyard counts it, in characters as a reader sees them (outside review: the browser's maxlength
     * counted UTF-16 units, and cut a name of 100 emoji, which the server takes, at 50). 100 emoji, pasted, are saved whole
     * as a person's, a team's, a session's, an API key's and an app's name; one more, typed, is refused by the page, which
     * names the limit.
     */
    @Test
    void aNameOfAsManyEmojiAsTheLimitIsSavedWholeAndOneMoreIsRefusedNamingTheLimit() {
        String limit = "😀".repeat(100);
        Page page = open(MAC_MADRID);
        String email = nextEmail("emoji");
        page.navigate("/signup");
        page.getByLabel("Email").fill(email);
        page.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill(PASSWORD);
        page.locator("#team").fill(limit);
        page.locator("#name").fill(limit);
        assertOneMoreRefused(page, page.locator("#name"), "Create account");
        page.locator("#name").fill(limit);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create account")).click();
        assertThat(page).hasURL(Pattern.compile("/settings/sessions\\?done=welcome$"));
        assertThat(page.locator(".who-name")).hasAttribute("title", limit);

        // A session's name, on its details page.
        logIn(open(IPHONE_LONDON), email);
        page.navigate("/settings/sessions");
        String details = page.locator("ul.cards article.card").first()
                .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Details of")).getAttribute("href");
        page.navigate(details);
        page.locator("#name").fill(limit);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Rename")).click();
        assertThat(page.locator("main .alert.success")).hasText("Session renamed.");
        assertThat(page.locator("#name")).hasValue(limit);
        assertOneMoreRefused(page, page.locator("#name"), "Rename");

        // An API key's name.
        page.navigate("/settings/api-keys");
        page.locator("#key-name").fill(limit);
        page.getByLabel("Your password (to create a key)").fill(PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create key")).click();
        assertThat(page.locator("h1")).hasText("API key created");
        page.navigate("/settings/api-keys");
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(limit).setExact(true))).hasCount(1);
        page.locator("#key-name").fill(limit);
        assertOneMoreRefused(page, page.locator("#key-name"), "Create key");

        // An app's name.
        page.navigate("/admin/apps");
        page.locator("#name").fill(limit);
        page.getByLabel("Redirect URIs").fill("https://wiki.example.com/callback");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Register app")).click();
        assertThat(page.locator("h1")).hasText(limit + " is registered");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Go to the app")).click();
        assertThat(page.locator("#name")).hasValue(limit);
        assertOneMoreRefused(page, page.locator("#name"), "Save");
    }

    /**
     * One more emoji typed at the end of {@code field}, which holds 100: the field says it is too long, naming the limit,
     * and the browser does not send its form ({@code submit} names its button).
     */
    private static void assertOneMoreRefused(Page page, Locator field, String submit) {
        field.press("End");
        field.pressSequentially("😀");
        assertThat(field).hasValue("😀".repeat(101));
        String at = page.url();
        page.locator("main").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(submit).setExact(true)).click();
        assertThat((String) field.evaluate("e => e.validationMessage")).isEqualTo("Use at most 100 characters: this has 101.");
        assertThat((Boolean) field.evaluate("e => e.matches(':invalid')")).isTrue();
        assertThat(page.url()).isEqualTo(at);
    }

    /** The errors have the focus, and {@code field} is marked and described by them and by {@code own}, its hint or its error. */
    private static void assertErrorsFocusedAndLinked(Page page, String field, String own) {
        Locator errors = page.locator("main .alert.error[role=alert]");
        assertThat(errors).isFocused();
        String id = errors.getAttribute("id");
        assertThat(page.locator(field)).hasAttribute("aria-invalid", "true");
        assertThat(page.locator(field)).hasAttribute("aria-describedby", Pattern.compile("(^| )" + id + "( |$)"));
        assertThat(page.locator(field)).hasAttribute("aria-describedby", Pattern.compile("(^| )" + own + "( |$)"));
        assertThat(page.locator(field)).hasCSS("border-top-color", "rgb(180, 35, 24)");
    }

    @Test
    void repeatedControlsNameTheSessionOrMemberTheyActOn() {
        Page desk = open(MAC_MADRID);
        String email = signUp(desk, "Ada Lovelace", "Engines");
        // One browser in two places: by device alone their controls were named alike.
        logIn(open(IPHONE_LONDON), email);
        logIn(open(new Chromium.Device(IPHONE_LONDON.userAgent(), WINDOWS_STOCKHOLM.ip(), IPHONE_LONDON.clientHints())), email);
        desk.navigate("/settings/sessions");
        assertThat(desk.locator("ul.cards article.card")).hasCount(2);
        for (String action : List.of("Sign out", "Details of", "Select")) {
            List<String> names = desk.locator("ul.cards article.card > .actions a, ul.cards label.select input").all().stream().map(control -> control.evaluate("e => (e.getAttribute('aria-label') || (e.labels && e.labels[0] || e).textContent).trim()").toString())
                    .filter(name -> name.startsWith(action + " ")).toList();
            assertThat(names).as(action).hasSize(2).doesNotHaveDuplicates();
            assertThat(names).as(action).anyMatch(name -> name.contains("London")).anyMatch(name -> name.contains("Stockholm"))
                    .allMatch(name -> name.endsWith("active now"));
        }

        desk.navigate("/admin/members");
        String guest = nextEmail("guest");
        desk.getByLabel("Email").fill(guest);
        desk.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send invitation")).click();
        for (String name : List.of("Resend the invitation to " + guest, "Cancel the invitation to " + guest, "Change role of " + email)) {
            assertThat(desk.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true))).hasCount(1);
        }
        assertThat(desk.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Sessions of " + email).setExact(true))).hasCount(1);
    }

    @Test
    void localTimesAndNamesPeopleTypedAreIsolatedFromTheTextAroundThem() {
        Page page = open(MAC_MADRID);
        signUp(page, "Ada Lovelace", "Engines");
        page.navigate("/settings/activity");
        Locator time = page.locator("main time[data-local]").first();
        assertThat(time).hasAttribute("lang", "en-GB");
        assertThat(time).hasAttribute("dir", "auto");

        page.navigate("/settings/sessions");
        assertThat(page.locator(".summary .free-text").first()).hasAttribute("dir", "auto");
        assertThat(page.locator(".who-name")).hasAttribute("dir", "auto");
    }

    /**
     * A right-to-left name inside a sentence is isolated (outside a11y review AK): else "Named “هاتف العمل” from a signed-in
     * session" shows its closing quote and the words after it out of place. The approval a verified desk is asked, the
     * session's own page and the activity log each name it in a {@code <bdi>}.
     */
    @Test
    void aRightToLeftSessionNameInsideASentenceIsIsolated() {
        Page desk = open(MAC_MADRID);
        String email = signUp(desk, "Ada Lovelace", "Engines");
        TestVerification.verify(context, jdbc.sql("SELECT s.id FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.email = :email")
                .param("email", email).query(String.class).single());
        String phone = apiSignIn(email);
        String phoneId = apiSessionId(phone);
        String name = "هاتف العمل";
        assertThat(api("PATCH", "/api/v1/sessions/" + phoneId, phone, "{\"name\":\"" + name + "\"}").statusCode()).isEqualTo(200);

        desk.navigate("/settings/sessions");
        Locator named = desk.locator(".card.approval small");
        assertThat(named).hasText("Named “" + name + "” from a signed-in session, perhaps this one: the name proves nothing.");
        assertThat(named.locator("bdi")).hasText(name);
        // In attributes, where no <bdi> can go, between first-strong isolate and its pop: the name someone typed and the
        // device description its User-Agent gave.
        assertThat(desk.locator("ul.cards article.card > .actions a.button.danger")).hasAttribute("aria-label",
                Pattern.compile("^Sign out \u2068" + name + "\u2069, London, England, [^,]+, active now$"));
        assertThat(desk.locator(".card.approval button.primary")).hasAttribute("aria-label",
                Pattern.compile("^Approve the sign-in on \u2068Safari [0-9.]+ on iPhone\u2069 in London"));

        desk.navigate("/settings/sessions/" + phoneId);
        assertThat(desk.locator(".card.approval p").filter(new Locator.FilterOptions().setHasText("Its name")).locator("bdi").last()).hasText(name);

        desk.navigate("/settings/activity");
        Locator renamed = desk.locator("td.detail").filter(new Locator.FilterOptions().setHasText(Pattern.compile("^Renamed ")));
        assertThat(renamed).hasText(Pattern.compile("^Renamed Safari [0-9.]+ on iPhone to “" + name + "”$"));
        assertThat(renamed.locator("bdi")).hasText(name);
    }

    /**
     * An address in the log's By column wraps after its @ or a dot, never inside a word, and an ordinary one stays whole
     * (outside UI review: "ada@example.co / m" at 1280 px): on the team's audit log and on a member's Activity page.
     */
    @Test
    void anAddressInTheLogWrapsAfterItsAtSignOrADotNeverInsideAWord() {
        int n = ADDRESSES.incrementAndGet();
        Page grace = open(MAC_MADRID, 1280, 800);
        signUp(grace, "Grace Hopper", "grace.hopper" + n + "@navy.example.org", "Compilers");
        Page ada = open(WINDOWS_STOCKHOLM, 1280, 800);
        signUp(ada, "Ada Lovelace", "ada" + n + "@example.com", "Engines");
        for (String path : List.of("/admin/audit", "/settings/activity")) {
            grace.navigate(path);
            ada.navigate(path);
            assertThat(grace.locator("td.by .muted").first()).hasText("grace.hopper" + n + "@navy.example.org");
            assertThat(brokenInsideAWord(grace)).as(path).isEmpty();
            assertThat(ada.locator("td.by .muted").first()).hasText("ada" + n + "@example.com");
            assertThat(linesOfEachAddress(ada)).as(path + ": an ordinary address on one line").containsOnly(1);
        }
    }

    /**
     * At 1280 px the audit log's action codes take at most two lines, the longest common ones included, and the table
     * fits its box (outside review: "session." / "sign-in-" / "alert-sent" took three lines beside a narrow "What
     * happened", and the table was wider than its box); on a 390-pixel phone the page still does not scroll sideways.
     */
    @Test
    void theAuditLogsActionCodesTakeAtMostTwoLinesAtALaptopsWidth() {
        Page ada = open(WINDOWS_STOCKHOLM, 1280, 800);
        signUp(ada, "Ada Lovelace", "The Analytical Engine Society of London and the Surrounding Counties");
        ada.navigate("/admin/audit");

        // Each code as the log writes it (a <wbr> after each dot), in an entry's own cell: its column is as wide as the page makes it.
        List<String> longest = List.of("session.sign-in-alert-sent", "session.revoked-by-admin", "team.invitation-cancelled",
                "team.invitation-resent", "account.two-factor-disabled", "account.recovery-code-used", "admin.forced-sign-out");
        @SuppressWarnings("unchecked")
        List<String> lines = (List<String>) ada.evaluate("""
                codes => { const cell = document.querySelector('td.action code');
                  return codes.map(code => { cell.innerHTML = code.split('.').join('.<wbr>');
                    const r = document.createRange(); r.selectNodeContents(cell);
                    return code + ': ' + new Set([...r.getClientRects()].map(box => Math.round(box.top))).size; }); }""", longest);
        assertThat(lines).as("lines of each code").allMatch(line -> line.endsWith(": 1") || line.endsWith(": 2"));
        Number[] box = ((List<?>) ada.evaluate("() => { const w = document.querySelector('.table-wrap'); return [w.scrollWidth, w.clientWidth]; }"))
                .stream().map(Number.class::cast).toArray(Number[]::new);
        assertThat(box[0].intValue()).as("the table's width in its box of " + box[1]).isLessThanOrEqualTo(box[1].intValue());

        ada.setViewportSize(390, 800);
        assertThat(((Number) ada.evaluate("() => document.documentElement.scrollWidth")).intValue()).as("the page at 390 px")
                .isLessThanOrEqualTo(390);
    }

    /** The pieces of the By column's addresses (between their {@code <wbr>}) that a line ends inside of. */
    @SuppressWarnings("unchecked")
    private static List<String> brokenInsideAWord(Page page) {
        return (List<String>) page.evaluate("""
                () => [...document.querySelectorAll('td.by .muted')].flatMap(address => [...address.childNodes]
                  .filter(piece => piece.nodeType === Node.TEXT_NODE && piece.textContent.length > 0)
                  .filter(piece => { const r = document.createRange(); r.selectNodeContents(piece);
                    return new Set([...r.getClientRects()].map(box => Math.round(box.top))).size > 1; })
                  .map(piece => '"' + piece.textContent + '" of ' + address.textContent + ' breaks inside'))""");
    }

    /** How many lines each address of the By column takes. */
    @SuppressWarnings("unchecked")
    private static List<Integer> linesOfEachAddress(Page page) {
        return ((List<Number>) page.evaluate("""
                () => [...document.querySelectorAll('td.by .muted')].map(address => { const r = document.createRange();
                  r.selectNodeContents(address);
                  return new Set([...r.getClientRects()].filter(box => box.width > 0).map(box => Math.round(box.top))).size; })"""))
                .stream().map(Number::intValue).toList();
    }

    @Test
    void theActivityLogsTimesWrapOnAPhoneInsteadOfRunningOutOfSight() {
        // A long zone name ("GMT+13:45"), as the review's German times were long.
        Page page = open(MAC_MADRID, "Pacific/Chatham");
        signUp(page, "Ada Lovelace", "Engines");
        page.navigate("/settings/activity");
        assertThat(page.locator("main time[data-local]").first()).hasAttribute("data-local", "");
        assertThat(reflow(page)).isEmpty();
    }
}
