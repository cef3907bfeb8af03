package dev.lanyard.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.lanyard.browser.Chromium.IPHONE_LONDON;
import static dev.lanyard.browser.Chromium.MAC_MADRID;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.AriaRole;
import dev.lanyard.testsupport.SqliteDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * A page that no longer hears live updates says so (docs/decisions/0056-live-streams-capped.md): the oldest of four
 * tabs of one session, whose stream the fourth took, and a page whose stream is refused or keeps failing. The server
 * here tells a replaced page to wait 2 seconds before asking again, so a page that did ask again would be seen to.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"lanyard.web.trusted-proxies=127.0.0.1", "server.address=127.0.0.1", "lanyard.live.backoff=2s"})
@ContextConfiguration(initializers = SqliteDatabase.class)
class LiveUpdatesBrowserTest extends BrowserTest {
    private static final Pattern EVENTS = Pattern.compile("/settings/sessions/events");
    private static final String REPLACED = "Live updates stopped in this tab because this session has more tabs open. Reload to see changes.";
    private static final String UNAVAILABLE = "Live updates are unavailable right now, so this page may be out of date. Reload to see changes.";

    /** Runs {@code step} and waits until the page's live stream has answered: the server has admitted it. */
    private static void withStream(Page page, Runnable step) {
        Response response = page.waitForResponse(r -> EVENTS.matcher(r.url()).find(), step);
        assertThat(response.status()).isEqualTo(200);
    }

    private static Locator notice(Page page) {
        return page.getByRole(AriaRole.STATUS).locator(".live-notice");
    }

    private static Locator reload(Page page) {
        return page.getByRole(AriaRole.STATUS).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Reload"));
    }

    @Test
    void theOldestOfFourTabsOfASessionSaysItsLiveUpdatesStoppedAndDoesNotAskAgain() {
        Page first = open(MAC_MADRID);
        List<String> firstAsked = new CopyOnWriteArrayList<>();
        first.onRequest(request -> {
            if (EVENTS.matcher(request.url()).find()) firstAsked.add(request.url());
        });
        withStream(first, () -> signUp(first, "Grace Hopper", "Compilers"));
        assertThat(notice(first)).isHidden();
        Page[] later = new Page[3];
        for (int i = 0; i < later.length; i++) {
            Page tab = first.context().newPage();
            withStream(tab, () -> tab.navigate("/settings/sessions"));
            later[i] = tab;
        }

        assertThat(notice(first)).containsText(REPLACED);
        assertThat(reload(first)).isVisible();
        for (Page tab : later) assertThat(notice(tab)).isHidden();
        // The server told it to wait 2 seconds before asking again; a page that had not closed its stream would have.
        first.waitForTimeout(6_000);
        assertThat(firstAsked).as("the replaced page asks for no new stream").hasSize(1);
        assertThat(notice(later[0])).isHidden();

        // Reloading takes a stream again, from the oldest of the others, which says so in turn.
        withStream(first, () -> reload(first).click());
        assertThat(notice(first)).isHidden();
        assertThat(notice(later[0])).containsText(REPLACED);
        assertThat(notice(later[1])).isHidden();
    }

    @Test
    void aPageWhoseStreamIsRefusedSaysItMayBeOutOfDate() {
        Page page = open(MAC_MADRID);
        page.route(EVENTS, route -> route.fulfill(new Route.FulfillOptions().setStatus(503).setHeaders(Map.of("Retry-After", "300"))));

        signUp(page, "Ada Lovelace", "Engines");

        assertThat(notice(page)).containsText(UNAVAILABLE);
        assertThat(reload(page)).isVisible();
    }

    @Test
    void aStreamThatKeepsFailingIsSaidToBeUnavailableAndOnceBackTheListIsLiveAgain() {
        Page page = open(MAC_MADRID);
        page.route(EVENTS, Route::abort);
        String email = signUp(page, "Alan Turing", "Bombes");

        assertThat(notice(page)).containsText(UNAVAILABLE);
        withStream(page, () -> page.unroute(EVENTS));
        assertThat(notice(page)).isHidden();

        Page phone = open(IPHONE_LONDON);
        logIn(phone, email);
        assertThat(page.locator("ul.cards article.card")).hasCount(1);
    }
}
