package dev.lanyard.session;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.lanyard.Lanyard;
import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.TestPostgres;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The revocation race of issue 12, many times (bench/race.sh): two nodes on one embedded
 * PostgreSQL on loopback; node B hammered with a session's bearer token from several threads while
 * node A revokes it over HTTP. Prints, over every trial, the propagation time from A's commit to
 * the start of B's first refused request (p50/p99/max), how long A's revoke call took, and the
 * count of requests to B accepted though they started after A's revoke returned (must be 0).
 * Times are {@link System#nanoTime()} on this one JVM. Usage: RevocationRace [trials] [threads].
 */
public final class RevocationRace {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private RevocationRace() {
    }

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        TestPostgres postgres = TestPostgres.shared();
        String database = postgres.createDatabase();
        String[] shared = {
                "--spring.datasource.url=" + postgres.jdbcUrl(database),
                "--spring.datasource.username=" + postgres.user(),
                "--spring.datasource.password=" + postgres.password(),
                "--server.address=127.0.0.1", "--server.port=0", "--spring.jmx.enabled=false",
                "--logging.level.root=WARN", "--spring.main.banner-mode=off"};
        ConfigurableApplicationContext nodeA = new SpringApplicationBuilder(Lanyard.class).run(shared);
        ConfigurableApplicationContext nodeB = new SpringApplicationBuilder(Lanyard.class).run(shared);
        ExecutorService hammers = Executors.newFixedThreadPool(threads);
        try {
            String a = "http://127.0.0.1:" + nodeA.getEnvironment().getProperty("local.server.port");
            String b = "http://127.0.0.1:" + nodeB.getEnvironment().getProperty("local.server.port");
            // A's commit of each ending: the first thing after it, registered while the ending runs.
            ConcurrentHashMap<SessionId, Long> committed = new ConcurrentHashMap<>();
            nodeA.addApplicationListener(event -> {
                if (event instanceof PayloadApplicationEvent<?> p && p.getPayload() instanceof SessionsEnded ended
                        && TransactionSynchronizationManager.isSynchronizationActive()) {
                    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                        @Override
                        public void afterCommit() {
                            long at = System.nanoTime();
                            ended.sessions().forEach(s -> committed.put(s.id(), at));
                        }
                    });
                }
            });

            Account account = nodeA.getBean(Accounts.class).signUp(TestAccounts.newcomer("race"));
            Sessions onA = nodeA.getBean(Sessions.class);
            String revoker = onA.start(new NewSession(account.id(), TestSessions.madrid(), AppType.WEB, false)).token();
            System.out.printf("race: %d trials, %d threads hammering node B; starting sessions...%n", trials, threads);
            List<Sessions.Started> sessions = new ArrayList<>(trials);
            for (int i = 0; i < trials; i++) sessions.add(onA.start(new NewSession(account.id(), TestSessions.madrid(), AppType.WEB, false)));

            long[] propagation = new long[trials];
            long[] revokeCall = new long[trials];
            long acceptedAfter = 0;
            long requestsAfter = 0;
            long requests = 0;
            long started = System.nanoTime();
            for (int t = 0; t < trials; t++) {
                Sessions.Started session = sessions.get(t);
                String token = session.token();
                if (get(b, token) != 200) throw new IllegalStateException("the session is not valid on B");
                ConcurrentLinkedQueue<long[]> hits = new ConcurrentLinkedQueue<>();
                AtomicLong returned = new AtomicLong(Long.MAX_VALUE);
                List<Future<?>> running = new ArrayList<>();
                for (int h = 0; h < threads; h++) {
                    running.add(hammers.submit(() -> {
                        while (true) {
                            long s = System.nanoTime();
                            int status = get(b, token);
                            hits.add(new long[]{s, status});
                            if (status != 200 && s > returned.get()) return null;
                        }
                    }));
                }
                Thread.sleep(0, ThreadLocalRandom.current().nextInt(500_000));
                long call = System.nanoTime();
                int status = delete(a, revoker, session.session().id());
                long back = System.nanoTime();
                returned.set(back);
                if (status != 204) throw new IllegalStateException("revoke on A: " + status);
                for (Future<?> f : running) f.get(60, TimeUnit.SECONDS);
                Long commit = committed.remove(session.session().id());
                if (commit == null) throw new IllegalStateException("no commit seen on A");
                long firstRefusal = Long.MAX_VALUE;
                for (long[] hit : hits) {
                    requests++;
                    if (hit[1] != 200 && hit[1] != 401) throw new IllegalStateException("B answered " + hit[1]);
                    if (hit[1] == 401) firstRefusal = Math.min(firstRefusal, hit[0]);
                    if (hit[0] > back) {
                        requestsAfter++;
                        if (hit[1] == 200) acceptedAfter++;
                    }
                }
                propagation[t] = firstRefusal - commit;
                revokeCall[t] = back - call;
                if ((t + 1) % 1000 == 0) System.out.printf("race: %d trials...%n", t + 1);
            }
            long elapsed = System.nanoTime() - started;
            System.out.printf("race: %d trials in %.1f s, %d requests to B (%d started after A's revoke returned)%n",
                    trials, elapsed / 1e9, requests, requestsAfter);
            print("propagation, A's commit -> start of B's first refused request", propagation);
            print("A's revoke call (HTTP DELETE, until every node dropped the session)", revokeCall);
            System.out.printf("race: accepted after revoke: %d (must be 0)%n", acceptedAfter);
            System.out.printf("race: goal p99 propagation < 50 ms: %s%n", percentile(propagation, 99) < 50_000_000 ? "met" : "NOT met");
            if (acceptedAfter > 0) System.exit(1);
        } finally {
            hammers.shutdownNow();
            nodeB.close();
            nodeA.close();
        }
        System.exit(0);
    }

    private static int get(String node, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node + "/api/v1/sessions/current"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int delete(String node, String token, SessionId id) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node + "/api/v1/sessions/" + id.value()))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token).DELETE().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static long percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static void print(String what, long[] nanos) {
        long max = Arrays.stream(nanos).max().orElse(0);
        System.out.printf("race: %s: p50 %.3f ms, p99 %.3f ms, max %.3f ms%n", what,
                percentile(nanos, 50) / 1e6, percentile(nanos, 99) / 1e6, max / 1e6);
    }
}
