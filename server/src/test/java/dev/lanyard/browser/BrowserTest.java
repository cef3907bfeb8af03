package dev.lanyard.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What every browser test does around its steps: one Chromium for the class, a fresh context
 * (its own cookies) per device a test opens, all closed after each test, and the sign-up and
 * sign-in forms filled as a person would. The waits are generous bounds, not timings: the build
 * machine is shared and often far behind, and a step that is merely slow must not fail.
 */
abstract class BrowserTest {
    static final String PASSWORD = "correct horse battery staple";
    private static final AtomicInteger ACCOUNTS = new AtomicInteger();

    static Playwright playwright;
    static Browser browser;

    @LocalServerPort
    int port;

    private final List<BrowserContext> contexts = new ArrayList<>();

    @BeforeAll
    static void launchChromium() {
        PlaywrightAssertions.setDefaultAssertionTimeout(60_000);
        playwright = Chromium.playwright();
        browser = Chromium.launch(playwright);
    }

    @AfterAll
    static void closeChromium() {
        PlaywrightAssertions.setDefaultAssertionTimeout(5_000);
        if (browser != null) browser.close();
        if (playwright != null) playwright.close();
    }

    /**
     * On a failure, what each open page shows (its address, title and text), printed before the
     * contexts close: an assertion on an address alone does not say which page a browser stood on.
     */
    @RegisterExtension
    final TestExecutionExceptionHandler pagesOnFailure = (test, thrown) -> {
        for (BrowserContext context : contexts) {
            for (Page page : context.pages()) {
                String shown;
                try {
                    shown = String.valueOf(page.evaluate("() => document.title + ' | ' + "
                            + "(document.querySelector('main') || document.body).innerText.slice(0, 800)"));
                } catch (RuntimeException unreadable) {
                    shown = "(unreadable: " + unreadable.getMessage() + ")";
                }
                System.err.println("[" + test.getDisplayName() + "] page at " + page.url() + ": " + shown);
            }
        }
        throw thrown;
    };

    @AfterEach
    void closeContexts() {
        contexts.forEach(BrowserContext::close);
        contexts.clear();
    }

    /** A page in a fresh context for {@code device}, closed after the test. */
    Page open(Chromium.Device device) {
        return open(device, 1200, 900);
    }

    /** {@link #open(Chromium.Device)} with a viewport of {@code width} × {@code height}. */
    Page open(Chromium.Device device, int width, int height) {
        return track(Chromium.context(browser, port, device, width, height)).newPage();
    }

    /** {@link #open(Chromium.Device)} in the timezone {@code timezoneId} ("Asia/Tokyo"). */
    Page open(Chromium.Device device, String timezoneId) {
        return track(Chromium.context(browser, port, device, 1200, 900, timezoneId)).newPage();
    }

    /** A context the test made itself, closed after the test like those {@link #open} makes. */
    BrowserContext track(BrowserContext context) {
        context.setDefaultTimeout(60_000);
        context.setDefaultNavigationTimeout(120_000);
        contexts.add(context);
        return context;
    }

    /** An address no other account in this run has. */
    static String nextEmail(String who) {
        return who + "-" + ACCOUNTS.incrementAndGet() + "-" + System.nanoTime() + "@example.com";
    }

    /** Signs up through the form as {@code email}, starting team {@code team}; ends on the welcome page. */
    static String signUp(Page page, String name, String email, String team) {
        submitSignUp(page, name, email, team);
        assertThat(page).hasURL(Pattern.compile("/settings/sessions\\?done=welcome$"));
        return email;
    }

    /** Fills and sends the sign-up form; the caller checks where it leads. */
    static void submitSignUp(Page page, String name, String email, String team) {
        submitSignUp(page, "", name, email, team);
    }

    /** {@link #submitSignUp(Page, String, String, String)} on Lanyard served at {@code at} ({@code /lanyard}; "" at the root). */
    static void submitSignUp(Page page, String at, String name, String email, String team) {
        page.navigate(at + "/signup");
        page.getByLabel("Your name").fill(name);
        page.getByLabel("Email").fill(email);
        page.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill(PASSWORD);
        page.getByLabel("Team name").fill(team);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create account")).click();
    }

    /** Signs up with a new address and returns it. */
    static String signUp(Page page, String name, String team) {
        return signUp(page, name, nextEmail("browser"), team);
    }

    /** Fills and sends the sign-in form; the caller checks where it leads. */
    static void submitLogIn(Page page, String email) {
        submitLogIn(page, "", email);
    }

    /** {@link #submitLogIn(Page, String)} on Lanyard served at {@code at} ({@code /lanyard}; "" at the root). */
    static void submitLogIn(Page page, String at, String email) {
        page.navigate(at + "/login");
        page.getByLabel("Email").fill(email);
        page.getByLabel("Password").fill(PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
    }

    /** Signs in through the form; ends on the sessions page. */
    static void logIn(Page page, String email) {
        submitLogIn(page, email);
        assertThat(page).hasURL(Pattern.compile("/settings/sessions$"));
    }

    /** The address of a page's live stream. */
    static final Pattern EVENTS = Pattern.compile("/settings/sessions/events");

    /** Runs {@code step} and waits until the page's live stream has answered: the server has admitted it. */
    static void withStream(Page page, Runnable step) {
        Response response = page.waitForResponse(r -> EVENTS.matcher(r.url()).find(), step);
        assertThat(response.status()).isEqualTo(200);
    }

    /** A session's id in the API's JSON. */
    static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"(ses_[A-Za-z0-9_-]+)\"");
    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Signs in through the API from a phone in London for a bearer token, as another device of {@code email}. */
    String apiSignIn(String email) {
        HttpResponse<String> response = api("POST", "/api/v1/login", null, "{\"email\":\"" + email
                + "\",\"password\":\"" + PASSWORD + "\",\"rememberMe\":false,\"tokenType\":\"bearer\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        Matcher token = TOKEN.matcher(response.body());
        assertThat(token.find()).as(response.body()).isTrue();
        return token.group(1);
    }

    /** Ends the session of {@code token} (its own logout). */
    void apiLogOut(String token) {
        HttpResponse<String> response = api("POST", "/api/v1/logout", token, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
    }

    /** The id of the session of {@code token}. */
    String apiSessionId(String token) {
        HttpResponse<String> response = api("GET", "/api/v1/sessions/current", token, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Matcher id = ID.matcher(response.body());
        assertThat(id.find()).as(response.body()).isTrue();
        return id.group(1);
    }

    /** A request to the API from the iPhone in London: with {@code token} as its bearer (none when null), and a JSON body (or none). */
    HttpResponse<String> api(String method, String path, String token, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Forwarded-For", Chromium.IPHONE_LONDON.ip()).header("User-Agent", Chromium.IPHONE_LONDON.userAgent())
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) request.header("Authorization", "Bearer " + token);
        if (json != null) request.header("Content-Type", "application/json");
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The serious and critical axe-core violations on the page as it is, one line each, with the rules every page is held to. */
    static List<String> axeViolations(Page page) {
        page.waitForLoadState();
        com.deque.html.axecore.args.AxeRuleOptions on = new com.deque.html.axecore.args.AxeRuleOptions();
        on.setEnabled(true);
        com.deque.html.axecore.args.AxeRunOptions options = new com.deque.html.axecore.args.AxeRunOptions();
        options.setRules(java.util.Map.of("label-content-name-mismatch", on));
        com.deque.html.axecore.results.AxeResults results = new com.deque.html.axecore.playwright.AxeBuilder(page).options(options).analyze();
        if (results.isErrored()) return List.of("axe-core did not run: " + results.getErrorMessage());
        List<String> found = new java.util.ArrayList<>(results.getViolations().stream()
                .filter(rule -> "serious".equals(rule.getImpact()) || "critical".equals(rule.getImpact()))
                .map(rule -> rule.getId() + " " + rule.getHelp() + " at " + rule.getNodes().stream().map(n -> String.valueOf(n.getTarget())).toList())
                .toList());
        found.addAll(misalignedColumns(page));
        reflow(page).ifPresent(found::add);
        return found;
    }

    /**
     * At the page's own width, each table's headings stand above their columns: a heading whose left edge is not its
     * first row's cell's (outside QA: a layout rule meant for forms made every table's rows flex boxes of their own).
     */
    @SuppressWarnings("unchecked")
    static List<String> misalignedColumns(Page page) {
        return (List<String>) page.evaluate("""
                () => [...document.querySelectorAll('table')].flatMap(t => {
                  const head = t.tHead && t.tHead.rows[0], row = t.tBodies[0] && t.tBodies[0].rows[0];
                  if (!head || !row || t.getBoundingClientRect().width === 0) return [];
                  const starts = r => { let column = 0; const at = new Map();
                    for (const c of r.cells) { at.set(column, c); column += c.colSpan; } return at; };
                  const cells = starts(row);
                  const off = [...starts(head)].find(([column, c]) => cells.has(column)
                      && Math.abs(c.getBoundingClientRect().left - cells.get(column).getBoundingClientRect().left) > 1);
                  return !off ? [] : ['columns: table.' + t.className.trim().replace(/ +/g, '.') + ' heading "'
                      + off[1].textContent.trim() + '" is not above its column'];
                })""");
    }

    /**
     * What stands out of line in a row of controls, as the row of buttons of the other pages ({@code .actions}) lays them
     * out: each control's middle level with the first's (within a pixel), and each at least the row's gap ({@code .5rem})
     * after the one before (outside UI review: Approve sat 8 px lower than Deny, Allow below Deny, and Done touched the
     * link beside it). {@code named} names each control, for the message.
     */
    static List<String> outOfRow(java.util.Map<String, com.microsoft.playwright.Locator> named) {
        List<String> found = new ArrayList<>();
        List<String> names = new ArrayList<>(named.keySet());
        com.microsoft.playwright.options.BoundingBox first = named.get(names.get(0)).boundingBox();
        for (int i = 1; i < names.size(); i++) {
            com.microsoft.playwright.options.BoundingBox before = named.get(names.get(i - 1)).boundingBox();
            com.microsoft.playwright.options.BoundingBox box = named.get(names.get(i)).boundingBox();
            double off = (box.y + box.height / 2) - (first.y + first.height / 2);
            if (Math.abs(off) > 1) found.add(names.get(i) + " is " + Math.round(Math.abs(off)) + " px " + (off > 0 ? "below " : "above ") + names.get(0));
            double gap = box.x - (before.x + before.width);
            if (gap < 7.5) found.add(names.get(i) + " is " + Math.round(gap) + " px after " + names.get(i - 1) + ", not the row's 8");
        }
        return found;
    }

    /**
     * The tables on the page that scroll sideways in their box at its width (what a phone shows cut off, with no cue that
     * more is beside it): a table that turns into cards on a phone (table.stacked) is none.
     */
    @SuppressWarnings("unchecked")
    static List<String> tablesScrollingSideways(Page page) {
        return (List<String>) page.evaluate("""
                () => [...document.querySelectorAll('.table-wrap')].filter(w => w.scrollWidth > w.clientWidth + 1)
                  .map(w => (w.getAttribute('aria-label') || 'a table') + ': ' + w.scrollWidth + ' px in a box of ' + w.clientWidth
                      + ' px at ' + document.documentElement.clientWidth + ' px')""");
    }

    /** The narrowest screen a page must fit without scrolling sideways (WCAG 1.4.10, reflow), in CSS pixels. */
    static final int PHONE = 320;

    /**
     * WCAG 1.4.10, reflow: at {@value #PHONE} CSS pixels wide the page scrolls only up and down (a wide table scrolls
     * sideways in its own box), so nothing is cut off on a small phone. What is wider, if anything. A table stacked for
     * phones (table.stacked) scrolls in no box: nothing in it may reach past the screen's right edge (outside a11y review
     * AK: the audit log's times ran out of sight there, inside a box that scrolled). And no checkbox or radio button is
     * squeezed beside a label that wraps: each stays as wide as it is tall (outside review: a key's wrapped scopes had
     * boxes 13 px wide and 18 px tall, their words starting further left than the first's).
     */
    static java.util.Optional<String> reflow(Page page) {
        com.microsoft.playwright.options.ViewportSize before = page.viewportSize();
        page.setViewportSize(PHONE, before.height);
        try {
            int wide = ((Number) page.evaluate("() => document.documentElement.scrollWidth")).intValue();
            if (wide > PHONE) return java.util.Optional.of("reflow: " + wide + " px wide at " + PHONE + " px");
            String cut = (String) page.evaluate("""
                    () => { const edge = document.documentElement.clientWidth;
                      const out = [...document.querySelectorAll('table.stacked tbody *')].find(e => {
                        const r = e.getBoundingClientRect(); return r.width > 0 && r.right > edge + 1; });
                      return out ? out.tagName.toLowerCase() + ' "' + out.textContent.trim().slice(0, 40) + '" ends at '
                          + Math.round(out.getBoundingClientRect().right) + ' px' : ''; }""");
            if (!cut.isEmpty()) return java.util.Optional.of("reflow: in a stacked table, " + cut + " at " + PHONE + " px");
            String squeezed = (String) page.evaluate("""
                    () => [...document.querySelectorAll('input[type=checkbox], input[type=radio]')]
                      .map(e => [e, e.getBoundingClientRect()]).filter(([e, r]) => r.width > 0 && Math.abs(r.width - r.height) > .5)
                      .map(([e, r]) => e.type + ' ' + e.name + '=' + e.value + ' is ' + Math.round(r.width) + ' × ' + Math.round(r.height)
                          + ' px').join(', ')""");
            return squeezed.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of("squeezed at " + PHONE + " px: " + squeezed);
        } finally {
            page.setViewportSize(before.width, before.height);
        }
    }
}
