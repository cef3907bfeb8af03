package dev.lanyard.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.lanyard.browser.Chromium.IPHONE_LONDON;
import static dev.lanyard.browser.Chromium.MAC_MADRID;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.AriaRole;
import dev.lanyard.testsupport.SqliteDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * An open sessions page follows changes that come within one refresh of each other (outside review AC: the second was
 * lost), and a page that no longer hears live updates says so (docs/decisions/0056-live-streams-capped.md): the oldest of four
 * tabs of one session, whose stream the fourth took, and a page whose stream is refused or keeps failing. The server
 * here tells a replaced page to wait 2 seconds before asking again, so a page that did ask again would be seen to.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"lanyard.web.trusted-proxies=127.0.0.1", "server.address=127.0.0.1", "lanyard.live.backoff=2s"})
@ContextConfiguration(initializers = SqliteDatabase.class)
class LiveUpdatesBrowserTest extends BrowserTest {
    private static final String REPLACED = "Live updates stopped in this tab because this session has more tabs open. Reload to see changes.";
    private static final String UNAVAILABLE = "Live updates are unavailable right now, so this page may be out of date. Reload to see changes.";

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

    /**
     * A copy of a tab (the browser's Duplicate copies its sessionStorage, and so its tab id) takes an id of its own, and
     * both pages stay live. The copy's stream took the first tab's, which then said that another page of this session had
     * taken its live updates.
     */
    @Test
    void aCopyOfATabTakesAnIdOfItsOwnAndBothPagesStayLive() {
        Page first = open(MAC_MADRID);
        String email = nextEmail("copy");
        withStream(first, () -> signUp(first, "Ada Lovelace", email, "Engines"));
        String id = (String) first.evaluate("() => sessionStorage.getItem('lanyard-tab')");
        assertThat(id).isNotBlank();
        // The next page of the same tab keeps its id: the stream of the page before is closed for it at once.
        withStream(first, () -> first.navigate("/settings/sessions"));
        assertThat((String) first.evaluate("() => sessionStorage.getItem('lanyard-tab')")).isEqualTo(id);

        // The copy starts with a copy of the tab's sessionStorage, as the browser's Duplicate makes it.
        String storage = (String) first.evaluate("() => JSON.stringify(sessionStorage)");
        Page copy = first.context().newPage();
        copy.addInitScript("(() => { const copied = " + storage + "; for (const k in copied) sessionStorage.setItem(k, copied[k]); })()");
        withStream(copy, () -> copy.navigate("/settings/sessions"));

        Page phone = open(IPHONE_LONDON);
        logIn(phone, email);
        assertThat(first.locator("ul.cards article.card")).hasCount(1);
        assertThat(copy.locator("ul.cards article.card")).hasCount(1);
        assertThat(notice(first)).isHidden();
        assertThat(notice(copy)).isHidden();
        assertThat((String) copy.evaluate("() => sessionStorage.getItem('lanyard-tab')")).isNotBlank().isNotEqualTo(id);
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

    /** The page's own refreshes of its list, told apart from the member's by their header. */
    private static final Pattern LIST = Pattern.compile("/settings/sessions(\\?.*)?$");

    /**
     * Counts the "changed" events the page's stream delivers (window.__changed), before live.js handles each: once the
     * count has grown, the page has asked for its refresh.
     */
    private static void countChanges(Page page) {
        page.addInitScript("""
                (() => {
                  window.__changed = 0;
                  const add = EventSource.prototype.addEventListener;
                  EventSource.prototype.addEventListener = function (type, listener, options) {
                    if (type === "changed") {
                      const inner = listener;
                      listener = function () { window.__changed++; return inner.apply(this, arguments); };
                    }
                    return add.call(this, type, listener, options);
                  };
                })();""");
    }

    private static int changes(Page page) {
        return ((Number) page.evaluate("() => window.__changed")).intValue();
    }

    /**
     * The page's list of other sessions ends up as {@code GET /api/v1/sessions} has them (the API asked with the page's own
     * cookie), within a generous bound: every other session's card, and no more.
     */
    private static void listMatchesTheApi(Page page) {
        String body = page.request().get("/api/v1/sessions").text();
        String current = page.request().get("/api/v1/sessions/current").text();
        Matcher currentId = ID.matcher(current);
        assertThat(currentId.find()).as(current).isTrue();
        List<String> others = new ArrayList<>();
        Matcher id = ID.matcher(body);
        while (id.find()) {
            if (!id.group(1).equals(currentId.group(1))) others.add(id.group(1));
        }
        LocatorAssertions.HasCountOptions bound = new LocatorAssertions.HasCountOptions().setTimeout(20_000);
        assertThat(page.locator("#live-region input[name=ids]")).hasCount(others.size(), bound);
        for (String other : others) {
            assertThat(page.locator("#live-region input[name=ids][value=\"" + other + "\"]")).hasCount(1, bound);
        }
    }

    /**
     * Runs {@code first}, and holds the answer to the page's refresh it causes (the list as it was before {@code second})
     * until {@code second} has run and the page has been told of it too: the second change comes while the first refresh
     * is in flight, every time, as it does now and then when two come within a few hundred milliseconds.
     */
    private static void twoChangesWithinOneRefresh(Page page, Runnable first, Runnable second) {
        AtomicReference<Route> held = new AtomicReference<>();
        AtomicReference<APIResponse> answer = new AtomicReference<>();
        page.route(LIST, route -> {
            if (route.request().headers().containsKey("x-lanyard-background") && held.get() == null) {
                answer.set(route.fetch());
                held.set(route);
                return;
            }
            route.resume();
        });
        first.run();
        page.waitForCondition(() -> held.get() != null);
        int told = changes(page);
        second.run();
        page.waitForFunction("n => window.__changed > n", told);
        held.get().fulfill(new Route.FulfillOptions().setResponse(answer.get()));
        page.unroute(LIST);
    }

    /**
     * A page reads its list, then its scripts load, then its stream opens: {@code change} runs while live.js is asked
     * for, so after the list was read and before the stream opened, and the page must show it all the same.
     */
    private static void changeBeforeTheStreamOpens(Page page, Runnable change) {
        AtomicBoolean changed = new AtomicBoolean();
        page.route("**/js/live.js", route -> {
            if (changed.compareAndSet(false, true)) change.run();
            route.resume();
        });
        withStream(page, page::reload);
        page.unroute("**/js/live.js");
        assertThat(changed).isTrue();
    }

    @Test
    void changesBetweenThePagesListAndItsStreamShowOnceTheStreamOpens() {
        Page page = open(MAC_MADRID);
        String[] email = new String[1];
        withStream(page, () -> email[0] = signUp(page, "Mary Jackson", "Wind tunnels"));
        Locator cards = page.locator("#live-region input[name=ids]");
        assertThat(cards).hasCount(0);

        String[] phone = new String[1];
        changeBeforeTheStreamOpens(page, () -> phone[0] = apiSignIn(email[0]));
        assertThat(cards).hasCount(1);

        changeBeforeTheStreamOpens(page, () -> apiLogOut(phone[0]));
        assertThat(cards).hasCount(0);
        assertThat(page.locator("#live-changes")).containsText("A session was signed out");
    }

    /**
     * A change told while a refresh is in flight brings one more refresh right after it, and the first still says what it
     * changed. The member's Refresh is held until a phone's sign-in was told, then answered with the list that has the
     * phone; the page's refresh for the sign-in, right after, finds nothing more. htmx's promise resolves before its
     * 20 ms settle, where refreshes.js says what changed: the second swap could come first, and the sign-in was never
     * said (likely what a fresh-clone CI run, 2026-12-06, hit). The refreshes now settle at once. On this machine the test
     * passed without that too: it guards the sequence, it did not reproduce the race (decision 82 addendum).
     */
    @Test
    void aRefreshRightAfterAnotherStillSaysWhatTheFirstChanged() {
        Page page = open(MAC_MADRID);
        countChanges(page);
        page.addInitScript("""
                (() => {
                  window.__said = [];
                  // Each saying: words put into #live-changes (refreshes.js empties it first, so the same words twice are two).
                  new MutationObserver(records => {
                    const status = document.getElementById("live-changes");
                    if (records.some(r => r.target === status && r.addedNodes.length)) window.__said.push(status.textContent);
                  }).observe(document, { subtree: true, childList: true });
                })();""");
        String[] email = new String[1];
        withStream(page, () -> email[0] = signUp(page, "Annie Easley", "Centaur"));
        page.waitForLoadState();

        AtomicReference<Route> held = new AtomicReference<>();
        page.route(LIST, route -> {
            if (held.compareAndSet(null, route)) return;
            route.resume();
        });
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Refresh").setExact(true)).click();
        page.waitForCondition(() -> held.get() != null);
        int before = changes(page);
        apiSignIn(email[0]);
        page.waitForFunction("n => window.__changed > n", before);
        page.unroute(LIST);
        held.get().resume();

        assertThat(page.locator("#live-region input[name=ids]")).hasCount(1);
        page.waitForFunction("() => window.__said.some(t => t.startsWith('New sign-in: '))");
    }

    @Test
    void twoSignInsInQuickSuccessionBothShowOnAnOpenPage() {
        Page page = open(MAC_MADRID);
        countChanges(page);
        String[] email = new String[1];
        withStream(page, () -> email[0] = signUp(page, "Hedy Lamarr", "Radios"));
        listMatchesTheApi(page);

        for (int round = 0; round < 2; round++) {
            twoChangesWithinOneRefresh(page, () -> apiSignIn(email[0]), () -> apiSignIn(email[0]));
            listMatchesTheApi(page);
        }
        assertThat(page.locator("#live-region input[name=ids]")).hasCount(4);
    }

    @Test
    void aSessionEndedAndASignInRightAfterBothShowOnAnOpenPage() {
        Page page = open(MAC_MADRID);
        countChanges(page);
        String[] email = new String[1];
        withStream(page, () -> email[0] = signUp(page, "Katherine Johnson", "Orbits"));
        String phone = apiSignIn(email[0]);
        listMatchesTheApi(page);
        assertThat(page.locator("#live-region input[name=ids]")).hasCount(1);

        twoChangesWithinOneRefresh(page, () -> apiLogOut(phone), () -> apiSignIn(email[0]));
        listMatchesTheApi(page);
        assertThat(page.locator("#live-region input[name=ids]")).hasCount(1);

        // Ended, then signed in again with nothing else between: neither change is lost either way round.
        String second = apiSignIn(email[0]);
        listMatchesTheApi(page);
        twoChangesWithinOneRefresh(page, () -> apiSignIn(email[0]), () -> apiLogOut(second));
        listMatchesTheApi(page);
        assertThat(page.locator("#live-region input[name=ids]")).hasCount(2);
    }

    @Test
    void theRefreshButtonRefreshesTheListInPlaceAsTheMembersOwnRequest() {
        Page page = open(MAC_MADRID);
        page.route(EVENTS, Route::abort);
        String email = signUp(page, "Mary Jackson", "Wind tunnels");
        String url = page.url();
        List<Map<String, String>> asked = new CopyOnWriteArrayList<>();
        page.onRequest(request -> {
            if (LIST.matcher(request.url()).find()) asked.add(request.headers());
        });
        apiSignIn(email);
        assertThat(page.locator("#live-region input[name=ids]")).hasCount(0);
        // The page's scripts are deferred: a click before they ran is the link's own navigation, as without scripts
        // (the full suite once clicked that early).
        page.waitForLoadState();

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Refresh").setExact(true)).click();

        assertThat(page.locator("#live-region input[name=ids]")).hasCount(1);
        listMatchesTheApi(page);
        assertThat(page.url()).as("refreshed in place").isEqualTo(url);
        assertThat(asked).hasSize(1);
        assertThat(asked.get(0)).containsKey("hx-request").doesNotContainKey("x-lanyard-background");
    }

    /**
     * The list is not read out whole at each change (outside a11y review AK: a 7,000-character live region): a small
     * status says what changed, and focus on a control of a session that ended moves to the next session's.
     */
    @Test
    void aRefreshedListSaysWhatChangedAndFocusMovesOnFromASessionThatEnded() {
        Page page = open(MAC_MADRID);
        String[] email = new String[1];
        withStream(page, () -> email[0] = signUp(page, "Dorothy Vaughan", "Fortran"));
        assertThat(page.locator("#live-region")).not().hasAttribute("aria-live", Pattern.compile(".*"));
        Locator said = page.locator("#live-changes[role=status]");

        String first = apiSignIn(email[0]);
        assertThat(page.locator("#live-region input[name=ids]")).hasCount(1);
        assertThat(said).hasText(Pattern.compile("^New sign-in: Safari [0-9.]+ on iPhone, London, .+\\.$"));
        apiSignIn(email[0]);
        assertThat(page.locator("#live-region input[name=ids]")).hasCount(2);

        page.locator("#live-region input[name=ids][value=\"" + apiSessionId(first) + "\"]").focus();
        apiLogOut(first);
        assertThat(page.locator("#live-region input[name=ids]")).hasCount(1);
        assertThat(said).hasText(Pattern.compile("^A session was signed out: Safari [0-9.]+ on iPhone, London, .+\\.$"));
        assertThat(page.locator("#live-region input[name=ids]")).isFocused();
    }
}
