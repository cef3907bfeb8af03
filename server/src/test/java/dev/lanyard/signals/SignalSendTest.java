package dev.lanyard.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import dev.lanyard.apps.ReceiverAddresses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * One push or logout token's exchange with a receiver, against a real HTTP server: the whole answer within
 * its deadline however the receiver sends it, no more of the body than an error code needs, and which
 * refusals are worth trying again.
 */
class SignalSendTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final SignalDelivery delivery = new SignalDelivery(null, null, null,
            new SignalSettings(null, null, null, null, null, TIMEOUT, null, null), new ReceiverAddresses(List.of(), "http://localhost:8080"),
            JsonMapper.builder().build(), Clock.systemUTC());
    private final AtomicReference<Answer> answer = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
    private HttpServer server;

    /** How the receiver answers: a status, a body, and whether it then trickles a byte a tenth of a second forever. */
    private record Answer(int status, String body, boolean trickle) {
    }

    @BeforeEach
    void receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.createContext("/", exchange -> {
            received.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            Answer a = answer.get();
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(a.status(), a.trickle() ? 0 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
                out.flush();
                while (a.trickle()) {
                    Thread.sleep(100);
                    out.write(' ');
                    out.flush();
                }
            } catch (IOException | InterruptedException gone) {
                // the client went away
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private SignalDelivery.Outcome send(Answer a) {
        answer.set(a);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/events"))
                .timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.ofString("set")).build();
        return delivery.send(request, 202);
    }

    @Test
    void aReceiverThatSendsItsHeadersAndTricklesItsBodyIsLeftAfterTheDeadlineAndTriedAgainLater() {
        long started = System.nanoTime();

        SignalDelivery.Outcome outcome = send(new Answer(202, "{", true));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(outcome.accepted()).isFalse();
        assertThat(outcome.retry()).isTrue();
        assertThat(outcome.error()).startsWith("No whole answer within 2 s");
    }

    @Test
    void aHugeAnswerIsReadNoFurtherThanItsStart() {
        SignalDelivery.Outcome outcome = send(new Answer(400, "{\"err\":\"invalid_key\",\"description\":\"" + "x".repeat(5_000_000) + "\"}", false));

        assertThat(outcome.error()).as("cut before the JSON ends: no code read").isEqualTo("HTTP 400");
        assertThat(outcome.retry()).isFalse();
    }

    @Test
    void anAcceptedSetIsAccepted() {
        assertThat(send(new Answer(202, "", false)).accepted()).isTrue();
    }

    @Test
    void refusalsThatMayPassAreTriedAgainAndTheOthersGivenUp() {
        assertThat(send(new Answer(400, "{\"err\":\"invalid_key\"}", false))).isEqualTo(
                new SignalDelivery.Outcome(false, true, "HTTP 400 (invalid_key)"));
        assertThat(send(new Answer(400, "{\"err\":\"authentication_failed\"}", false)).retry()).isTrue();
        assertThat(send(new Answer(400, "{\"err\":\"invalid_request\"}", false))).isEqualTo(
                new SignalDelivery.Outcome(false, false, "HTTP 400 (invalid_request)"));
        assertThat(send(new Answer(400, "{\"err\":\"invalid_audience\"}", false)).retry()).isFalse();
        for (int status : new int[] {401, 403, 404, 408, 429, 500, 503}) {
            assertThat(send(new Answer(status, "", false)).retry()).as("HTTP " + status).isTrue();
        }
        assertThat(send(new Answer(410, "", false)).retry()).isFalse();
        assertThat(send(new Answer(413, "", false)).retry()).isFalse();
    }

    @Test
    void aDeployedLanyardSendsNothingToItsOwnMachineNorToANameThatDoesNotResolve() {
        SignalDelivery deployed = new SignalDelivery(null, null, null, new SignalSettings(null, null, null, null, null, TIMEOUT, null, null),
                new ReceiverAddresses(List.of(), "https://lanyard.example.com"), JsonMapper.builder().build(), Clock.systemUTC());
        answer.set(new Answer(202, "", false));

        for (String host : new String[] {"127.0.0.1", "localhost", "[::ffff:127.0.0.1]"}) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + server.getAddress().getPort() + "/events"))
                    .POST(HttpRequest.BodyPublishers.ofString("set")).build();
            SignalDelivery.Outcome outcome = deployed.send(request, 202);
            assertThat(outcome.accepted()).as(host).isFalse();
            assertThat(outcome.retry()).as(host + ": given up").isFalse();
            assertThat(outcome.error()).as(host).startsWith("This URL reaches an address outside the public internet");
        }
        SignalDelivery.Outcome unresolved = deployed.send(HttpRequest.newBuilder(URI.create("https://receiver.invalid/events"))
                .POST(HttpRequest.BodyPublishers.ofString("set")).build(), 202);
        assertThat(unresolved).isEqualTo(new SignalDelivery.Outcome(false, true,
                "The host receiver.invalid does not resolve to a public internet address. Lanyard sends to other networks only where "
                        + "its operator lists them in lanyard.signals.private-networks."));
        assertThat(received).as("no connection made").hasValue(0);
    }
}
