package dev.lanyard.session;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.device.Device;
import dev.lanyard.device.DeviceType;
import dev.lanyard.geo.GeoLocation;
import dev.lanyard.keys.ApiKeys;
import dev.lanyard.session.LiveSessionsStreamTest.Event;
import dev.lanyard.session.LiveSessionsStreamTest.EventStream;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The caps on open pages' live streams (docs/decisions/0056-live-streams-capped.md) over real connections.
 * The node here holds at most 24 streams; heartbeats come only when a test calls for one, and waits for the
 * container to release a stream are bounded (a few hundred milliseconds at most).
 */
@LanyardSpringTest
@TestPropertySource(properties = {"lanyard.live.max-streams=24", "lanyard.live.heartbeat=1h", "lanyard.live.timeout=1000h"})
class LiveStreamLimitsTest {
    private static final String EVENTS = "/settings/sessions/events";
    private static final Event READY = new Event("ready", "ok");
    /** The test's own clients connect from here, so a stream's check is no address change. */
    private static final ClientOrigin HERE = new ClientOrigin(new Device("Firefox", "133", "Ubuntu", "", DeviceType.DESKTOP, ""),
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64) Firefox/133.0", "127.0.0.1", GeoLocation.local());

    @LocalServerPort
    int port;
    @Autowired
    Sessions sessions;
    @Autowired
    Accounts accounts;
    @Autowired
    ApiKeys apiKeys;
    @Autowired
    LiveStreams live;
    @Autowired
    LiveSettings settings;
    @Autowired
    JsonMapper json;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final List<EventStream> streams = new ArrayList<>();
    private final List<RawStream> raw = new ArrayList<>();

    /** Streams closed by the tests before are released by heartbeats: each test starts with none. */
    @BeforeEach
    void noStreamsHeld() throws InterruptedException {
        assertThat(eventually(live::heartbeat, () -> live.held() == 0)).as("streams still held: %s", live.held()).isTrue();
    }

    @AfterEach
    void closeStreams() {
        streams.forEach(EventStream::close);
        raw.forEach(RawStream::close);
    }

    private Account someone() {
        return accounts.signUp(TestAccounts.newcomer("live"));
    }

    private Sessions.Started signIn(Account account) {
        return sessions.start(new NewSession(account.id(), HERE, AppType.WEB, false));
    }

    private HttpRequest.Builder eventsWith(String token) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + EVENTS))
                .header("Cookie", ApiClient.COOKIE + "=" + token).header("Accept", "text/event-stream");
    }

    /** A page's stream whose {@code ready} has been read: the server has admitted and counted it. */
    private EventStream open(Sessions.Started session) throws Exception {
        return open(eventsWith(session.token()));
    }

    private EventStream open(HttpRequest.Builder request) throws Exception {
        HttpResponse<InputStream> response = http.sendAsync(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream())
                .get(10, TimeUnit.SECONDS);
        EventStream stream = new EventStream(response);
        streams.add(stream);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(stream.nextBesidesChanged()).isEqualTo(READY);
        return stream;
    }

    private RawStream openRaw(Sessions.Started session) throws IOException {
        RawStream stream = new RawStream(port, session.token());
        raw.add(stream);
        assertThat(stream.status).contains(" 200");
        assertThat(stream.until(line -> line.equals("event:ready"))).isNotNull();
        return stream;
    }

    private HttpResponse<String> get(String token) throws Exception {
        return http.sendAsync(eventsWith(token).GET().build(), HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS);
    }

    /** Repeats {@code step} until {@code done}, at most 40 times 25 ms apart. */
    private static boolean eventually(Runnable step, BooleanSupplier done) throws InterruptedException {
        for (int i = 0; i < 40; i++) {
            step.run();
            if (done.getAsBoolean()) return true;
            Thread.sleep(25);
        }
        return done.getAsBoolean();
    }

    @Test
    void aFourthPageOfOneSessionClosesTheOldestWhichIsToldToStop() throws Exception {
        Account alice = someone();
        Sessions.Started laptop = signIn(alice);
        RawStream first = openRaw(laptop);
        EventStream second = open(laptop);
        EventStream third = open(laptop);

        EventStream fourth = open(laptop);

        assertThat(first.until(line -> line.startsWith("retry:"))).isEqualTo("retry:" + settings.backoff().toMillis());
        assertThat(first.until(line -> line.startsWith("event:"))).isEqualTo("event:" + LiveStreams.REPLACED);
        JsonNode why = json.readTree(first.until(line -> line.startsWith("data:")).substring("data:".length()));
        assertThat(why.path("reason").asString()).isEqualTo("session");
        assertThat(why.path("message").asString()).isEqualTo("Live updates stopped in this tab because this session has more tabs open.");
        assertThat(first.until(line -> false)).as("then the oldest stream closes").isNull();
        assertThat(live.listening(laptop.session().id())).isEqualTo(settings.perSession());
        // The three newest still hear the account's changes.
        signIn(alice);
        for (EventStream tab : List.of(second, third, fourth)) assertThat(tab.next()).isEqualTo(new Event("changed", "sessions"));
    }

    /**
     * A tab's next page closes that tab's earlier stream at once, whatever the caps (outside review: pages left within a
     * heartbeat counted as open, and a fourth page replaced a tab still open in another window, which stopped for good).
     */
    @Test
    void aTabsNextPageClosesThatTabsEarlierStreamAndNoOther() throws Exception {
        Account alice = someone();
        Sessions.Started laptop = signIn(alice);
        EventStream otherTab = open(laptop);
        EventStream elsewhere = open(laptop);
        HttpResponse<InputStream> earlier = http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + EVENTS + "?tab=0a1b2c3d4e5f6789"))
                .header("Cookie", ApiClient.COOKIE + "=" + laptop.token()).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream()).get(10, TimeUnit.SECONDS);
        EventStream earlierPage = new EventStream(earlier);
        streams.add(earlierPage);
        assertThat(earlierPage.nextBesidesChanged()).isEqualTo(READY);

        for (int page = 0; page < 3; page++) {
            HttpResponse<InputStream> next = http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + EVENTS + "?tab=0a1b2c3d4e5f6789"))
                    .header("Cookie", ApiClient.COOKIE + "=" + laptop.token()).header("Accept", "text/event-stream").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream()).get(10, TimeUnit.SECONDS);
            EventStream stream = new EventStream(next);
            streams.add(stream);
            assertThat(stream.nextBesidesChanged()).isEqualTo(READY);
        }

        Event replaced = earlierPage.nextBesidesChanged();
        assertThat(replaced.name()).isEqualTo(LiveStreams.REPLACED);
        assertThat(json.readTree(replaced.data()).path("reason").asString()).isEqualTo("tab");
        assertThat(live.listening(laptop.session().id())).as("the two other tabs and this tab's newest page").isEqualTo(3);
        signIn(alice);
        for (EventStream tab : List.of(otherTab, elsewhere)) assertThat(tab.next()).isEqualTo(new Event("changed", "sessions"));
    }

    @Test
    void theTwentyFirstPageOfAnAccountClosesTheAccountsOldest() throws Exception {
        Account alice = someone();
        List<EventStream> opened = new ArrayList<>();
        for (int s = 0; s < 7; s++) {
            Sessions.Started session = signIn(alice);
            for (int tab = 0; tab < 3; tab++) opened.add(open(session));
        }

        Event replaced = opened.get(0).nextBesidesChanged();
        assertThat(replaced.name()).isEqualTo(LiveStreams.REPLACED);
        assertThat(json.readTree(replaced.data()).path("reason").asString()).isEqualTo("account");
        assertThat(opened.get(0).nextBesidesChanged()).as("the oldest stream closes").isNull();
        assertThat(live.listening(alice.id())).isEqualTo(settings.perAccount());
    }

    @Test
    void pastTheCeilingANewPageIsRefusedWith503AndRetryAfterButAPageReplacingItsOwnIsNot() throws Exception {
        Sessions.Started last = null;
        for (int room = settings.maxStreams(); room > 0; room--) {
            if (room % 3 == 0 || last == null) last = signIn(someone());
            open(last);
        }
        assertThat(live.held()).isEqualTo(settings.maxStreams());

        HttpResponse<String> refused = get(signIn(someone()).token());

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).contains(Long.toString(settings.backoff().toSeconds()));
        assertThat(refused.body()).doesNotContain("event:");
        assertThat(live.held()).isEqualTo(settings.maxStreams());
        // A session already at its cap gets its new page a stream: the oldest of its own makes room.
        while (live.listening(last.session().id()) < settings.perSession()) open(last);
        open(last);
        assertThat(live.listening(last.session().id())).isEqualTo(settings.perSession());
    }

    @Test
    void aSendToAPageThatWentAwayCompletesTheStreamAndTheContainerReleasesIt() throws Exception {
        Account alice = someone();
        Sessions.Started laptop = signIn(alice);
        int before = live.held();
        RawStream gone = openRaw(laptop);
        assertThat(live.held()).isEqualTo(before + 1);

        gone.close();

        // Each sign-in sends "changed"; the network may take the first write after the page went away, not the next.
        assertThat(eventually(() -> signIn(alice), () -> live.held() == before)).as("released by the container").isTrue();
        assertThat(live.listening(laptop.session().id())).isZero();
    }

    @Test
    void theHeartbeatReachesOpenPagesAndReleasesStreamsWhosePageWentAway() throws Exception {
        Sessions.Started laptop = signIn(someone());
        Sessions.Started phone = signIn(someone());
        int before = live.held();
        RawStream open = openRaw(laptop);
        RawStream gone = openRaw(phone);

        gone.close();

        assertThat(eventually(live::heartbeat, () -> live.held() == before + 1)).as("released by the container").isTrue();
        assertThat(open.until(line -> line.startsWith(":"))).isEqualTo(":♥");
        assertThat(live.listening(laptop.session().id())).isEqualTo(1);
        assertThat(live.listening(phone.session().id())).isZero();
    }

    /**
     * A page of another origin on the same site (another port of localhost) sends the cookie with its EventSource: it
     * gets no stream, 403, and so closes none of the member's own tabs' (outside review: it got 200, and three of them
     * took the session's three places). Same-origin pages, which send no Origin or their own, and Sec-Fetch-Site
     * same-origin, get theirs.
     */
    @Test
    void aPageOfAnotherOriginGetsNoStreamAndClosesNoneOfTheMembersTabs() throws Exception {
        Account alice = someone();
        Sessions.Started laptop = signIn(alice);
        EventStream noOrigin = open(laptop);
        EventStream ownOrigin = open(eventsWith(laptop.token()).header("Origin", "http://127.0.0.1:" + port));
        EventStream sameOrigin = open(eventsWith(laptop.token()).header("Sec-Fetch-Site", "same-origin").header("Sec-Fetch-Mode", "cors"));

        List<HttpRequest.Builder> foreign = List.of(eventsWith(laptop.token()).header("Origin", "https://evil.example"),
                eventsWith(laptop.token()).header("Origin", "http://127.0.0.1:" + (port == 65535 ? 1 : port + 1)),
                eventsWith(laptop.token()).header("Origin", "http://localhost:" + port).header("Sec-Fetch-Site", "same-site"),
                eventsWith(laptop.token()).header("Sec-Fetch-Site", "cross-site"),
                eventsWith(laptop.token()).header("Sec-Fetch-Site", "same-site"));
        for (HttpRequest.Builder request : foreign) {
            HttpResponse<String> refused = http.sendAsync(request.GET().build(), HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).doesNotContain("event:");
        }

        assertThat(live.listening(laptop.session().id())).isEqualTo(3);
        signIn(alice);
        for (EventStream tab : List.of(noOrigin, ownOrigin, sameOrigin)) assertThat(tab.next()).isEqualTo(new Event("changed", "sessions"));
    }

    @Test
    void anApiKeyGetsNoStream() throws Exception {
        Account alice = someone();
        Sessions.Started laptop = signIn(alice);
        ApiKeys.Created key = apiKeys.create(new CurrentSession(laptop.session().id(), alice, AppType.WEB),
                new ApiKeys.NewApiKey("live", List.of("sessions:read"), Optional.empty()), TestAccounts.PASSWORD, "127.0.0.1");
        int before = live.held();

        HttpResponse<String> response = http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + EVENTS))
                .header("Authorization", "Bearer " + key.secret()).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).doesNotContain("event:");
        assertThat(live.held()).isEqualTo(before);
    }

    @Test
    void theDefaultCeilingIsATenthOfTheHeapAtMostHalfOfTomcatsConnections() {
        assertThat(LiveSettings.defaultMaxStreams(256L << 20)).as("run.sh's heap").isEqualTo(204);
        assertThat(LiveSettings.defaultMaxStreams(1L << 30)).isEqualTo(819);
        assertThat(LiveSettings.defaultMaxStreams(16L << 30)).isEqualTo(LiveSettings.MOST_STREAMS);
        assertThat(LiveSettings.defaultMaxStreams(1L << 20)).isEqualTo(1);
    }

    /** A stream read off a plain socket, as lines (chunk sizes among them), so a test can drop the connection itself. */
    static final class RawStream {
        final Socket socket;
        final BufferedReader in;
        final String status;

        RawStream(int port, String token) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + EVENTS + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: text/event-stream\r\nConnection: close\r\n"
                    + "Cookie: " + ApiClient.COOKIE + "=" + token + "\r\n\r\n").getBytes(US_ASCII));
            socket.getOutputStream().flush();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
            status = in.readLine();
            for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
                // the headers are not needed
            }
        }

        /** The next line {@code wanted} accepts; null once the server has closed the stream. */
        String until(Predicate<String> wanted) throws IOException {
            for (String line; (line = in.readLine()) != null; ) {
                if (wanted.test(line)) return line;
            }
            return null;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closed already.
            }
        }
    }
}
