package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.Nodes;
import dev.lanyard.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The race other servers lose (issue 12): node B is hammered with a session's bearer token from
 * several threads while node A revokes it. No request to B that started after A's revoke call
 * returned may be accepted, whether B's listening connection is up or PostgreSQL kills it in the
 * middle (decision 0021). Times are {@link System#nanoTime()} on this one JVM; nothing is timed
 * against a limit: each trial runs until every hammering thread has seen a refusal that started
 * after the revoke returned.
 */
class RevocationRaceTest {
    private static final int TRIALS = 1_000;
    private static final int TRIALS_WITH_A_KILLED_LISTENER = 20;
    private static final int HAMMERS = 2;

    private static ConfigurableApplicationContext nodeA;
    private static ConfigurableApplicationContext nodeB;
    private static String a;
    private static String b;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static ExecutorService hammers;

    @BeforeAll
    static void startTwoNodes() {
        TestPostgres postgres = TestPostgres.shared();
        String database = postgres.createDatabase();
        String[] shared = Nodes.arguments(postgres, database);
        nodeA = Nodes.start(shared);
        nodeB = Nodes.start(shared);
        a = Nodes.url(nodeA);
        b = Nodes.url(nodeB);
        hammers = Executors.newFixedThreadPool(HAMMERS);
    }

    @AfterAll
    static void stopNodes() {
        if (hammers != null) hammers.shutdownNow();
        if (nodeB != null) nodeB.close();
        if (nodeA != null) nodeA.close();
    }

    /** One request to B: when it started and ended, and its status. */
    private record Hit(long started, long ended, int status) {
    }

    /** What one trial saw. */
    private record Trial(long revokeReturned, List<Hit> hits) {
        List<Hit> acceptedAfterRevoke() {
            return hits.stream().filter(h -> h.started() > revokeReturned && h.status() == 200).toList();
        }

        List<Hit> unexpected() {
            return hits.stream().filter(h -> h.status() != 200 && h.status() != 401).toList();
        }
    }

    private static int current(String node, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node + "/api/v1/sessions/current"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int revoke(String by, SessionId id) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(a + "/api/v1/sessions/" + id.value()))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + by).DELETE().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Sessions of one member, started on A without a password hash each; and the one that revokes them. */
    private record Member(String revoker, List<Sessions.Started> sessions) {
    }

    private static Member member(int sessions) {
        Account account = nodeA.getBean(Accounts.class).signUp(TestAccounts.newcomer("race"));
        Sessions onA = nodeA.getBean(Sessions.class);
        String revoker = onA.start(new NewSession(account.id(), TestSessions.madrid(), AppType.WEB, false)).token();
        List<Sessions.Started> started = new ArrayList<>();
        for (int i = 0; i < sessions; i++) started.add(onA.start(new NewSession(account.id(), TestSessions.madrid(), AppType.WEB, false)));
        return new Member(revoker, started);
    }

    /**
     * Hammers B with the session from {@link #HAMMERS} threads, runs {@code meanwhile} (if any) on
     * one more, revokes on A, and goes on until every thread has had a refusal that started after
     * the revoke returned.
     */
    private static Trial race(String revoker, Sessions.Started session, Runnable meanwhile) throws Exception {
        String token = session.token();
        assertThat(current(b, token)).as("valid, and cached on B").isEqualTo(200);
        ConcurrentLinkedQueue<Hit> hits = new ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicLong revokeReturned = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
        CountDownLatch hammering = new CountDownLatch(HAMMERS);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < HAMMERS; t++) {
            running.add(hammers.submit(() -> {
                hammering.countDown();
                while (true) {
                    long started = System.nanoTime();
                    int status = current(b, token);
                    hits.add(new Hit(started, System.nanoTime(), status));
                    if (status != 200 && started > revokeReturned.get()) return null;
                }
            }));
        }
        hammering.await();
        // Let the first requests land, so the revoke meets requests in flight.
        Thread.sleep(0, ThreadLocalRandom.current().nextInt(500_000));
        // Just before the revoke or while it runs, before or after its commit.
        java.util.concurrent.CompletableFuture<Void> aside = meanwhile == null ? null
                : java.util.concurrent.CompletableFuture.runAsync(meanwhile);
        int status = revoke(revoker, session.session().id());
        revokeReturned.set(System.nanoTime());
        assertThat(status).as("revoked on A").isEqualTo(204);
        for (Future<?> f : running) f.get(60, TimeUnit.SECONDS);
        if (aside != null) aside.get(60, TimeUnit.SECONDS);
        return new Trial(revokeReturned.get(), List.copyOf(hits));
    }

    private static void assertNoneAcceptedAfterRevoke(List<Trial> trials) {
        List<Hit> accepted = trials.stream().flatMap(t -> t.acceptedAfterRevoke().stream()).toList();
        long after = trials.stream().flatMap(t -> t.hits().stream().filter(h -> h.started() > t.revokeReturned())).count();
        long before = trials.stream().mapToLong(t -> t.hits().size()).sum() - after;
        assertThat(trials.stream().flatMap(t -> t.unexpected().stream()).toList()).as("only 200 or 401").isEmpty();
        assertThat(accepted).as("requests to B accepted though they started after A's revoke returned ("
                + after + " started after, " + before + " before, over " + trials.size() + " trials)").isEmpty();
    }

    @Test
    void noRequestToTheOtherNodeIsAcceptedOnceTheRevokeHasReturned() throws Exception {
        Member member = member(TRIALS);
        List<Trial> trials = new ArrayList<>();
        for (Sessions.Started session : member.sessions()) trials.add(race(member.revoker(), session, null));

        assertNoneAcceptedAfterRevoke(trials);
        assertThat(trials).hasSize(TRIALS);
    }

    @Test
    void noRequestIsAcceptedOnceTheRevokeHasReturnedEvenWhenPostgresKillsTheListener() throws Exception {
        SessionBroadcast onB = nodeB.getBean(SessionBroadcast.class);
        JdbcClient jdbc = nodeA.getBean(JdbcClient.class);
        Member member = member(TRIALS_WITH_A_KILLED_LISTENER);
        List<Trial> trials = new ArrayList<>();
        for (Sessions.Started session : member.sessions()) {
            long before = onB.state().failures();
            awaitListening(onB, before);
            // From PostgreSQL's side, as an operator or a failover would: B's listening backend goes.
            int delay = ThreadLocalRandom.current().nextInt(3_000);
            trials.add(race(member.revoker(), session, () -> {
                java.util.concurrent.locks.LockSupport.parkNanos(delay * 1_000L);
                jdbc.sql("SELECT pg_terminate_backend(backend_pid) FROM session_nodes WHERE node = :node")
                        .param("node", onB.node()).query((rs, n) -> rs.getBoolean(1)).list();
            }));
            awaitListening(onB, before + 1);
        }

        assertNoneAcceptedAfterRevoke(trials);
        assertThat(onB.state().failures()).as("B lost its listener in every trial").isGreaterThanOrEqualTo(TRIALS_WITH_A_KILLED_LISTENER);
    }

    /** Until B listens, having lost its listener at least {@code failures} times since it started. */
    private static void awaitListening(SessionBroadcast broadcast, long failures) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!broadcast.state().listening() || !broadcast.clustered() || broadcast.state().failures() < failures) {
            if (System.nanoTime() > deadline) throw new AssertionError("B never listened again");
            Thread.sleep(10);
        }
    }
}
