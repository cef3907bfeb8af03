package dev.lanyard.starter;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stream management at start-up is idempotent: reuse, change, create — never a second stream for the same app, and
 * never another receiver's stream of the same client taken over.
 */
class SsfStreamsTest {
    final FakeLanyard lanyard = FakeLanyard.startOrFail();

    @AfterEach
    void stop() {
        lanyard.close();
    }

    SsfStreams streams(LanyardProperties.Delivery delivery) {
        return streams(delivery, null);
    }

    /** The streams of one instance of the app ({@code lanyard.signals.instance}), or of the app when {@code instance} is null. */
    SsfStreams streams(LanyardProperties.Delivery delivery, String instance) {
        LanyardProperties base = lanyard.properties();
        LanyardProperties properties = new LanyardProperties(base.url(), base.clientId(), base.clientSecret(), null, null, null,
                new LanyardProperties.Signals(delivery, null, null, null, null, null, 0, 0, null, instance));
        LanyardEndpoints endpoints = new LanyardEndpoints(properties);
        return new SsfStreams(endpoints, new ClientCredentials(endpoints, properties, Clock.systemUTC()), properties);
    }

    /** A refused client secret is said so, naming the properties to check, not blamed on Shared Signals being off. */
    @Test
    void aWrongClientSecretIsSaidSo() {
        LanyardProperties base = lanyard.properties();
        LanyardProperties wrong = new LanyardProperties(base.url(), base.clientId(), "not-the-secret", null, null, null, null);
        ClientCredentials credentials = new ClientCredentials(new LanyardEndpoints(wrong), wrong, Clock.systemUTC());

        org.assertj.core.api.Assertions.assertThatThrownBy(credentials::token)
                .isInstanceOf(LanyardEndpoints.LanyardUnavailable.class)
                .hasMessageContaining("(401)").hasMessageContaining("lanyard.client-secret").hasMessageNotContaining("Shared Signals");
    }

    @Test
    void streamIsCreatedOnceAndReusedOnEveryStart() {
        URI push = URI.create("http://127.0.0.1:1/lanyard/ssf/events");
        SsfStreams.Stream first = streams(LanyardProperties.Delivery.PUSH).ensure(push);
        SsfStreams.Stream again = streams(LanyardProperties.Delivery.PUSH).ensure(push);

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(lanyard.streams).hasSize(1);
        assertThat(first.audiences()).containsExactly(FakeLanyard.CLIENT_ID);
    }

    /** Lanyard never shows the push Authorization header back: each start sets it again, so a rotated client secret takes effect. */
    @Test
    @SuppressWarnings("unchecked")
    void aPushStreamsAuthorizationIsSetAgainAtEveryStart() {
        URI push = URI.create("http://127.0.0.1:1/lanyard/ssf/events");
        streams(LanyardProperties.Delivery.PUSH).ensure(push);
        ((Map<String, Object>) lanyard.streams.get(0).get("delivery")).put("authorization_header", "Bearer made-with-the-old-secret");

        streams(LanyardProperties.Delivery.PUSH).ensure(push);

        assertThat(lanyard.streams).hasSize(1);
        assertThat((Map<String, Object>) lanyard.streams.get(0).get("delivery"))
                .containsEntry("authorization_header", SsfStreams.pushAuthorization(lanyard.properties()));
        assertThat(lanyard.streamRequests).containsSubsequence("POST", "GET", "PATCH");
    }

    @Test
    @SuppressWarnings("unchecked")
    void streamWithAnotherDeliveryIsChangedNotDuplicated() {
        SsfStreams.Stream pushed = streams(LanyardProperties.Delivery.PUSH).ensure(URI.create("http://127.0.0.1:1/lanyard/ssf/events"));
        SsfStreams.Stream moved = streams(LanyardProperties.Delivery.PUSH).ensure(URI.create("http://127.0.0.1:2/lanyard/ssf/events"));
        SsfStreams.Stream polled = streams(LanyardProperties.Delivery.POLL).ensure(null);

        assertThat(lanyard.streams).hasSize(1);
        assertThat(moved.id()).isEqualTo(pushed.id());
        assertThat(polled.id()).isEqualTo(pushed.id());
        assertThat(polled.pollEndpoint()).contains(URI.create(lanyard.issuer + "/ssf/poll"));
        assertThat((Map<String, Object>) lanyard.streams.get(0).get("delivery")).containsEntry("method", SsfStreams.POLL);
        assertThat(lanyard.streamRequests).containsSubsequence("POST", "PATCH", "PATCH");
    }

    /** A SIEM that polls or takes pushes with the app's client keeps its streams: the app makes one of its own. */
    @Test
    @SuppressWarnings("unchecked")
    void anotherReceiversStreamsOfTheSameClientAreLeftAlone() {
        Map<String, Object> siemPush = lanyard.otherReceiversStream(SsfStreams.PUSH, "https://siem.example/ssf");
        Map<String, Object> siemPoll = lanyard.otherReceiversStream(SsfStreams.POLL, lanyard.issuer + "/ssf/poll");
        Map<String, Object> pushedBefore = Map.copyOf((Map<String, Object>) siemPush.get("delivery"));
        Map<String, Object> polledBefore = Map.copyOf((Map<String, Object>) siemPoll.get("delivery"));

        SsfStreams.Stream pushed = streams(LanyardProperties.Delivery.PUSH).ensure(URI.create("http://127.0.0.1:1/lanyard/ssf/events"));
        SsfStreams.Stream again = streams(LanyardProperties.Delivery.PUSH).ensure(URI.create("http://127.0.0.1:1/lanyard/ssf/events"));
        SsfStreams.Stream polled = streams(LanyardProperties.Delivery.POLL).ensure(null);

        assertThat(pushed.id()).isNotIn(siemPush.get("stream_id"), siemPoll.get("stream_id"));
        assertThat(pushed.created()).isTrue();
        assertThat(again.id()).isEqualTo(pushed.id());
        assertThat(again.created()).isFalse();
        assertThat(polled.id()).as("the app's own stream changed to poll, not the SIEM's poll stream taken").isEqualTo(pushed.id());
        assertThat(lanyard.streams).hasSize(3);
        assertThat((Map<String, Object>) siemPush.get("delivery")).isEqualTo(pushedBefore);
        assertThat((Map<String, Object>) siemPoll.get("delivery")).isEqualTo(polledBefore);
        assertThat(lanyard.streams.stream().filter(st -> st.get("stream_id").equals(pushed.id())).findFirst().orElseThrow())
                .containsEntry("description", SsfStreams.description(lanyard.properties()));
    }

    /**
     * An app of several instances: each polls a stream of its own, so each gets every SET (on one stream, each poll took
     * the other's, and each instance heard only part of the endings), and finds it again at its next start.
     */
    @Test
    void eachInstanceOfAnAppPollsAStreamOfItsOwn() {
        SsfStreams.Stream a = streams(LanyardProperties.Delivery.POLL, "app-0").ensure(null);
        SsfStreams.Stream b = streams(LanyardProperties.Delivery.POLL, "app-1").ensure(null);
        SsfStreams.Stream aAgain = streams(LanyardProperties.Delivery.POLL, "app-0").ensure(null);

        assertThat(lanyard.streams).hasSize(2);
        assertThat(b.id()).isNotEqualTo(a.id());
        assertThat(aAgain.id()).isEqualTo(a.id());
        assertThat(aAgain.created()).isFalse();
        assertThat(lanyard.streams).extracting(st -> st.get("description")).containsExactlyInAnyOrder(
                "lanyard-spring-boot-starter (" + FakeLanyard.CLIENT_ID + ", instance app-0)",
                "lanyard-spring-boot-starter (" + FakeLanyard.CLIENT_ID + ", instance app-1)");
    }

    /** Pushing, an instance takes no other instance's stream: neither one to its own address nor one it would move there. */
    @Test
    @SuppressWarnings("unchecked")
    void anInstanceTakesNoOtherInstancesPushStream() {
        URI first = URI.create("http://10.0.0.1:8081/lanyard/ssf/events");
        URI second = URI.create("http://10.0.0.2:8081/lanyard/ssf/events");
        SsfStreams.Stream a = streams(LanyardProperties.Delivery.PUSH, "app-0").ensure(first);
        SsfStreams.Stream b = streams(LanyardProperties.Delivery.PUSH, "app-1").ensure(second);
        SsfStreams.Stream bSameAddress = streams(LanyardProperties.Delivery.PUSH, "app-2").ensure(first);

        assertThat(lanyard.streams).hasSize(3);
        assertThat(java.util.Set.of(a.id(), b.id(), bSameAddress.id())).hasSize(3);
        assertThat((Map<String, Object>) lanyard.streams.stream().filter(st -> st.get("stream_id").equals(a.id())).findFirst().orElseThrow()
                .get("delivery")).containsEntry("endpoint_url", first.toString());
    }

    /** A push stream to this app's own endpoint is the app's, whatever its description. */
    @Test
    void aPushStreamToTheAppsOwnEndpointIsTakenAsTheApps() {
        Map<String, Object> mine = lanyard.otherReceiversStream(SsfStreams.PUSH, "http://127.0.0.1:1/lanyard/ssf/events");

        SsfStreams.Stream stream = streams(LanyardProperties.Delivery.PUSH).ensure(URI.create("http://127.0.0.1:1/lanyard/ssf/events"));

        assertThat(stream.id()).isEqualTo(mine.get("stream_id"));
        assertThat(lanyard.streams).hasSize(1);
    }

    /** Lanyard refuses another stream for the client: the app says so and takes none over. */
    @Test
    @SuppressWarnings("unchecked")
    void whenLanyardRefusesAnotherStreamNoneIsTakenOver() {
        lanyard.maxStreams = 1;
        Map<String, Object> siem = lanyard.otherReceiversStream(SsfStreams.PUSH, "https://siem.example/ssf");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> streams(LanyardProperties.Delivery.PUSH)
                        .ensure(URI.create("http://127.0.0.1:1/lanyard/ssf/events")))
                .isInstanceOf(LanyardEndpoints.LanyardUnavailable.class)
                .hasMessageContaining("409").hasMessageContaining("does not take over").hasMessageContaining("client of their own");
        assertThat(lanyard.streams).hasSize(1);
        assertThat((Map<String, Object>) siem.get("delivery")).containsEntry("endpoint_url", "https://siem.example/ssf")
                .containsEntry("authorization_header", "Bearer the-siem-s-own");
        assertThat(lanyard.streamRequests).doesNotContain("PATCH");
    }

    /** Lanyard answers a stream_id with the stream itself (SSF 1.0); older Lanyards with an array of it. */
    @Test
    void aStreamIsFoundByItsIdWhetherLanyardAnswersAnObjectOrAnArray() {
        SsfStreams streams = streams(LanyardProperties.Delivery.POLL);
        String id = streams.ensure(null).id();

        assertThat(streams.exists(id)).isTrue();
        assertThat(streams.exists("another")).isFalse();
        lanyard.oneStreamInAnArray = true;
        assertThat(streams.exists(id)).isTrue();
        assertThat(streams.exists("another")).isFalse();
    }

    @Test
    void aPushToThisMachinesLoopbackFromLanyardElsewhereIsWarnedOf() {
        URI loopback = URI.create("http://127.0.0.1:8081/lanyard/ssf/events");
        LanyardProperties remote = new LanyardProperties(URI.create("https://lanyard.example.com"), "app", "secret", null, null, null,
                new LanyardProperties.Signals(LanyardProperties.Delivery.PUSH, null, null, null, null, null, 0, 0, null, null));
        LanyardProperties beside = new LanyardProperties(URI.create("http://127.0.0.1:8080"), "app", "secret", null, null, null,
                new LanyardProperties.Signals(LanyardProperties.Delivery.PUSH, null, null, null, null, null, 0, 0, null, null));
        LanyardProperties polled = new LanyardProperties(URI.create("https://lanyard.example.com"), "app", "secret", null, null, null,
                new LanyardProperties.Signals(LanyardProperties.Delivery.POLL, null, null, null, null, null, 0, 0, null, null));

        assertThat(SignalsLifecycle.unreachableReceiver(remote, loopback)).hasValueSatisfying(w -> assertThat(w)
                .contains("lanyard.signals.receiver-url is not set").contains("https://lanyard.example.com"));
        assertThat(SignalsLifecycle.unreachableReceiver(beside, loopback)).isEmpty();
        assertThat(SignalsLifecycle.unreachableReceiver(polled, loopback)).isEmpty();
    }

    @Test
    void pushAuthorizationIsTheSameOnEveryNodeAndRestartAndNeedsTheSecret() {
        LanyardProperties properties = lanyard.properties();
        LanyardProperties otherSecret = new LanyardProperties(properties.url(), properties.clientId(), "another-secret", null, null, null, null);

        assertThat(SsfStreams.pushAuthorization(properties)).isEqualTo(SsfStreams.pushAuthorization(lanyard.properties()))
                .startsWith("Bearer ").doesNotContain(FakeLanyard.CLIENT_SECRET)
                .isNotEqualTo(SsfStreams.pushAuthorization(otherSecret));
    }

    /**
     * The app's stream deleted at Lanyard, and another of its own there instead (made again by hand, pushing to the app):
     * adopting that one is a change of stream as creating one is, and endings of the time between were sent over neither.
     */
    @Test
    void adoptingAnotherStreamAfterTheAppsOwnIsGoneIsAGap() {
        URI push = URI.create("http://127.0.0.1:1/lanyard/ssf/events");
        SsfStreams streams = streams(LanyardProperties.Delivery.PUSH);
        SsfStreams.Stream first = streams.ensure(push);
        SsfStreams.Stream same = streams.ensure(push);
        lanyard.streams.clear();
        Map<String, Object> byHand = lanyard.otherReceiversStream(SsfStreams.PUSH, push.toString());

        SsfStreams.Stream adopted = streams.ensure(push);

        assertThat(first.gap()).isTrue();
        assertThat(same.gap()).as("the same stream again").isFalse();
        assertThat(adopted.id()).isEqualTo(byHand.get("stream_id"));
        assertThat(adopted.created()).isFalse();
        assertThat(adopted.replaced()).isTrue();
        assertThat(adopted.gap()).isTrue();
    }

    /**
     * Lanyard refusing the app's client-credentials grant (Shared Signals off for the app: 400) is not asked again at every
     * poll: the starter waits 1 s, doubling to 1 min, before asking again, and asks at once again after a success.
     */
    @Test
    void aRefusedClientCredentialsGrantIsAskedAgainOnlyAfterABackoff() {
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-12-06T03:00:00Z"));
        LanyardProperties properties = lanyard.properties();
        ClientCredentials credentials = new ClientCredentials(new LanyardEndpoints(properties), properties, clock);
        lanyard.refuseClientCredentials = true;

        for (int i = 0; i < 5; i++) org.assertj.core.api.Assertions.assertThatThrownBy(credentials::token)
                .isInstanceOf(LanyardEndpoints.LanyardUnavailable.class);
        assertThat(lanyard.tokenRequests).as("asked once, then refused from memory for 1 s").hasSize(1);
        clock.advance(java.time.Duration.ofMillis(1001));
        org.assertj.core.api.Assertions.assertThatThrownBy(credentials::token).isInstanceOf(LanyardEndpoints.LanyardUnavailable.class);
        clock.advance(java.time.Duration.ofMillis(1001));
        org.assertj.core.api.Assertions.assertThatThrownBy(credentials::token).isInstanceOf(LanyardEndpoints.LanyardUnavailable.class);
        assertThat(lanyard.tokenRequests).as("the second refusal doubled the wait to 2 s").hasSize(2);
        for (int i = 0; i < 10; i++) {
            clock.advance(java.time.Duration.ofMinutes(1));
            org.assertj.core.api.Assertions.assertThatThrownBy(credentials::token).isInstanceOf(LanyardEndpoints.LanyardUnavailable.class);
        }
        assertThat(lanyard.tokenRequests).as("never more than once a minute").hasSize(12);

        lanyard.refuseClientCredentials = false;
        clock.advance(java.time.Duration.ofMinutes(1));
        assertThat(credentials.token()).isEqualTo("app-token");
        credentials.forget();
        lanyard.refuseClientCredentials = true;
        org.assertj.core.api.Assertions.assertThatThrownBy(credentials::token).isInstanceOf(LanyardEndpoints.LanyardUnavailable.class);
        clock.advance(java.time.Duration.ofMillis(1001));
        org.assertj.core.api.Assertions.assertThatThrownBy(credentials::token).isInstanceOf(LanyardEndpoints.LanyardUnavailable.class);
        assertThat(lanyard.tokenRequests).as("a success starts the wait again at 1 s").hasSize(15);
    }
}
