package dev.lanyard.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
 * An outside review: a stranger's team made 30 push streams at a receiver that accepts connections and never answers,
 * and another team's SET waited 23 minutes behind them, one push timeout each. Teams take turns in a claim and a batch's
 * receivers are sent to at the same time, so the other team's SET goes in the first batch, long before the sequential
 * drain could have reached it. A short push timeout keeps the test quick; nothing here depends on it beyond that.
 */
@LanyardSpringTest
@TestPropertySource(properties = "lanyard.signals.push-timeout=1s")
class SignalsFairAcrossTeamsTest {
    private static final int STREAMS_PER_APP = 10;
    private static final int APPS = 3;

    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    SignalDelivery delivery;

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
    void stop() throws IOException {
        healthy.close();
        tarpit.close();
    }

    @Test
    void aTeamWhoseStreamsPointAtAReceiverThatNeverAnswersCannotHoldAnotherTeamsSet() throws Exception {
        Member attacker = api.signUp("tarpit-admin");
        List<String[]> attackerStreams = new ArrayList<>();
        for (int app = 0; app < APPS; app++) {
            String token = receivers.token(receivers.app(attacker, "Tarpit " + app));
            for (int s = 0; s < STREAMS_PER_APP; s++) {
                attackerStreams.add(new String[] {token, receivers.pushStream(token, tarpit.url("/ssf"))});
            }
        }
        Member victim = api.signUp("victim-admin");
        String victimToken = receivers.token(receivers.app(victim, "Victim"));
        String victimStream = receivers.pushStream(victimToken, healthy.url("/ssf"));
        healthy.drained();
        int connectionsBefore;

        // Holding the drain while both teams' SETs are made: the victim's is the newest of them all when delivery starts.
        synchronized (delivery) {
            for (String[] stream : attackerStreams) receivers.verify(stream[0], stream[1], "tarpit");
            receivers.verify(victimToken, victimStream, "victim");
            connectionsBefore = tarpit.connections();
        }

        TestReceiver.Arrival arrival = null;
        for (long until = System.nanoTime() + Duration.ofMinutes(2).toNanos(); arrival == null && System.nanoTime() < until; ) {
            TestReceiver.Arrival next = healthy.next(Duration.ofSeconds(5));
            if (next != null && SignedJWT.parse(next.body()).getJWTClaimsSet().toJSONObject().toString().contains("victim")) arrival = next;
        }
        int connectionsAtArrival = tarpit.connections();
        assertThat(arrival).as("the victim's SET was delivered").isNotNull();
        assertThat(connectionsAtArrival - connectionsBefore)
                .as("the victim's SET arrived before the tarpit's %d streams were all tried, as one after another they had to be",
                        attackerStreams.size())
                .isLessThan(attackerStreams.size());
    }
}
