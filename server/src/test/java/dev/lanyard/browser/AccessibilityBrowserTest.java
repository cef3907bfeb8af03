package dev.lanyard.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.deque.html.axecore.args.AxeRuleOptions;
import com.deque.html.axecore.args.AxeRunOptions;
import com.deque.html.axecore.playwright.AxeBuilder;
import com.deque.html.axecore.results.AxeResults;
import com.deque.html.axecore.results.Rule;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.BoundingBox;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.SqliteDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/**
 * Every page a person can reach, checked by axe-core in a real Chromium at 1280 × 800: sign-up,
 * log-in, the sessions list, details, every confirmation, history, activity, the admin pages, the
 * invitation and the error page. No page may have a serious or critical violation, nor be wider than a
 * {@value #PHONE}-pixel screen. And the
 * navigation of an admin (the longest) stays on one line at 1280 px, and names of 100 letters without a space
 * (a session's, a key's, a member's) widen no page.
 *
 * <p>With {@code -Dlanyard.a11y.screenshots=true} each page is also saved, full length, under
 * {@code target/a11y-screenshots/}, to look at.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"lanyard.web.trusted-proxies=127.0.0.1", "server.address=127.0.0.1"})
@ContextConfiguration(initializers = SqliteDatabase.class)
class AccessibilityBrowserTest extends BrowserTest {
    static final int WIDTH = 1280;
    static final int HEIGHT = 800;
    static final Path SCREENSHOTS = Path.of("target", "a11y-screenshots");
    private static final Pattern INVITE_PATH = Pattern.compile("/invite/[A-Za-z0-9_-]+");
    private static final AtomicInteger ACCOUNTS = new AtomicInteger();

    /** Page name → its serious and critical violations, one line each. */
    private final Map<String, List<String>> violations = new LinkedHashMap<>();

    @Test
    void everyPageHasNoSeriousOrCriticalAccessibilityViolation() {
        // Signed out: sign-up and log-in.
        Page desk = open(Chromium.MAC_MADRID);
        check(desk, "sign-up", "/signup");
        check(desk, "login", "/login");
        check(desk, "an app's sign-out link, signed out", "/logout/ask");

        // An admin with three devices, so the list has other sessions to select, open and end.
        String email = signUp(desk, "Ada Lovelace", "Analytical Engines");
        logIn(open(Chromium.IPHONE_LONDON), email);
        logIn(open(Chromium.WINDOWS_STOCKHOLM), email);
        desk.navigate("/settings/sessions");
        assertThat(desk.locator("ul.cards article.card")).hasCount(2);
        check(desk, "sessions list", "/settings/sessions");
        String details = desk.locator("ul.cards article.card").first()
                .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Details of")).getAttribute("href");
        check(desk, "session details", details);
        check(desk, "confirm: sign out one", details + "/sign-out");
        check(desk, "confirm: sign out others", "/settings/sessions/sign-out-others");
        check(desk, "confirm: log out all", "/settings/sessions/sign-out-all");
        desk.navigate("/settings/sessions");
        desk.locator("ul.cards input[type=checkbox]").first().check();
        desk.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out 1 selected session")).click();
        assertThat(desk.locator("h1")).hasText("Sign out 1 selected session?");
        checkCurrent(desk, "confirm: sign out selected");

        // End one session, so that history has a row.
        desk.navigate(details + "/sign-out");
        desk.locator("main").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Sign out")).click();
        assertThat(desk.locator("main .alert.success")).isVisible();
        check(desk, "history", "/settings/sessions/history");
        check(desk, "activity", "/settings/activity");

        // Invite a member (no mail server here: the mail waits in the outbox), who joins.
        desk.navigate("/admin/members");
        String memberEmail = nextEmail("mel");
        desk.locator("#invite-email").fill(memberEmail);
        desk.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send invitation")).click();
        assertThat(desk.locator("main .alert.success")).isVisible();
        checkCurrent(desk, "members");
        check(desk, "outbox", "/admin/outbox");
        Matcher link = INVITE_PATH.matcher(desk.locator("pre.mail").first().textContent());
        if (!link.find()) fail("no invitation link in the outbox");
        Page laptop = open(Chromium.WINDOWS_STOCKHOLM);
        check(laptop, "invite acceptance", link.group());
        laptop.getByLabel("Your name").fill("Mel Member");
        laptop.getByLabel("Choose a password").fill(PASSWORD);
        laptop.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Join and sign in")).click();
        assertThat(laptop).hasURL(Pattern.compile("/settings/sessions\\?done=joined$"));
        checkCurrent(laptop, "sessions list of a member");
        // The member makes an API key, so the admin's member page has a key row to revoke.
        laptop.navigate("/settings/api-keys");
        laptop.locator("#key-name").fill("Mel's CI");
        laptop.locator("#key-password").fill(TestAccounts.PASSWORD);
        laptop.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create key")).click();
        assertThat(laptop.locator("h1")).hasText("API key created");
        assertThat(laptop.locator("#secret")).hasValue(Pattern.compile("^lyk_.{49}$"));
        laptop.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Copy key")).click();
        assertThat(laptop.locator("[data-copy-status]")).hasText("Copied.");
        checkCurrent(laptop, "API key created");
        // Done and the link to the key's details are a row, set apart (outside UI review: they touched).
        Map<String, Locator> next = new LinkedHashMap<>();
        next.put("Done", laptop.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Done")));
        next.put("Key details", laptop.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Key details")));
        org.assertj.core.api.Assertions.assertThat(outOfRow(next)).as("the created key's links").isEmpty();
        // The secret's field shows the whole key.
        org.assertj.core.api.Assertions.assertThat((Boolean) laptop.locator("#secret")
                .evaluate("e => e.scrollWidth <= e.clientWidth")).as("the whole key is visible in its field").isTrue();
        laptop.reload();
        assertThat(laptop.locator("#secret")).hasCount(0);
        checkCurrent(laptop, "API key created, reloaded (secret shown once)");
        String ownKey = laptop.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Key details")).getAttribute("href");
        check(laptop, "API key details", ownKey);
        check(laptop, "confirm: revoke own API key", ownKey + "/revoke");
        // The sessions list with a key card on it (its "Revoke key" link; outside QA: its name did not hold the visible text).
        check(laptop, "sessions list with an API key", "/settings/sessions");
        check(laptop, "API keys", "/settings/api-keys");

        // The admin pages.
        check(desk, "admin sessions", "/admin/sessions");
        desk.locator("tbody tr").filter(new Locator.FilterOptions().setHasText(memberEmail))
                .getByRole(AriaRole.LINK).click();
        assertThat(desk.locator("h1")).hasText("Mel Member");
        checkCurrent(desk, "member sessions");
        String memberId = desk.url().replaceAll(".*/admin/members/([^/]+)/sessions.*", "$1");
        String revokeKey = desk.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Revoke API key \u2068Mel's CI\u2069")).getAttribute("href");
        check(desk, "confirm: revoke a member's API key", revokeKey);
        check(desk, "confirm: remove member", "/admin/members/" + memberId + "/remove");
        check(desk, "confirm: sign out the team", "/admin/sessions/sign-out-all");
        check(desk, "team settings", "/admin/settings");
        check(desk, "security", "/settings/security");
        check(desk, "connected apps", "/settings/apps");
        check(desk, "an app's sign-out link without its ID token", "/connect/logout");
        assertThat(desk.locator("h1")).hasText("Log out of Lanyard?");
        desk.navigate("/admin/apps");
        desk.getByLabel("Name").fill("The team's long-named internal wiki");
        desk.getByLabel("Redirect URIs").fill("https://wiki.example.com/login/oauth2/code/lanyard-with-a-long-registration-id");
        desk.getByLabel("Confidential: a server, PKCE and a client secret").check();
        checkCurrent(desk, "team apps");
        desk.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Register app")).click();
        checkCurrent(desk, "app registered");
        desk.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Go to the app")).click();
        checkCurrent(desk, "app details");
        String appPath = java.net.URI.create(desk.url()).getPath();
        check(desk, "confirm: delete app", appPath + "/delete");
        check(desk, "team apps with one", "/admin/apps");
        // The apps are cards on a phone, as members and team sessions are (outside UI review: Scopes cut off at 390 px).
        desk.setViewportSize(390, HEIGHT);
        org.assertj.core.api.Assertions.assertThat(tablesScrollingSideways(desk)).as("team apps at 390 px").isEmpty();
        desk.setViewportSize(WIDTH, HEIGHT);
        check(desk, "audit log", "/admin/audit");
        check(desk, "audit log with a refused filter", "/admin/audit?to=1969-12-31");
        check(desk, "error page", "/settings/sessions/ses_doesnotexist");
        assertThat(desk.locator("h1")).hasText("Not found");

        if (!violations.isEmpty()) {
            fail("Serious or critical accessibility violations:\n" + violations.entrySet().stream()
                    .map(e -> e.getKey() + ":\n  " + String.join("\n  ", e.getValue()))
                    .collect(Collectors.joining("\n")));
        }
    }

    @Test
    void navigationStaysOnOneLineAt1280Pixels() {
        // An admin sees the most links; a long but ordinary name takes the most room beside them.
        Page desk = open(Chromium.MAC_MADRID);
        signUp(desk, "Margaret Heafield Hamilton", "Apollo Guidance");
        for (String path : List.of("/settings/sessions", "/admin/audit")) {
            desk.navigate(path);
            Locator nav = desk.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Main"));
            List<Locator> links = nav.locator(".nav-links a").all();
            org.assertj.core.api.Assertions.assertThat(links).as("Sessions, History, Activity, API keys, Security and the four admin pages").hasSize(9);
            BoundingBox first = links.get(0).boundingBox();
            // On one line, every item's middle is at the same height; a wrapped item is a line lower.
            Map<String, BoundingBox> others = new LinkedHashMap<>();
            others.put("the brand", nav.locator(".brand").boundingBox());
            others.put("the last link", links.get(links.size() - 1).boundingBox());
            others.put("Log out", nav.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Log out")).boundingBox());
            others.forEach((what, box) -> org.assertj.core.api.Assertions.assertThat(middle(box))
                    .as("middle of %s on %s at %d px, against the first link's", what, path, WIDTH)
                    .isCloseTo(middle(first), org.assertj.core.api.Assertions.within(first.height / 2)));
        }
    }

    /**
     * Names are typed by people, up to 100 characters, and may hold no space at all: a session's, an API key's and a
     * member's such name wraps inside its box. No page is wider than the screen at 1280, 390 or {@value #PHONE} px,
     * and on the members page the long-named member's role and actions stay beside the name, in view.
     */
    @Test
    void longNamesWithoutSpacesWrapAndWidenNoPage() {
        String person = "W".repeat(100);
        Page desk = open(Chromium.MAC_MADRID);
        String email = signUp(desk, person, "T".repeat(100));
        logIn(open(Chromium.IPHONE_LONDON), email);

        // The other session, renamed to 100 letters from its details page: on the card, as the title and in the timeline.
        desk.navigate("/settings/sessions");
        String details = desk.locator("ul.cards article.card").first()
                .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Details of")).getAttribute("href");
        desk.navigate(details);
        desk.getByLabel("Session name").fill("S".repeat(100));
        desk.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Rename")).click();
        assertThat(desk.locator("main .alert.success")).hasText("Session renamed.");
        assertThat(desk.locator(".timeline")).containsText("S".repeat(100));

        // An API key of 100 letters.
        desk.navigate("/settings/api-keys");
        desk.locator("#key-name").fill("K".repeat(100));
        desk.locator("#key-password").fill(TestAccounts.PASSWORD);
        desk.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create key")).click();
        assertThat(desk.locator("h1")).hasText("API key created");
        desk.navigate("/settings/api-keys");
        String key = desk.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("K".repeat(100))).getAttribute("href");

        // A member who joins with 100 letters as their name.
        desk.navigate("/admin/members");
        String memberEmail = nextEmail("mel");
        desk.locator("#invite-email").fill(memberEmail);
        desk.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send invitation")).click();
        assertThat(desk.locator("main .alert.success")).isVisible();
        desk.navigate("/admin/outbox");
        Matcher link = INVITE_PATH.matcher(desk.locator("pre.mail").filter(new Locator.FilterOptions().setHasText(INVITE_PATH))
                .first().textContent());
        if (!link.find()) fail("no invitation link in the outbox");
        Page laptop = open(Chromium.WINDOWS_STOCKHOLM);
        laptop.navigate(link.group());
        laptop.getByLabel("Your name").fill("M".repeat(100));
        laptop.getByLabel("Choose a password").fill(PASSWORD);
        laptop.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Join and sign in")).click();
        assertThat(laptop).hasURL(Pattern.compile("/settings/sessions\\?done=joined$"));
        desk.navigate("/admin/members");
        Locator member = desk.locator("tbody tr").filter(new Locator.FilterOptions().setHasText(memberEmail));
        String memberId = member.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Sessions")).getAttribute("href")
                .replaceAll(".*/admin/members/([^/]+)/sessions.*", "$1");

        List<String> wide = new ArrayList<>();
        for (String path : List.of("/settings/sessions", details, "/settings/sessions/sign-out-others", details + "/sign-out",
                "/settings/api-keys", key, key + "/created", key + "/revoke", "/admin/members", "/admin/sessions",
                "/admin/members/" + memberId + "/sessions", "/admin/members/" + memberId + "/remove")) {
            desk.navigate(path);
            for (int width : new int[]{WIDTH, 390, PHONE}) {
                desk.setViewportSize(width, HEIGHT);
                int scrollWidth = ((Number) desk.evaluate("() => document.documentElement.scrollWidth")).intValue();
                if (scrollWidth > width) wide.add(path + ": " + scrollWidth + " px wide at " + width + " px");
                if (Boolean.getBoolean("lanyard.a11y.screenshots")) {
                    desk.screenshot(new Page.ScreenshotOptions().setFullPage(true).setPath(SCREENSHOTS.resolve(
                            "long-names" + path.replaceAll("[^A-Za-z0-9]+", "-") + "-" + width + ".png")));
                }
            }
            desk.setViewportSize(WIDTH, HEIGHT);
        }
        // The long-named member's row keeps its role and actions in view beside the name, at 1280 and 390 px; at 1280
        // px, so do the team sessions' link and the key's expiry (with seven columns, that table scrolls in its box on
        // a phone whatever the names).
        Locator teamRow = desk.locator("tbody tr").filter(new Locator.FilterOptions().setHasText(memberEmail));
        Locator keyRow = desk.locator("table.keys tbody tr").filter(new Locator.FilterOptions().setHasText("K".repeat(100)));
        Map<String, List<Locator>> controls = new LinkedHashMap<>();
        controls.put("/admin/members", List.of(member.locator("select"),
                member.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Change role")),
                member.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Sessions")),
                member.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Remove \u2068" + memberEmail + "\u2069"))));
        controls.put("/admin/sessions", List.of(teamRow.getByRole(AriaRole.LINK)));
        controls.put("/settings/api-keys", List.of(keyRow.locator("td").last()));
        controls.forEach((path, shown) -> {
            desk.navigate(path);
            for (int width : path.equals("/admin/members") ? new int[]{WIDTH, 390} : new int[]{WIDTH}) {
                desk.setViewportSize(width, HEIGHT);
                for (Locator control : shown) {
                    BoundingBox box = control.boundingBox();
                    if (box.x + box.width > width) {
                        wide.add(path + ": " + control + " ends at " + Math.round(box.x + box.width) + " px, out of view at " + width + " px");
                    }
                }
            }
            desk.setViewportSize(WIDTH, HEIGHT);
        });
        // The audit log names the member in every entry: at 1280 px its table fits its box, the name and address wrapping,
        // so the IP address column is in view without scrolling the table.
        desk.navigate("/admin/audit");
        Number[] audit = ((java.util.List<?>) desk.evaluate("() => { const w = document.querySelector('.table-wrap');"
                + " return [w.scrollWidth, w.clientWidth]; }")).stream().map(Number.class::cast).toArray(Number[]::new);
        if (audit[0].intValue() > audit[1].intValue()) {
            wide.add("/admin/audit: the entries are " + audit[0] + " px wide in a box of " + audit[1] + " px at " + WIDTH + " px");
        }
        org.assertj.core.api.Assertions.assertThat(wide).as("pages wider than the screen, controls out of view").isEmpty();
    }

    /**
     * Every form's primary action looks like the invitation's "Send invitation" (outside review: the settings forms' were
     * white and as wide as the page), and is as wide as its words at 1280 px, not stretched across the form.
     */
    @Test
    void everyFormsPrimaryActionLooksAlikeAndIsAsWideAsItsWords() {
        Page desk = open(Chromium.MAC_MADRID);
        String email = signUp(desk, "Ada Lovelace", "Analytical Engines");
        logIn(open(Chromium.IPHONE_LONDON), email);
        desk.navigate("/settings/sessions");
        String details = desk.locator("ul.cards article.card").first()
                .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Details of")).getAttribute("href");
        desk.navigate("/admin/members");
        String ownPage = desk.locator("main a[href$='/sessions'][href*='/admin/members/']").first().getAttribute("href");
        String primary = style(desk.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send invitation")));

        Map<String, List<String>> actions = new LinkedHashMap<>();
        actions.put("/admin/settings", List.of("Save policy"));
        actions.put(ownPage, List.of("Save limit", "Save"));
        actions.put("/settings/security", List.of("Change password", "Add a passkey", "Save"));
        actions.put("/settings/api-keys", List.of("Create key"));
        actions.put("/admin/apps", List.of("Register app"));
        actions.put(details, List.of("Rename"));
        List<String> unlike = new ArrayList<>();
        actions.forEach((path, names) -> {
            desk.navigate(path);
            for (String name : names) {
                Locator button = desk.locator("main").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(name).setExact(true));
                if (!style(button).equals(primary)) unlike.add(path + " \"" + name + "\": " + style(button) + ", not " + primary);
                double width = button.boundingBox().width;
                double form = ((Number) button.evaluate("b => b.form.getBoundingClientRect().width")).doubleValue();
                if (width > form / 2) unlike.add(path + " \"" + name + "\" is " + Math.round(width) + " px wide in a form of " + Math.round(form));
            }
        });
        org.assertj.core.api.Assertions.assertThat(unlike).as("primary actions unlike the invitation's, or stretched").isEmpty();
    }

    /** A button's colours: its background, text and border. */
    private static String style(Locator button) {
        return (String) button.evaluate("b => { const s = getComputedStyle(b); return s.backgroundColor + ' ' + s.color + ' ' + s.borderTopColor; }");
    }

    private static double middle(BoundingBox box) {
        return box.y + box.height / 2;
    }

    // ---------------------------------------------------------------- helpers

    private void check(Page page, String name, String path) {
        page.navigate(path);
        checkCurrent(page, name);
    }

    /** Runs axe on the page as it is and records its serious and critical violations under {@code name}. */
    private void checkCurrent(Page page, String name) {
        page.waitForLoadState();
        if (Boolean.getBoolean("lanyard.a11y.screenshots")) {
            page.screenshot(new Page.ScreenshotOptions().setFullPage(true)
                    .setPath(SCREENSHOTS.resolve(name.replaceAll("[^A-Za-z0-9]+", "-") + ".png")));
        }
        AxeResults results = new AxeBuilder(page).options(axeOptions()).analyze();
        if (results.isErrored()) fail("axe failed on " + name + ": " + results.getErrorMessage());
        List<String> serious = results.getViolations().stream()
                .filter(rule -> "serious".equals(rule.getImpact()) || "critical".equals(rule.getImpact()))
                .map(AccessibilityBrowserTest::describe)
                .toList();
        List<String> found = new ArrayList<>(serious);
        found.addAll(misalignedColumns(page));
        reflow(page).ifPresent(found::add);
        if (!found.isEmpty()) violations.put(name + " (" + page.url() + ")", found);
    }

    /**
     * axe's default rules, plus {@code label-content-name-mismatch}: axe marks it experimental and
     * leaves it off, but a control whose spoken name does not contain its visible words cannot be
     * operated by voice ("click View sessions"), so Lanyard holds itself to it.
     */
    private static AxeRunOptions axeOptions() {
        AxeRuleOptions on = new AxeRuleOptions();
        on.setEnabled(true);
        AxeRunOptions options = new AxeRunOptions();
        options.setRules(Map.of("label-content-name-mismatch", on));
        return options;
    }

    /** Every page at the size the audit is made at. */
    @Override
    Page open(Chromium.Device device) {
        return open(device, WIDTH, HEIGHT);
    }

    private static String describe(Rule rule) {
        return rule.getImpact() + " " + rule.getId() + " (" + rule.getHelp() + ") at "
                + rule.getNodes().stream().map(node -> String.valueOf(node.getTarget())).collect(Collectors.joining(", "));
    }

}
