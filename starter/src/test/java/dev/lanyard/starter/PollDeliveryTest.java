package dev.lanyard.starter;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.nimbusds.jwt.JWTClaimsSet;

import dev.lanyard.starter.testapp.TestApp;

/** Poll delivery (RFC 8936): the app polls Lanyard, applies what it gets, and acknowledges it. */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"lanyard.signals.delivery=poll", "lanyard.signals.poll-interval=100ms", "lanyard.signals.max-events=10"})
class PollDeliveryTest {
    static final FakeLanyard lanyard = FakeLanyard.startOrFail();

    @LocalServerPort
    int port;
    @Autowired
    EndedSessions ended;

    @DynamicPropertySource
    static void lanyard(DynamicPropertyRegistry registry) {
        registry.add("lanyard.url", () -> lanyard.issuer);
        registry.add("lanyard.client-id", () -> FakeLanyard.CLIENT_ID);
        registry.add("lanyard.client-secret", () -> FakeLanyard.CLIENT_SECRET);
    }

    @AfterAll
    static void stop() {
        lanyard.close();
    }

    /** Tests sign in a second after the latest gap (the stream created at start-up, or again): see PushDeliveryTest. */
    @org.junit.jupiter.api.BeforeEach
    void streamSetUp() throws InterruptedException {
        PushDeliveryTest.await(() -> ended.endedBefore().isPresent());
        PushDeliveryTest.awaitASecondAfter(ended.endedBefore().orElseThrow());
    }

    @Test
    @SuppressWarnings("unchecked")
    void streamIsCreatedForPollDelivery() throws Exception {
        PushDeliveryTest.await(() -> !lanyard.streams.isEmpty());

        Map<String, Object> delivery = (Map<String, Object>) lanyard.streams.get(0).get("delivery");
        assertThat(delivery).containsEntry("method", "urn:ietf:rfc:8936").containsEntry("endpoint_url", lanyard.issuer + "/ssf/poll");
    }

    /** A stream deleted in Lanyard (by an admin, say) is set up again by the polling app, which goes on receiving. */
    @Test
    void aStreamThatIsGoneIsSetUpAgain() throws Exception {
        PushDeliveryTest.await(() -> !lanyard.streams.isEmpty());
        Object before = lanyard.streams.get(0).get("stream_id");
        Instant gapBefore = ended.endedBefore().orElseThrow();

        lanyard.streams.clear();

        PushDeliveryTest.await(() -> !lanyard.streams.isEmpty() && !lanyard.streams.get(0).get("stream_id").equals(before));
        assertThat(lanyard.streams).hasSize(1);
        PushDeliveryTest.await(() -> ended.endedBefore().orElseThrow().isAfter(gapBefore));
    }

    @Test
    void polledSetsAreAppliedAndAcknowledged() throws Exception {
        List<String> sids = new ArrayList<>();
        List<String> jtis = new ArrayList<>();
        for (int i = 0; i < 25; i++) {   // more than one poll's maxEvents: moreAvailable is followed at once
            String sid = UUID.randomUUID().toString();
            JWTClaimsSet claims = lanyard.sessionRevoked(sid, "member-1").build();
            sids.add(sid);
            jtis.add(claims.getJWTID());
            lanyard.queue(claims.getJWTID(), lanyard.sign(claims, "secevent+jwt"));
        }

        PushDeliveryTest.await(() -> sids.stream().allMatch(sid -> ended.endedAt(sid).isPresent()));
        PushDeliveryTest.await(() -> lanyard.acknowledged().containsAll(jtis));

        assertThat(lanyard.pending).doesNotContainKeys(jtis.toArray(String[]::new));
        assertThat(lanyard.polls).as("long polls").anySatisfy(poll -> assertThat(poll).containsEntry("returnImmediately", false));
        assertThat(lanyard.polls).as("an acknowledgement alone is answered at once").noneSatisfy(poll -> assertThat(poll)
                .containsEntry("maxEvents", 0).containsEntry("returnImmediately", false));
        assertThat(lanyard.polls).anySatisfy(poll -> assertThat(((Number) poll.get("maxEvents")).intValue()).isEqualTo(10));
    }

    @Test
    @SuppressWarnings("unchecked")
    void refusedSetIsReportedInSetErrsAndEndsNothing() throws Exception {
        String sid = UUID.randomUUID().toString();
        JWTClaimsSet claims = lanyard.sessionRevoked(sid, "member-1").build();
        lanyard.queue(claims.getJWTID(), lanyard.sign(claims, "secevent+jwt", lanyard.otherKey));

        PushDeliveryTest.await(() -> lanyard.polls.stream().anyMatch(poll -> poll.get("setErrs") instanceof Map<?, ?> errs
                && errs.containsKey(claims.getJWTID())));

        Map<String, Object> poll = lanyard.polls.stream().filter(p -> p.get("setErrs") instanceof Map<?, ?> errs && errs.containsKey(claims.getJWTID()))
                .findFirst().orElseThrow();
        assertThat((Map<String, Object>) ((Map<String, Object>) poll.get("setErrs")).get(claims.getJWTID())).containsEntry("err", "invalid_key");
        assertThat(ended.endedAt(sid)).isEmpty();
    }

    @Test
    void personSignedInThroughLanyardIsSignedOutOfTheAppOnceThePollBringsSessionRevoked() throws Exception {
        String sid = UUID.randomUUID().toString();
        lanyard.nextSub = "member-8";
        lanyard.nextSid = sid;
        Browser browser = new Browser();
        String page = "http://127.0.0.1:" + port + "/hello";
        HttpResponse<String> signedIn = browser.follow(page);
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);

        JWTClaimsSet claims = lanyard.sessionRevoked(sid, "member-8").build();
        lanyard.queue(claims.getJWTID(), lanyard.sign(claims, "secevent+jwt"));

        PushDeliveryTest.await(() -> ended.endedAt(sid).isPresent());
        assertThat(browser.get(page).statusCode()).isEqualTo(401);
        assertThat(browser.get(page).statusCode()).isEqualTo(302);
    }

    /**
     * Long polling (RFC 8936): a SET queued at Lanyard reaches the app as soon as Lanyard answers the waiting poll, not at
     * the next poll-interval. The time from queueing to the ending being known is printed.
     */
    @Test
    void aQueuedSetReachesTheAppWithinAFractionOfASecond() throws Exception {
        PushDeliveryTest.await(() -> !lanyard.streams.isEmpty());
        long[] millis = new long[10];
        for (int i = 0; i < millis.length; i++) {
            Thread.sleep(300 + 170L * i); // at various points of the poll's wait
            String sid = UUID.randomUUID().toString();
            JWTClaimsSet claims = lanyard.sessionRevoked(sid, "member-1").build();
            long start = System.nanoTime();
            lanyard.queue(claims.getJWTID(), lanyard.sign(claims, "secevent+jwt"));
            PushDeliveryTest.await(() -> ended.endedAt(sid).isPresent());
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        java.util.Arrays.sort(millis);
        System.out.println("poll delivery, queued to known (ms), sorted: " + java.util.Arrays.toString(millis));
        assertThat(millis[millis.length - 1]).isLessThan(1000);
    }

    @Test
    void thereIsNoPushEndpointWhenPolling() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/lanyard/ssf/events"))
                .header("Content-Type", "application/secevent+jwt").POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isNotEqualTo(202).isGreaterThanOrEqualTo(400);
    }
}
