package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.device.Device;
import dev.lanyard.device.DeviceType;
import dev.lanyard.geo.GeoLocation;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.LanyardSpringTest;
import dev.lanyard.web.OpenApiContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The live stream of an open sessions page (PRODUCT.md S6, E1) over a real HTTP connection, read
 * as a browser's EventSource would. Every wait is bounded (10 s) so a missing event fails the
 * test instead of hanging it; nothing waits for time to pass.
 */
@LanyardSpringTest
class LiveSessionsStreamTest {
    private static final String EVENTS = "/settings/sessions/events";
    private static final long BOUND_SECONDS = 10;
    private static final Event READY = new Event("ready", "ok");
    /** The test's own HTTP client connects from here, so the stream's check is no address change. */
    private static final ClientOrigin HERE = new ClientOrigin(new Device("Firefox", "133", "Ubuntu", "", DeviceType.DESKTOP, ""),
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64) Firefox/133.0", "127.0.0.1", GeoLocation.local());

    @LocalServerPort
    int port;
    @Autowired
    Sessions sessions;
    @Autowired
    SessionEnds ends;
    @Autowired
    Accounts accounts;
    @Autowired
    SessionLifetimes lifetimes;
    @Autowired
    ActivityRecorder activity;
    @Autowired
    SessionStore store;
    @Autowired
    MutableClock clock;
    @Autowired
    JsonMapper json;
    @Autowired
    OpenApiContract contract;
    @Autowired
    SessionBroadcast broadcast;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final List<EventStream> streams = new ArrayList<>();
    private Account alice;

    @BeforeEach
    void signUpAlice() {
        alice = accounts.signUp(TestAccounts.alice());
    }

    @AfterEach
    void closeStreams() {
        streams.forEach(EventStream::close);
    }

    private Sessions.Started signIn() {
        return sessions.start(new NewSession(alice.id(), HERE, AppType.WEB, false));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    private HttpRequest.Builder eventsWith(Sessions.Started session) {
        return request(EVENTS).header("Cookie", ApiClient.COOKIE + "=" + session.token()).header("Accept", "text/event-stream");
    }

    /** Opens the page's stream with the session's cookie; its first event has been read only when a test reads it. */
    private EventStream open(Sessions.Started session) throws Exception {
        HttpResponse<InputStream> response = http.sendAsync(eventsWith(session).GET().build(), HttpResponse.BodyHandlers.ofInputStream())
                .get(BOUND_SECONDS, TimeUnit.SECONDS);
        EventStream stream = new EventStream(response);
        streams.add(stream);
        return stream;
    }

    /** Sends a request without a body; an API exchange must be one the OpenAPI document allows. */
    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        HttpRequest built = request.build();
        HttpResponse<String> response = http.sendAsync(built, HttpResponse.BodyHandlers.ofString()).get(BOUND_SECONDS, TimeUnit.SECONDS);
        contract.check(built, null, response);
        return response;
    }

    @Test
    void streamOpensWithReady() throws Exception {
        EventStream stream = open(signIn());

        assertThat(stream.response.statusCode()).isEqualTo(200);
        assertThat(stream.response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        assertThat(stream.nextBesidesChanged()).isEqualTo(new Event("ready", "ok"));
    }

    @Test
    void anotherSessionOfTheAccountStartingIsAnnouncedAsChanged() throws Exception {
        EventStream laptop = open(signIn());
        assertThat(laptop.nextBesidesChanged()).isEqualTo(READY);

        signIn();

        assertThat(laptop.next()).isEqualTo(new Event("changed", "sessions"));
    }

    @Test
    void anotherSessionOfTheAccountEndingIsAnnouncedAsChangedWithItsId() throws Exception {
        Sessions.Started laptop = signIn();
        Sessions.Started phone = signIn();
        EventStream stream = open(laptop);
        assertThat(stream.nextBesidesChanged()).isEqualTo(READY);

        ends.revoke(phone.session().id(), new CurrentSession(laptop.session().id(), alice, AppType.WEB));

        // With the ids that ended: the page says a session was signed out only for a card of one of them.
        Event changed = stream.next();
        assertThat(changed.name()).isEqualTo("changed");
        assertThat(json.readTree(changed.data()).path(LiveSessions.ENDED).toString())
                .isEqualTo("[\"" + phone.session().id().value() + "\"]");
    }

    @Test
    void revokingThisSessionFromAnotherSignsThePageOutAndClosesTheStream() throws Exception {
        Sessions.Started laptop = signIn();
        Sessions.Started phone = signIn();
        EventStream stream = open(laptop);
        assertThat(stream.nextBesidesChanged()).isEqualTo(READY);

        HttpResponse<String> revoke = send(request("/api/v1/sessions/" + laptop.session().id().value())
                .header("Authorization", "Bearer " + phone.token()).DELETE());

        assertThat(revoke.statusCode()).as(revoke.body()).isEqualTo(204);
        Event signedOut = stream.nextBesidesChanged();
        assertThat(signedOut.name()).isEqualTo("signed-out");
        JsonNode data = json.readTree(signedOut.data());
        assertThat(data.path("reason").asString()).isEqualTo("revoked");
        assertThat(data.path("message").asString()).isEqualTo(EndReason.REVOKED.notice());
        assertThat(stream.nextBesidesChanged()).as("the stream closes").isNull();
        assertToldItEnded(send(eventsWith(laptop).GET()), EndReason.REVOKED);
    }

    /** What a page's stream asked for after its session ended answers: that it was signed out, and why, then nothing. */
    private void assertToldItEnded(HttpResponse<String> again, EndReason reason) throws Exception {
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(again.body()).startsWith("event: signed-out\ndata: ").endsWith("\n\n");
        JsonNode data = json.readTree(again.body().substring("event: signed-out\ndata: ".length()).strip());
        assertThat(data.path("reason").asString()).isEqualTo(reason.code());
        assertThat(data.path("message").asString()).isEqualTo(reason.notice());
    }

    /**
     * A member held by the team's second-factor rule sits on the enrolment page; when their session is ended elsewhere
     * (here by a sign-in alert's "This wasn't me" link) that page hears it, as any other page would.
     */
    @Test
    void aMemberHeldByTheTeamsSecondFactorRuleHearsTheirSessionEnd() throws Exception {
        accounts.changePolicy(alice, accounts.policy(alice.team()).withSecondFactor(true));
        Sessions.Started laptop = signIn();
        HttpResponse<String> held = send(request("/settings/sessions").header("Cookie", ApiClient.COOKIE + "=" + laptop.token())
                .header("Accept", "text/html").GET());
        assertThat(held.statusCode()).as("held: the sessions page is still closed").isEqualTo(302);

        EventStream stream = open(laptop);
        assertThat(stream.response.statusCode()).isEqualTo(200);
        assertThat(stream.nextBesidesChanged()).isEqualTo(READY);

        sessions.endReported(laptop.session().id(), alice.id());

        Event signedOut = stream.nextBesidesChanged();
        assertThat(signedOut.name()).isEqualTo("signed-out");
        assertThat(json.readTree(signedOut.data()).path("reason").asString()).isEqualTo("not-me");
        assertThat(stream.nextBesidesChanged()).as("the stream closes").isNull();
    }

    @Test
    void endingFromASignInAlertsLinkSignsThePageOutSayingSo() throws Exception {
        Sessions.Started laptop = signIn();
        EventStream stream = open(laptop);
        assertThat(stream.nextBesidesChanged()).isEqualTo(READY);

        sessions.endReported(laptop.session().id(), alice.id());

        Event signedOut = stream.nextBesidesChanged();
        assertThat(signedOut.name()).isEqualTo("signed-out");
        JsonNode data = json.readTree(signedOut.data());
        assertThat(data.path("reason").asString()).isEqualTo("not-me");
        assertThat(data.path("message").asString()).isEqualTo("You were signed out from the \u201cThis wasn't me\u201d link in a sign-in alert.");
        assertToldItEnded(send(eventsWith(laptop).GET()), EndReason.NOT_ME);
    }

    @Test
    void expiryFoundByTheSweepSignsThePageOut() throws Exception {
        Sessions.Started laptop = signIn();
        EventStream stream = open(laptop);
        assertThat(stream.nextBesidesChanged()).isEqualTo(READY);
        clock.advance(accounts.policy(alice.team()).lifetime(false));

        lifetimes.sweep();

        Event signedOut = stream.nextBesidesChanged();
        assertThat(signedOut.name()).isEqualTo("signed-out");
        assertThat(json.readTree(signedOut.data()).path("reason").asString()).isEqualTo("lifetime-expired");
        assertThat(stream.nextBesidesChanged()).as("the stream closes").isNull();
    }

    /**
     * A listener that fails (a page's stream the container is closing as the session ends) neither turns
     * the committed sign-out into an error for whoever asked for it nor keeps the listeners after it from hearing.
     */
    @Test
    void aFailingListenerFailsNeitherTheRevocationNorTheOtherListeners() throws Exception {
        Sessions.Started laptop = signIn();
        Sessions.Started phone = signIn();
        EventStream stream = open(laptop);
        assertThat(stream.nextBesidesChanged()).isEqualTo(READY);
        List<SessionId> heardAfter = new java.util.concurrent.CopyOnWriteArrayList<>();
        SessionBroadcast.Listener failing = new SessionBroadcast.Listener() {
            @Override
            public void ended(List<SessionId> ids, boolean local) {
                throw new IllegalStateException("the stream is closing");
            }

            @Override
            public void started(dev.lanyard.account.AccountId account) {
                throw new IllegalStateException("the stream is closing");
            }
        };
        SessionBroadcast.Listener after = new SessionBroadcast.Listener() {
            @Override
            public void ended(List<SessionId> ids, boolean local) {
                heardAfter.addAll(ids);
            }

            @Override
            public void started(dev.lanyard.account.AccountId account) {
            }
        };
        broadcast.register(failing);
        broadcast.register(after);
        try {
            HttpResponse<String> revoke = send(request("/api/v1/sessions/" + laptop.session().id().value())
                    .header("Authorization", "Bearer " + phone.token()).DELETE());

            assertThat(revoke.statusCode()).as(revoke.body()).isEqualTo(204);
            assertThat(stream.nextBesidesChanged().name()).isEqualTo("signed-out");
            assertThat(heardAfter).containsExactly(laptop.session().id());
            assertThat(store.findAnyOwner(laptop.session().id()).orElseThrow().ending()).isPresent();
        } finally {
            broadcast.unregister(failing);
            broadcast.unregister(after);
        }
    }

    @Test
    void everyOpenPageOfTheSessionIsSignedOut() throws Exception {
        Sessions.Started laptop = signIn();
        Sessions.Started phone = signIn();
        EventStream firstTab = open(laptop);
        EventStream secondTab = open(laptop);
        assertThat(firstTab.nextBesidesChanged()).isEqualTo(READY);
        assertThat(secondTab.nextBesidesChanged()).isEqualTo(READY);

        ends.revoke(laptop.session().id(), new CurrentSession(phone.session().id(), alice, AppType.WEB));

        assertThat(firstTab.nextBesidesChanged().name()).isEqualTo("signed-out");
        assertThat(secondTab.nextBesidesChanged().name()).isEqualTo("signed-out");
        assertThat(firstTab.nextBesidesChanged()).isNull();
        assertThat(secondTab.nextBesidesChanged()).isNull();
    }

    @Test
    void openStreamDoesNotCountAsActivity() throws Exception {
        Sessions.Started laptop = signIn();
        clock.advance(Duration.ofHours(1));

        EventStream stream = open(laptop);
        assertThat(stream.nextBesidesChanged()).isEqualTo(READY);
        activity.flush();

        Session row = store.findAnyOwner(laptop.session().id()).orElseThrow();
        assertThat(row.lastActiveAt()).isEqualTo(laptop.session().createdAt());
        assertThat(row.activity().requests()).isZero();
    }

    /** The refresh an open page makes when told of a change keeps no session alive; a member's own request does. */
    @Test
    void thePagesOwnRefreshDoesNotCountAsActivity() throws Exception {
        Sessions.Started laptop = signIn();
        clock.advance(Duration.ofHours(1));

        HttpResponse<String> refreshed = send(request("/settings/sessions").header("Cookie", ApiClient.COOKIE + "=" + laptop.token())
                .header("Accept", "text/html").header("HX-Request", "true").header(SessionFilter.BACKGROUND, "1"));
        assertThat(refreshed.statusCode()).isEqualTo(200);
        activity.flush();
        Session row = store.findAnyOwner(laptop.session().id()).orElseThrow();
        assertThat(row.lastActiveAt()).isEqualTo(laptop.session().createdAt());
        assertThat(row.activity().requests()).isZero();

        send(request("/settings/sessions").header("Cookie", ApiClient.COOKIE + "=" + laptop.token())
                .header("Accept", "text/html").header("HX-Request", "true"));
        activity.flush();
        assertThat(store.findAnyOwner(laptop.session().id()).orElseThrow().lastActiveAt())
                .as("the Refresh button is the member's").isEqualTo(clock.instant());

        // Only a browser's refresh of its list may say so: a bearer token (or a key) with the header still counts.
        clock.advance(Duration.ofMinutes(5));
        send(request("/api/v1/sessions/current").header("Authorization", "Bearer " + laptop.token()).header(SessionFilter.BACKGROUND, "1"));
        activity.flush();
        assertThat(store.findAnyOwner(laptop.session().id()).orElseThrow().lastActiveAt()).isEqualTo(clock.instant());
    }

    @Test
    void signedOutVisitorGetsNoStream() throws Exception {
        HttpResponse<String> response = send(request(EVENTS).header("Accept", "text/event-stream").GET());

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
        assertThat(response.headers().firstValue("Content-Type").orElse("")).doesNotStartWith("text/event-stream");
        assertThat(response.body()).doesNotContain("event:");
    }

    /** Opens the page's stream naming when the page read its list ({@code since}, as live.js sends it). */
    private EventStream openListedAt(Sessions.Started session, String since) throws Exception {
        HttpResponse<InputStream> response = http.sendAsync(request(EVENTS + "?since=" + since).header("Cookie", ApiClient.COOKIE + "=" + session.token())
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream()).get(BOUND_SECONDS, TimeUnit.SECONDS);
        EventStream stream = new EventStream(response);
        streams.add(stream);
        return stream;
    }

    /** Decision 82: a phone signed in after the page read its list and before its stream opened. */
    @Test
    void aStreamNamingAListReadBeforeAChangeHearsChangedAsItOpens() throws Exception {
        Sessions.Started laptop = signIn();
        long listedAt = clock.millis();
        signIn();

        EventStream stream = openListedAt(laptop, Long.toString(listedAt));

        assertThat(List.of(stream.next(), stream.next())).containsExactlyInAnyOrder(READY, new Event("changed", "sessions"));
    }

    /** A time that is none is taken as long ago: the page refreshes rather than miss a change. */
    @Test
    void aStreamNamingATimeThatIsNoneHearsChanged() throws Exception {
        Sessions.Started laptop = signIn();

        for (String since : List.of("yesterday", "１２３", "9999999999999999999")) {
            EventStream stream = openListedAt(laptop, since);
            assertThat(List.of(stream.next(), stream.next())).as(since).containsExactlyInAnyOrder(READY, new Event("changed", "sessions"));
            stream.close();
        }
    }

    /**
     * A page whose stream opens (or reopens) after its session ended is told so, and why, instead of a redirect to the
     * sign-in page, which EventSource cannot follow: the page never learned it was signed out (a browser test caught it,
     * the session denied before the page's stream had opened). No stream follows.
     */
    @Test
    void anEndedSessionsStreamIsToldItEndedAndWhy() throws Exception {
        Sessions.Started laptop = signIn();
        sessions.logout(new CurrentSession(laptop.session().id(), alice, AppType.WEB));

        assertToldItEnded(send(eventsWith(laptop).GET()), EndReason.SIGNED_OUT);
    }

    @Test
    void htmxRequestWithoutASessionIsToldWhereToSignIn() throws Exception {
        HttpResponse<String> response = send(request(EVENTS).header("Accept", "text/event-stream").header("HX-Request", "true").GET());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("HX-Redirect")).contains("/login");
    }

    /** One Server-Sent Event; {@code data} is its data lines joined by newlines. */
    record Event(String name, String data) {
    }

    /** Reads events off an open response, one at a time, each read bounded by {@link #BOUND_SECONDS}. */
    static final class EventStream {
        final HttpResponse<InputStream> response;
        private final BufferedReader reader;
        private final ExecutorService reading = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "sse-test-reader");
            thread.setDaemon(true);
            return thread;
        });

        EventStream(HttpResponse<InputStream> response) {
            this.response = response;
            this.reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        }

        /**
         * The next event that is not a list refresh. On PostgreSQL a node also hears its own starts and endings
         * back by NOTIFY, a moment later, so an extra {@code changed} may arrive at any time, even before
         * {@code ready}; a page just refreshes its list once more.
         */
        Event nextBesidesChanged() throws Exception {
            Event event;
            do {
                event = next();
            } while (event != null && event.name().equals("changed"));
            return event;
        }

        /** The next event, skipping comments (heartbeats); null once the server has closed the stream. */
        Event next() throws Exception {
            return CompletableFuture.supplyAsync(this::read, reading).get(BOUND_SECONDS, TimeUnit.SECONDS);
        }

        private Event read() {
            try {
                String name = "message";
                List<String> data = new ArrayList<>();
                boolean any = false;
                for (String line; (line = reader.readLine()) != null; ) {
                    if (line.isEmpty()) {
                        if (any) return new Event(name, String.join("\n", data));
                        continue;
                    }
                    if (line.startsWith(":")) continue;
                    any = true;
                    if (line.startsWith("event:")) name = line.substring(6).strip();
                    else if (line.startsWith("data:")) data.add(line.substring(5).strip());
                }
                return any ? new Event(name, String.join("\n", data)) : null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void close() {
            try {
                response.body().close();
            } catch (IOException ignored) {
                // Already closed by the server.
            }
            reading.shutdownNow();
        }
    }
}
