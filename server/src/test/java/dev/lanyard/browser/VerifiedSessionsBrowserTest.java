package dev.lanyard.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import dev.lanyard.session.TestVerification;
import dev.lanyard.testsupport.SqliteDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ContextConfiguration;

/**
 * Approving a new sign-in from a verified device in two real browser contexts (PRODUCT.md V2): the verified
 * desk's open sessions page asks "Approve this sign-in?" without a reload, names the new device, place and
 * time; Approve verifies the phone, whose own open page updates by itself; Deny signs a third device out at
 * once. The desk is made verified in the database, as a second factor would.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"lanyard.web.trusted-proxies=127.0.0.1", "server.address=127.0.0.1"})
@ContextConfiguration(initializers = SqliteDatabase.class)
class VerifiedSessionsBrowserTest extends BrowserTest {
    private static final AtomicInteger ACCOUNTS = new AtomicInteger();

    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;

    private static Locator currentCard(Page page) {
        return page.locator("article.card.current");
    }

    @Test
    void aVerifiedDeviceApprovesOneNewSignInAndDeniesAnother() {
        Page desk = open(Chromium.MAC_MADRID);
        String email = "vera-" + ACCOUNTS.incrementAndGet() + "-" + System.nanoTime() + "@example.com";
        desk.navigate("/signup");
        desk.getByLabel("Your name").fill("Vera Verified");
        desk.getByLabel("Email").fill(email);
        desk.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill(PASSWORD);
        desk.getByLabel("Team name").fill("Trust");
        desk.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create account")).click();
        assertThat(desk).hasURL(Pattern.compile("/settings/sessions\\?done=welcome$"));
        assertThat(currentCard(desk).locator(".badge.unverified")).isVisible();
        assertThat(currentCard(desk)).containsText("This session is not verified.");

        String deskSession = jdbc.sql("SELECT s.id FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.email = :email")
                .param("email", email).query(String.class).single();
        TestVerification.verify(context, deskSession);
        desk.navigate("/settings/sessions");
        assertThat(currentCard(desk).locator(".badge.verified")).isVisible();
        assertThat(currentCard(desk)).not().containsText("This session is not verified.");
        assertThat(desk.locator(".card.approval")).hasCount(0);

        // The iPhone signs in: it is unverified and says how to become verified...
        Page phone = open(Chromium.IPHONE_LONDON);
        // Its page listens before the desk approves it: a change between the list a page read and its stream's start is
        // not told to it (a fresh-clone run approved first and the phone never showed it verified).
        withStream(phone, () -> logIn(phone, email));
        assertThat(currentCard(phone).locator(".badge.unverified")).isVisible();
        assertThat(currentCard(phone)).containsText("approve it from a session that is verified");
        assertThat(phone.locator(".card.approval")).hasCount(0);

        // ...and the desk's open page asks, without a reload, naming device, place and time.
        Locator ask = desk.locator(".card.approval");
        assertThat(ask).hasCount(1);
        assertThat(ask).containsText("Approve this sign-in?");
        assertThat(ask).containsText("Safari 17 on iPhone");
        assertThat(ask).containsText("London, England, United Kingdom");
        assertThat(ask).containsText(Pattern.compile("\\d{1,2} \\w{3} \\d{4}, \\d{2}:\\d{2} (UTC|GMT[+-]?\\d*|[A-Z]{2,5})"));
        assertThat(desk.locator(".recommendations")).containsText("1 unverified session");
        // Approve and Deny stand level in one row (outside UI review: Approve sat 8 px lower than Deny).
        java.util.Map<String, Locator> buttons = new java.util.LinkedHashMap<>();
        buttons.put("Approve", ask.locator("button.primary"));
        buttons.put("Deny", ask.locator("button.danger"));
        org.assertj.core.api.Assertions.assertThat(outOfRow(buttons)).as("the approval's buttons").isEmpty();

        ask.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Approve the sign-in on \u2068Safari 17 on iPhone\u2069")).click();
        assertThat(desk).hasURL(Pattern.compile("/settings/sessions\\?done=approved$"));
        assertThat(desk.locator("main .alert.success")).hasText("Sign-in approved. That session is now verified.");
        assertThat(desk.locator(".card.approval")).hasCount(0);
        assertThat(desk.locator(".recommendations")).hasCount(0);
        // The phone's open page shows it verified by itself.
        assertThat(currentCard(phone).locator(".badge.verified")).isVisible();
        assertThat(currentCard(phone)).not().containsText("This session is not verified.");

        // A Windows laptop in Stockholm signs in; the desk denies it: that page is told at once.
        Page windows = open(Chromium.WINDOWS_STOCKHOLM);
        logIn(windows, email);
        Locator again = desk.locator(".card.approval");
        assertThat(again).containsText("Stockholm, Sweden");
        // The phone is verified now, so it is asked too.
        assertThat(phone.locator(".card.approval")).containsText("Stockholm, Sweden");
        again.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(Pattern.compile("^Deny the sign-in on "))).click();
        assertThat(desk).hasURL(Pattern.compile("/settings/sessions\\?done=denied$"));
        // Told at once: its notice, or (when a live refresh of its list found it ended first, or the notice's few
        // seconds are over) the sign-in page with the reason.
        assertThat(windows.locator("#signed-out-notice").or(windows.locator("main.auth .alert.warning")))
                .containsText("This sign-in was denied from one of your verified devices.");
        assertThat(phone.locator(".card.approval")).hasCount(0);
        windows.navigate("/settings/sessions");
        assertThat(windows).hasURL(Pattern.compile("/login(\\?.*)?$"));
    }

    /**
     * Times show in the browser's own timezone, naming it, the UTC the server wrote kept as the title (outside review AC):
     * on the details page, and in the approval an open list shows after refreshing itself in place.
     */
    @Test
    void timesShowInTheBrowsersTimezoneAlsoInAListRefreshedInPlace() {
        Page desk = open(Chromium.MAC_MADRID, "Asia/Tokyo");
        String email = signUp(desk, "Tomoko Tanaka", "Clocks");
        String deskSession = jdbc.sql("SELECT s.id FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.email = :email")
                .param("email", email).query(String.class).single();
        TestVerification.verify(context, deskSession);

        desk.navigate("/settings/sessions/" + deskSession);
        Locator created = desk.locator("dt:text-is('Created') + dd time");
        assertThat(created).hasText(TOKYO);
        assertThat(created).hasAttribute("title", UTC);
        String iso = created.getAttribute("datetime");
        java.time.ZonedDateTime tokyo = java.time.Instant.parse(iso).atZone(java.time.ZoneId.of("Asia/Tokyo"));
        assertThat(created).containsText(String.format("%02d:%02d GMT+9", tokyo.getHour(), tokyo.getMinute()));
        // Relative times stay as they are.
        assertThat(desk.locator("dt:text-is('Last active') + dd")).containsText(Pattern.compile("^(Active now|Just now|\\d+ minutes? ago) \\("));

        desk.navigate("/settings/sessions");
        Page phone = open(Chromium.IPHONE_LONDON);
        logIn(phone, email);
        Locator time = desk.locator(".card.approval dt:text-is('Time') + dd time");
        assertThat(time).hasText(TOKYO);
        assertThat(time).hasAttribute("title", UTC);
    }

    /**
     * The Activity page's From and To are the browser's days, as its times are (outside review AK): the form sends the
     * browser's zone and the page says which zone it read the days in. The zone is one where the entry falls on another
     * day than in UTC (+14 from 10:00 UTC, -11 before 11:00).
     */
    @Test
    void activityDaysAreTheBrowsersDays() {
        String zone = java.time.LocalTime.now(java.time.ZoneOffset.UTC).getHour() >= 11 ? "Pacific/Kiritimati" : "Pacific/Pago_Pago";
        Page desk = open(Chromium.MAC_MADRID, zone);
        signUp(desk, "Kiri Timati", "Days");

        desk.navigate("/settings/activity");
        assertThat(desk.locator("#days-zone")).hasText("Days in " + zone);
        Locator newest = desk.locator("table.audit-entries tbody tr").first();
        String datetime = newest.locator("time").getAttribute("datetime");
        java.time.Instant at = java.time.Instant.parse(datetime);
        String day = java.time.LocalDate.ofInstant(at, java.time.ZoneId.of(zone)).toString();
        desk.fill("#from", day);
        desk.fill("#to", day);
        desk.locator("form.filter-form button[type=submit]").click();

        // Playwright reads the pattern as JavaScript's: no \Q…\E.
        assertThat(desk).hasURL(Pattern.compile("[?&]zone=Pacific%2F" + zone.substring("Pacific/".length()) + "$"));
        assertThat(desk.locator("#days-zone")).hasText("Days in " + zone);
        // The member's page numbers no entries (the "#" is the team log's): the entry is found by its time.
        assertThat(desk.locator("table.audit-entries time[datetime=\"" + datetime + "\"]").first()).isVisible();
    }

    /**
     * The sign-up and sign-in forms send the browser's time zone, which the account keeps for the times in its mails.
     * Chromium names India's zone by its old name, Asia/Calcutta: the script sends the one people know now.
     */
    @Test
    void theSignInFormsSendTheBrowsersZoneForTheMembersMails() {
        Page desk = open(Chromium.MAC_MADRID, "Asia/Kolkata");
        String email = signUp(desk, "Priya Raman", "Zones");
        org.assertj.core.api.Assertions.assertThat(zoneOf(email)).isEqualTo("Asia/Kolkata");

        Page phone = open(Chromium.IPHONE_LONDON, "America/Sao_Paulo");
        phone.navigate("/login");
        assertThat(phone.locator("form[action$='/login'] input[name=zone]")).hasValue("America/Sao_Paulo");
        logIn(phone, email);
        org.assertj.core.api.Assertions.assertThat(zoneOf(email)).isEqualTo("America/Sao_Paulo");
    }

    private String zoneOf(String email) {
        return jdbc.sql("SELECT time_zone FROM accounts WHERE email = :email").param("email", email).query(String.class).single();
    }

    private static final Pattern TOKYO = Pattern.compile("^\\d{1,2} \\w{3} \\d{4}, \\d{2}:\\d{2} GMT\\+9$");
    private static final Pattern UTC = Pattern.compile("^\\d{1,2} \\w{3} \\d{4}, \\d{2}:\\d{2} UTC$");
}
