package dev.lanyard.browser;

import static dev.lanyard.browser.Chromium.ANDROID_PARIS;
import static dev.lanyard.browser.Chromium.IPHONE_LONDON;
import static dev.lanyard.browser.Chromium.LINUX_BERLIN;
import static dev.lanyard.browser.Chromium.MAC_MADRID;
import static dev.lanyard.browser.Chromium.WINDOWS_STOCKHOLM;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.AriaRole;
import dev.lanyard.geo.GeoLocator;
import dev.lanyard.testsupport.SqliteDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/**
 * The sessions page in a real browser (Debian's Chromium driven by Playwright): sign up, see
 * other devices with their place and network, rename, and every way of ending sessions
 * (PRODUCT.md S1–S3, S7, E1–E5), plus an accessibility and phone-layout smoke test.
 *
 * <p>Lanyard trusts {@code X-Forwarded-For} from 127.0.0.1 here, so each browser context can
 * claim a public address and be located with the real DB-IP Lite data under {@code data/geo}.
 * Places below were read off the page, not guessed.
 *
 * <p>The README screenshots ({@code docs/screenshots/}) are written when they are missing or
 * when the build runs with {@code -Dlanyard.screenshots=true}; ordinary runs leave the tracked
 * files alone. Install Debian's {@code fonts-noto-color-emoji} first, or the country flags show as empty
 * boxes (they did in the README until 2026-12-05).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"lanyard.web.trusted-proxies=127.0.0.1", "server.address=127.0.0.1"})
@ContextConfiguration(initializers = SqliteDatabase.class)
class SessionsBrowserTest extends BrowserTest {

    static final Path SCREENSHOTS = Paths.get("docs", "screenshots");

    static final String SIGNED_OUT_ELSEWHERE = "You were signed out from another device.";

    @Autowired
    GeoLocator geo;

    /**
     * The network (ISP) is looked up when a session starts, from tables that load in the background
     * for a couple of seconds after start-up; wait for them so that no session here starts too early.
     */
    @BeforeEach
    void waitForIspData() throws Exception {
        Method await;
        try {
            await = geo.getClass().getDeclaredMethod("awaitIspData", Duration.class);
        } catch (NoSuchMethodException e) {
            return; // another locator: nothing to wait for
        }
        await.setAccessible(true);
        if (!(Boolean) await.invoke(geo, Duration.ofSeconds(30))) fail("ISP data did not load within 30 s");
    }

    // ---------------------------------------------------------------- flows

    @Test
    void signUpThenSeeRenameAndRevokeAnotherDevice() {
        // 1. Sign up: lands on the sessions page, this device marked, with a welcome.
        Page desk = open(MAC_MADRID);
        String email = signUp(desk, "Ada Lovelace", "Analytical Engines");
        assertThat(desk.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Sessions").setExact(true)))
                .isVisible();
        assertThat(desk.locator("main .alert.success")).containsText("Welcome to Lanyard");
        assertThat(currentCard(desk)).containsText("This device");
        assertThat(currentCard(desk).locator(".title")).containsText("Chrome 131 on macOS 14");
        assertThat(currentCard(desk)).containsText("Madrid, Spain");
        assertThat(currentCard(desk).locator(".ip")).hasText("80.58.61.•••");
        assertThat(desk.getByText("No other sessions. Only this device is signed in.")).isVisible();

        // 2. An iPhone in London logs in. It keeps a sessions page open (live updates) and a blank tab.
        Page phone = open(IPHONE_LONDON);
        logIn(phone, email);
        assertThat(currentCard(phone)).containsText("This device");
        Page phoneTab = phone.context().newPage();

        desk.reload();
        assertThat(desk.locator("article.card")).hasCount(2);
        Locator iphone = otherCards(desk);
        assertThat(iphone).hasCount(1);
        assertThat(iphone.locator(".title")).hasText("Safari 17 on iPhone");
        assertThat(iphone).containsText("Mobile");
        assertThat(iphone).containsText("Web");
        assertThat(iphone).containsText("London, England, United Kingdom");
        assertThat(iphone.locator(".flag")).hasText("🇬🇧");
        assertThat(iphone.locator(".ip")).hasText("212.58.244.•••");
        assertThat(iphone).not().containsText("212.58.244.20");
        assertThat(iphone).not().containsText("This device");
        assertThat(desk.locator("footer")).containsText("IP Geolocation by DB-IP");

        // Its details: full IP for the owner, browser and OS versions, region, network.
        iphone.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Details of")).click();
        assertThat(desk).hasURL(Pattern.compile("/settings/sessions/[^/?]+$"));
        assertThat(desk.locator("h1")).hasText("Safari 17 on iPhone");
        assertThat(detail(desk, "Browser")).hasText("Safari 17");
        assertThat(detail(desk, "Operating system")).hasText("iOS 17");
        assertThat(detail(desk, "Device")).hasText("iPhone (Mobile)");
        assertThat(detail(desk, "City")).hasText("London");
        assertThat(detail(desk, "Region")).hasText("England");
        assertThat(detail(desk, "Country")).hasText("United Kingdom");
        assertThat(detail(desk, "Network")).hasText("BBC");
        assertThat(detail(desk, "IP address")).hasText("212.58.244.20");
        assertThat(desk.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Sign out this session").setExact(true)))
                .isVisible();

        // 3. Rename it from its details page; the name shows on the list.
        desk.getByLabel("Session name").fill("Ada's work phone");
        desk.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Rename")).click();
        assertThat(desk.locator("main .alert.success")).hasText("Session renamed.");
        assertThat(desk.locator("h1")).hasText("Ada's work phone");
        assertThat(desk.getByLabel("Session name")).hasValue("Ada's work phone");
        desk.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("← All sessions")).click();
        Locator renamed = otherCards(desk);
        assertThat(renamed.locator(".title")).containsText("Ada's work phone");
        assertThat(renamed).containsText("Safari 17 on iPhone"); // the device is still named

        // 4. Sign it out from here: a confirmation names device, place and last activity.
        renamed.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Sign out \u2068Ada's work phone\u2069")).click();
        assertThat(desk.locator("h1")).hasText("Sign out session?");
        Locator target = desk.locator("ul.targets li");
        assertThat(target).hasCount(1);
        assertThat(target).containsText("Ada's work phone");
        assertThat(target).containsText("London, England, United Kingdom");
        // In use a moment ago: "Active now" alone, as its card says (not "Last active: Active now"); on a slow machine
        // perhaps minutes ago.
        assertThat(target).containsText(Pattern.compile("·\\s*Active now|Last active: (Just now|\\d+ minutes? ago)"));
        assertThat(target).not().containsText("Last active: Active now");
        desk.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out").setExact(true)).click();
        assertThat(desk).hasURL(Pattern.compile("/settings/sessions\\?done=signed-out&session=[^&]+$"));
        assertThat(desk.locator("main .alert.success")).hasText("Ada's work phone was signed out. That device must sign in again.");
        assertThat(otherCards(desk)).hasCount(0);
        assertThat(desk.getByText("No other sessions. Only this device is signed in.")).isVisible();

        // The phone's open page learns it at once, without a reload (E1)...
        assertThat(phone.locator("#signed-out-notice")).isVisible();
        assertThat(phone.locator("#signed-out-notice")).containsText(SIGNED_OUT_ELSEWHERE);
        // ...and the phone's very next page load is refused, and says why.
        phoneTab.navigate("/settings/sessions");
        assertSignedOutElsewhere(phoneTab);
        // The open page then moves to the sign-in page by itself.
        assertSignedOutElsewhere(phone);
    }

    @Test
    void signOutAllOtherSessionsThenSelectedOnes() {
        Page desk = open(MAC_MADRID);
        String email = signUp(desk, "Grace Hopper", "Compilers");

        // 5. Two more devices sign in; sign out all others: the confirmation lists them.
        Page android = open(ANDROID_PARIS);
        logIn(android, email);
        Page windows = open(WINDOWS_STOCKHOLM);
        logIn(windows, email);

        desk.reload();
        assertThat(otherCards(desk)).hasCount(2);
        desk.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Sign out all other sessions")).click();
        assertThat(desk.locator("h1")).hasText("Sign out all other sessions?");
        assertThat(desk.getByText("This will sign out 2 other sessions:")).isVisible();
        Locator targets = desk.locator("ul.targets li");
        assertThat(targets).hasCount(2);
        assertThat(targets.filter(new Locator.FilterOptions().setHasText("Paris, Ile-de-France, France"))).containsText("Firefox 133 on Android");
        assertThat(targets.filter(new Locator.FilterOptions().setHasText("Stockholm, Sweden"))).containsText("Firefox 133 on Windows");
        assertThat(desk.getByText("Your current session will remain active.")).isVisible();
        desk.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out all")).click();

        assertThat(desk.locator("main .alert.success")).hasText("All other sessions were signed out. This device stays signed in.");
        assertThat(desk.locator("article.card")).hasCount(1);
        assertThat(currentCard(desk)).containsText("This device");
        // The two open pages are taken to the sign-in page, told why; a reload stays signed out.
        for (Page other : List.of(android, windows)) {
            assertToldSignedOutElsewhere(other);
            other.navigate("/settings/sessions");
            assertThat(other).hasURL(Pattern.compile("/login(\\?.*)?$"));
        }

        // 6. Three devices sign in; select two with their checkboxes and sign them out together.
        Page paris = open(ANDROID_PARIS);
        logIn(paris, email);
        Page stockholm = open(WINDOWS_STOCKHOLM);
        logIn(stockholm, email);
        Page berlin = open(LINUX_BERLIN);
        logIn(berlin, email);

        desk.navigate("/settings/sessions");
        assertThat(otherCards(desk)).hasCount(3);
        assertThat(otherCards(berlin)).hasCount(3); // the live list: Berlin's page saw the other sign-ins
        // Berlin ticks the Mac: the live refresh when the two are signed out keeps the tick (outside QA: it was cleared).
        berlin.getByLabel(Pattern.compile("Select .*macOS")).check();
        // The button waits for a tick and says how many it ends, as the boxes are ticked and unticked (outside review).
        Locator signOutSelected = desk.locator("#select-form button[type=submit]");
        assertThat(signOutSelected).hasText("Sign out selected sessions");
        assertThat(signOutSelected).isDisabled();
        desk.getByLabel(Pattern.compile("Select .*Android")).check();
        assertThat(signOutSelected).hasText("Sign out 1 selected session");
        assertThat(signOutSelected).isEnabled();
        desk.getByLabel(Pattern.compile("Select .*Windows")).check();
        assertThat(signOutSelected).hasText("Sign out 2 selected sessions");
        desk.getByLabel(Pattern.compile("Select .*Berlin")).check();
        assertThat(signOutSelected).hasText("Sign out 3 selected sessions");
        desk.getByLabel(Pattern.compile("Select .*Berlin")).uncheck();
        assertThat(signOutSelected).hasText("Sign out 2 selected sessions");
        signOutSelected.click();

        assertThat(desk.locator("h1")).hasText("Sign out 2 selected sessions?");
        Locator chosen = desk.locator("ul.targets li");
        assertThat(chosen).hasCount(2);
        assertThat(chosen.filter(new Locator.FilterOptions().setHasText("Paris, Ile-de-France, France"))).hasCount(1);
        assertThat(chosen.filter(new Locator.FilterOptions().setHasText("Stockholm, Sweden"))).hasCount(1);
        assertThat(desk.locator("ul.targets")).not().containsText("Berlin");
        desk.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out 2 selected sessions").setExact(true)).click();

        assertThat(desk.locator("main .alert.success")).hasText("2 sessions were signed out. Those devices must sign in again.");
        assertThat(otherCards(desk)).hasCount(1);
        assertThat(otherCards(desk)).containsText(Pattern.compile("Berlin.*, Germany"));
        for (Page gone : List.of(paris, stockholm)) {
            assertToldSignedOutElsewhere(gone);
            gone.navigate("/settings/sessions");
            assertThat(gone).hasURL(Pattern.compile("/login(\\?.*)?$"));
        }
        // Berlin stays signed in, and its open list drops the two without a reload (S6).
        assertThat(otherCards(berlin)).hasCount(1);
        assertThat(otherCards(berlin)).containsText("Madrid, Spain");
        assertThat(berlin.getByLabel(Pattern.compile("Select .*macOS"))).isChecked();
        assertThat(berlin.locator("#select-form button[type=submit]")).hasText("Sign out 1 selected session"); // counted after the refresh
        assertThat(berlin).hasURL(Pattern.compile("/settings/sessions$"));
        berlin.reload();
        assertThat(currentCard(berlin)).containsText(Pattern.compile("Berlin.*, Germany"));
    }

    /**
     * Without its script (scripts off, or the file not loaded), "Sign out selected" is the server's own button, as it
     * was: there to press with nothing ticked, which the server answers with its message.
     */
    @Test
    void withoutItsScriptSignOutSelectedWorksAsBefore() {
        Page desk = open(MAC_MADRID);
        desk.route("**/js/selected.js", route -> route.abort());
        String email = signUp(desk, "Annie Easley", "Centaur");
        logIn(open(IPHONE_LONDON), email);
        desk.navigate("/settings/sessions");
        assertThat(otherCards(desk)).hasCount(1);

        Locator button = desk.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out selected").setExact(true));
        assertThat(button).isEnabled();
        button.click();
        assertThat(desk.locator("main .alert.error")).hasText("Select at least one session to sign out.");

        desk.getByLabel(Pattern.compile("Select .*London")).check();
        assertThat(button).hasText("Sign out selected");
        button.click();
        assertThat(desk.locator("h1")).hasText("Sign out 1 selected session?");
        desk.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out 1 selected session").setExact(true)).click();
        assertThat(desk.locator("main .alert.success")).hasText("1 session was signed out. That device must sign in again.");
    }

    @Test
    void logOutAllDevicesEndsEverySessionIncludingThisOne() {
        Page desk = open(MAC_MADRID);
        String email = signUp(desk, "Katherine Johnson", "Trajectories");
        Page phone = open(IPHONE_LONDON);
        logIn(phone, email);
        phone.navigate("about:blank"); // no page open: the next load must find out by itself

        // 7. The confirmation lists every device, this one included, and says API keys stay.
        desk.reload();
        // The page's own button (a flagged card offers the same action, by the same name).
        desk.getByLabel("Security actions").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Log out all devices")).click();
        assertThat(desk.locator("h1")).hasText("Log out all devices?");
        assertThat(desk.locator("main")).containsText("API keys are not affected");
        Locator targets = desk.locator("ul.targets li");
        assertThat(targets).hasCount(2);
        assertThat(targets.filter(new Locator.FilterOptions().setHasText("This device"))).containsText("Madrid, Spain");
        assertThat(targets.filter(new Locator.FilterOptions().setHasText("London, England, United Kingdom"))).hasCount(1);
        desk.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log out all devices")).click();

        assertThat(desk).hasURL(Pattern.compile("/login\\?out=all$"));
        assertThat(desk.locator("main .alert.info")).hasText("You signed out on every device. API keys keep working.");
        desk.navigate("/settings/sessions");
        assertThat(desk).hasURL(Pattern.compile("/login$"));

        phone.navigate("/settings/sessions");
        assertSignedOutElsewhere(phone);
    }

    @Test
    void currentSessionCannotBeRevokedFromTheList() {
        Page desk = open(MAC_MADRID);
        String email = signUp(desk, "Hedy Lamarr", "Frequency Hopping");
        Page phone = open(IPHONE_LONDON);
        logIn(phone, email);
        desk.reload();

        // 8. The current card points to Log out and offers no sign-out link or checkbox.
        Locator current = currentCard(desk);
        assertThat(current).containsText("You can't sign out this session from this list. Use Log out to end it.");
        assertThat(current.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Log out"))).isVisible();
        assertThat(current.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Sign out"))).hasCount(0);
        assertThat(current.getByRole(AriaRole.CHECKBOX)).hasCount(0);
        assertThat(otherCards(desk).getByRole(AriaRole.CHECKBOX)).hasCount(1);

        String details = current.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Details of"))
                .getAttribute("href");
        desk.navigate(details + "/sign-out");
        assertThat(desk.locator("h1")).hasText("This is your current session");
        assertThat(desk.locator("main")).containsText("Use Log out instead.");
        assertThat(desk.locator("main form[action$='/sign-out']")).hasCount(0);

        // Its own details page says the same, with no sign-out link.
        desk.navigate(details);
        assertThat(desk.locator("main")).containsText("This is your current session. Use Log out to end it.");
        assertThat(desk.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Sign out this session").setExact(true)))
                .hasCount(0);

        // Log out (E4) from the refusal page ends only this session.
        desk.navigate(details + "/sign-out");
        desk.locator("main").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Log out")).click();
        assertThat(desk).hasURL(Pattern.compile("/login\\?out$"));
        assertThat(desk.locator("main .alert.info")).hasText("You are signed out.");
        assertThat(otherCards(phone)).hasCount(0); // live: the phone's open list drops the Mac
        phone.reload();
        assertThat(phone).hasURL(Pattern.compile("/settings/sessions$"));
        assertThat(currentCard(phone)).containsText("London, England, United Kingdom");
        assertThat(otherCards(phone)).hasCount(0);
    }

    @Test
    void formsAreLabelledAndThePhoneLayoutFits() {
        // 9. Every input on the log-in and sign-up pages has a label, and each page has one h1.
        Page page = open(MAC_MADRID);
        for (String path : List.of("/login", "/signup")) {
            page.navigate(path);
            assertThat(page.locator("h1")).hasCount(1);
            Locator inputs = page.locator("main input:not([type=hidden])");
            for (Locator input : inputs.all()) {
                assertThat(input).hasAccessibleName(Pattern.compile("\\S"));
            }
        }
        page.navigate("/login");
        assertThat(page.getByLabel("Email")).isFocused(); // autofocus
        assertThat(page.getByLabel("Password")).isEditable();
        assertThat(page.getByLabel("Remember me")).not().isChecked();
        page.navigate("/signup");
        for (String label : List.of("Your name", "Email", "Password", "Team name")) {
            assertThat(page.getByLabel(label, new Page.GetByLabelOptions().setExact(true))).isEditable();
        }
        assertThat(page.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)))
                .hasAccessibleDescription("At least 12 characters.");

        // Sign up with the keyboard alone.
        String email = nextEmail("browser");
        page.getByLabel("Your name").focus();
        page.keyboard().type("Margaret Hamilton");
        page.keyboard().press("Tab");
        page.keyboard().type(email);
        page.keyboard().press("Tab");
        page.keyboard().type(PASSWORD);
        page.keyboard().press("Tab");
        page.keyboard().type("Apollo Guidance");
        page.keyboard().press("Enter");
        assertThat(page).hasURL(Pattern.compile("/settings/sessions\\?done=welcome$"));
        assertThat(page.locator("h1")).hasCount(1);

        // The first Tab on the sessions page reaches the skip link.
        page.keyboard().press("Tab");
        assertThat(page.locator(":focus")).hasText("Skip to content");

        Page phone = open(IPHONE_LONDON, 390, 844);
        logIn(phone, email);
        Page android = open(ANDROID_PARIS, 412, 915);
        logIn(android, email);
        page.reload();
        assertThat(page.locator("article.card")).hasCount(3);

        // README screenshots: the list with three devices in three countries, desktop and phone. Taken
        // before the layout checks, so that a layout failure still leaves a picture of it.
        if (shouldWriteScreenshot("sessions.png")) {
            page.navigate("/settings/sessions"); // the Mac, 1200 × 900
            assertThat(page.locator("article.card")).hasCount(3);
            page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("sessions.png")).setFullPage(true));
        }
        if (shouldWriteScreenshot("sessions-mobile.png")) {
            phone.navigate("/settings/sessions"); // the iPhone, 390 wide
            assertThat(phone.locator("article.card")).hasCount(3);
            phone.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("sessions-mobile.png")).setFullPage(true));
        }

        // At 390 px the sessions page (3 sessions), a details page and a confirmation fit the width.
        phone.navigate("/settings/sessions");
        assertThat(phone.locator("article.card")).hasCount(3);
        assertNoHorizontalScroll(phone, "sessions list at 390 px");
        phone.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Details of")).first().click();
        assertThat(phone.locator("h1")).isVisible();
        assertNoHorizontalScroll(phone, "session details at 390 px");
        phone.navigate("/settings/sessions/sign-out-all");
        assertThat(phone.locator("ul.targets li")).hasCount(3);
        assertNoHorizontalScroll(phone, "log-out-all confirmation at 390 px");
    }

    // ---------------------------------------------------------------- helpers

    private static Locator currentCard(Page page) {
        return page.locator("article.card.current");
    }

    private static Locator otherCards(Page page) {
        return page.locator("ul.cards article.card");
    }

    /** The value of a details-page field: the {@code dd} right after the {@code dt} with exactly that label. */
    private static Locator detail(Page page, String label) {
        return page.locator("dt:text-is(\"" + label + "\") + dd");
    }

    /** On the sign-in page, told that another device ended this session (live, or on the next load). */
    private static void assertSignedOutElsewhere(Page page) {
        // An open page shows its notice for a few seconds before it moves on by itself.
        assertThat(page).hasURL(Pattern.compile("/login\\?ended=revoked$"),
                new com.microsoft.playwright.assertions.PageAssertions.HasURLOptions().setTimeout(10_000));
        assertThat(page.locator("main.auth .alert.warning")).hasText(SIGNED_OUT_ELSEWHERE);
    }

    /**
     * An open page of an ended session is told at once: it shows its signed-out notice (and moves to
     * the sign-in page a few seconds later), or, when a live list refresh found the session ended
     * first, it is already on the sign-in page with the reason.
     */
    private static void assertToldSignedOutElsewhere(Page page) {
        assertThat(page.locator("#signed-out-notice").or(page.locator("main.auth .alert.warning")))
                .containsText(SIGNED_OUT_ELSEWHERE);
    }

    private static void assertNoHorizontalScroll(Page page, String what) {
        // A measurement, not a DOM state: read once the page has settled (the assertions before waited).
        Object overflow = page.evaluate("""
                () => {
                  const root = document.scrollingElement;
                  if (root.scrollWidth <= root.clientWidth) return null;
                  const wide = [...document.querySelectorAll('body *')]
                      .filter(e => e.getBoundingClientRect().right > root.clientWidth + 0.5)
                      .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).trim().replace(/\\s+/g, '.') : '')
                          + ' → ' + Math.round(e.getBoundingClientRect().right) + ' px');
                  return 'scrollWidth ' + root.scrollWidth + ' > clientWidth ' + root.clientWidth
                      + '; too wide: ' + wide.slice(0, 8).join(', ');
                }""");
        if (overflow != null) fail(what + " scrolls sideways: " + overflow);
    }

    private static boolean shouldWriteScreenshot(String file) {
        return Boolean.getBoolean("lanyard.screenshots") || !Files.exists(SCREENSHOTS.resolve(file));
    }
}
