package dev.lanyard.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;

import java.time.Duration;

import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.json.JsonMapper;

/**
 * An outside review: while a receiver that never answers was being pushed to, the drain waited for it before it claimed
 * again, so signals made meanwhile for every other receiver waited up to three push timeouts. Receivers are sent to apart
 * from each other. The push timeout is a few seconds here, so that "well before it ends" can be told from "after it".
 */
@LanyardSpringTest
@TestPropertySource(properties = "lanyard.signals.push-timeout=5s")
class SignalsPastASlowReceiverTest {
    private static final Duration PUSH_TIMEOUT = Duration.ofSeconds(5);

    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;

    private ApiClient api;
    private PushReceivers receivers;
    private TestReceiver healthy;
    private Tarpit tarpit;

    @BeforeEach
    void receivers() throws Exception {
        api = new ApiClient(mvc, json);
        receivers = new PushReceivers(mvc, json, port);
        healthy = new TestReceiver();
        tarpit = new Tarpit();
    }

    @AfterEach
    void stop() throws Exception {
        healthy.close();
        tarpit.close();
    }

    /**
     * The tarpit's SET is being pushed when a session ends: the healthy stream's SET about it arrives well before the
     * tarpit's push timeout ends, and the tarpit's own SET about it waits for the one being pushed, not sent beside it on
     * a second connection (decision 84).
     */
    @Test
    void aReceiverThatNeverAnswersHoldsNoOtherReceiversSignalsMadeWhileItIsPushedTo() throws Exception {
        Member admin = api.signUp("slow-receiver-admin");
        String token = receivers.token(receivers.app(admin, "Two streams"));
        String slow = receivers.pushStream(token, tarpit.url("/ssf"));
        receivers.pushStream(token, healthy.url("/ssf"));
        Member phone = api.logIn(admin);
        healthy.drained();

        receivers.verify(token, slow, "being pushed");
        long tarpitFirst = tarpit.firstConnection(Duration.ofSeconds(20));
        long ended = System.nanoTime();
        assertThat(mvc.perform(delete("/api/v1/sessions/" + phone.sessionId()).cookie(admin.cookie()).with(admin.from()))
                .andReturn().getResponse().getStatus()).isEqualTo(204);

        TestReceiver.Arrival arrival = healthy.next(PUSH_TIMEOUT.multipliedBy(3));
        assertThat(arrival).as("the healthy stream's SET arrived").isNotNull();
        assertThat(SignedJWT.parse(arrival.body()).getJWTClaimsSet().getJSONObjectClaim("events")).containsKey(SecurityEvents.SESSION_REVOKED);
        assertThat(Duration.ofNanos(arrival.nanos() - tarpitFirst)).as("well within the tarpit's push timeout")
                .isLessThan(PUSH_TIMEOUT.dividedBy(2));
        assertThat(Duration.ofNanos(arrival.nanos() - ended)).isLessThan(PUSH_TIMEOUT.dividedBy(2));
        assertThat(tarpit.connections()).as("the tarpit's second SET waits for its first").isEqualTo(1);
    }
}
