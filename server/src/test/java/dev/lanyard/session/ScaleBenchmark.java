package dev.lanyard.session;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import javax.sql.DataSource;

import dev.lanyard.Lanyard;
import dev.lanyard.ops.DatabaseKind;
import dev.lanyard.ops.SqlStatementMetrics;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.testsupport.SqliteDatabase;
import dev.lanyard.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 12, "A million sessions": 100,000 members in 1,000 teams, 1,000,000 active and
 * 1,000,000 ended sessions, on PostgreSQL and SQLite, and what users and admins wait for then.
 * Not a test: its name does not match surefire's patterns, so {@code mvn test} never runs it;
 * {@code bench/scale.sh} does.
 *
 * <p>Per database it boots the whole application (a real server on a loopback port), fills the
 * tables in bulk with SQL that generates the rows inside the database ({@code generate_series} on
 * PostgreSQL, a recursive CTE on SQLite; tokens are {@code t} + the row number padded to 43
 * characters, so the benchmark can present any session's token without storing a million of
 * them), then measures over HTTP with bearer tokens: the reads (interleaved rounds, one random
 * member or team per round), the session check with a working set larger than the cache against
 * an all-cached one, the memory of the validation cache (heap histograms), RSS, and the
 * destructive operations last (force sign-out, a 10,000-session team signed out with a second
 * node on PostgreSQL, the expiry sweep of 100,000 sessions under load). SQL statements come from
 * {@link SqlStatementMetrics}. The layout of the fill:
 * <ul>
 * <li>team {@code t} holds members {@code t*M .. t*M+M-1} ({@code M} = members per team); the first is its admin;</li>
 * <li>active session {@code g < BIG} belongs to member {@code g % M} (team 0: {@code BIG} sessions over M members),
 *     active session {@code g >= BIG} to member {@code M + (g - BIG) % (MEMBERS - M)} (about 10 each);</li>
 * <li>so member {@code a}'s first session is {@code a} when {@code a < M}, else {@code BIG + a - M};</li>
 * <li>ended session {@code g} belongs to member {@code g % MEMBERS}, ended within the last 90 days.</li>
 * </ul>
 *
 * <p>Settings (system properties): {@code bench.scale} (1.0: every count above times this),
 * {@code bench.requests} (1000 per read operation), {@code bench.checkSeconds} (15 per session
 * check run), {@code bench.threads} (4 client threads for the session check), {@code bench.databases}
 * ({@code postgresql,sqlite}), {@code bench.pg.url}/{@code .user}/{@code .password} (an external
 * PostgreSQL; default the test support's embedded one), {@code bench.maxSeconds} (loops stop once
 * past it), {@code bench.out} (Markdown report), {@code bench.big} (team 0's active sessions; default
 * 10,000 × scale), {@code bench.steps} (the measurements to run; default all), {@code bench.warmupRounds}
 * (rounds of the reads before the measured ones; default 1,000).
 */
class ScaleBenchmark {
    private static final double SCALE = Double.parseDouble(System.getProperty("bench.scale", "1"));
    static final int TEAMS = scaled(1_000);
    static final int MEMBERS = scaled(100_000);
    static final int ACTIVE = scaled(1_000_000);
    static final int ENDED = scaled(1_000_000);
    /** Active sessions of team 0, the team signed out; {@code bench.big} sets it apart from the scale. */
    static final int BIG = Integer.getInteger("bench.big", scaled(10_000));
    static final int SWEEP = scaled(100_000);
    static final int CACHE = scaled(100_000);
    static final int PER_TEAM = MEMBERS / TEAMS;
    private static final int REQUESTS = Integer.getInteger("bench.requests", 1000);
    /**
     * Rounds of the reads before the measured ones ({@code bench.warmupRounds}, default 1,000: each
     * read path then has run a few thousand times, so the JIT has compiled it, as on a server that
     * has been up for a while; runs before 2026-12-02 17:40 UTC used 100).
     */
    private static final int WARMUP_ROUNDS = Integer.getInteger("bench.warmupRounds", 1000);
    private static final int CHECK_SECONDS = Integer.getInteger("bench.checkSeconds", 15);
    private static final int THREADS = Integer.getInteger("bench.threads", 4);
    /**
     * Team sign-outs of team 0 ({@code bench.teamRounds}, default 1): after each but the last, its
     * sessions are made active again in SQL (and the table vacuumed), so that the rounds after the
     * first measure a warm server on the same rows; the first is the one earlier runs reported.
     */
    private static final int TEAM_ROUNDS = Integer.getInteger("bench.teamRounds", 1);
    private static final long DEADLINE = System.nanoTime() + Duration.ofSeconds(Long.getLong("bench.maxSeconds", 3000)).toNanos();
    private static final String PASSWORD = "correct horse battery staple";
    /** Which measurements run ({@code bench.steps}, comma-separated; default all): reads, sign-ins, check, memory, force, team, sweep. */
    private static final java.util.Set<String> STEPS = java.util.Set.of(
            System.getProperty("bench.steps", "reads,sign-ins,check,memory,force,team,sweep").split(","));

    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
    private final StringBuilder report = new StringBuilder();

    private static int scaled(int n) {
        return Math.max(10, (int) Math.round(n * SCALE));
    }

    static String token(char kind, long g) {
        return kind + "%042d".formatted(g);
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Member {@code a}'s first active session (see the class comment). */
    static int firstSession(int member) {
        return member < PER_TEAM ? member : BIG + member - PER_TEAM;
    }

    static String member(int a) {
        return "acc_s_" + a;
    }

    @Test
    void measure() throws Exception {
        if (PER_TEAM < 4 || BIG + MEMBERS - PER_TEAM + SWEEP > ACTIVE) throw new IllegalStateException("scale too small: " + SCALE);
        report.append(String.format(Locale.ROOT, "Scale %.3g: %,d teams, %,d members (%d per team), %,d active sessions"
                        + " (team 0: %,d of them), %,d ended; validation cache %,d; JVM %s, max heap %d MiB; %d cores.%n%n",
                SCALE, TEAMS, MEMBERS, PER_TEAM, ACTIVE, BIG, ENDED, CACHE, System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors()));
        for (String database : System.getProperty("bench.databases", "postgresql,sqlite").split(",")) {
            if (past()) break;
            if (database.equals("postgresql")) {
                String url = System.getProperty("bench.pg.url", "");
                Map<String, Object> ds = new HashMap<>();
                if (url.isEmpty()) {
                    TestPostgres postgres = TestPostgres.shared();
                    ds.put("spring.datasource.url", postgres.jdbcUrl(postgres.createDatabase()));
                    ds.put("spring.datasource.username", postgres.user());
                    ds.put("spring.datasource.password", postgres.password());
                    database = "PostgreSQL (embedded test server: fsync off)";
                } else {
                    ds.put("spring.datasource.url", url);
                    ds.put("spring.datasource.username", System.getProperty("bench.pg.user", "postgres"));
                    ds.put("spring.datasource.password", System.getProperty("bench.pg.password", ""));
                    database = "PostgreSQL (" + System.getProperty("bench.pg.label", "external") + ")";
                }
                measure(database, ds, true);
            } else {
                measure("SQLite", Map.of("spring.datasource.url", SqliteDatabase.freshUrl()), false);
            }
        }
        System.out.println(report);
        Path out = Path.of(System.getProperty("bench.out", "bench/target/scale.md"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report.toString());
    }

    private static boolean past() {
        return System.nanoTime() > DEADLINE;
    }

    private ConfigurableApplicationContext boot(Map<String, Object> datasource) throws Exception {
        Path noGeo = Files.createTempDirectory("lanyard-bench-geo");
        Map<String, Object> properties = new HashMap<>(datasource);
        properties.putAll(Map.of(
                "server.port", "0",
                "server.address", "127.0.0.1",
                "lanyard.session.sweep-interval", "1h",
                "lanyard.session.cache-size", String.valueOf(CACHE),
                "lanyard.geo.directory", noGeo.toString(),
                "logging.level.root", "WARN",
                "logging.level.dev.lanyard", "WARN"));
        String[] arguments = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(Lanyard.class).run(arguments);
        if (context.getBean(Clock.class) instanceof MutableClock) throw new IllegalStateException("a test clock was scanned in");
        return context;
    }

    private static String base(ConfigurableApplicationContext context) {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    private void section(String title) {
        report.append("\n**").append(title).append("**\n\n");
        System.out.println("== " + title);
    }

    private void line(String format, Object... args) {
        String s = String.format(Locale.ROOT, format, args);
        report.append(s).append('\n');
        System.out.println(s);
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0];
        } catch (Exception e) {
            return "?";
        }
    }

    private void measure(String database, Map<String, Object> datasource, boolean postgres) throws Exception {
        section(database);
        long started = System.nanoTime();
        try (ConfigurableApplicationContext a = boot(datasource)) {
            String baseA = base(a);
            DataSource dataSource = a.getBean(DataSource.class);
            SqlStatementMetrics sql = a.getBean(SqlStatementMetrics.class);
            line("booted in %.1f s; load %s", (System.nanoTime() - started) / 1e9, load());

            long fillStarted = System.nanoTime();
            Fill.fill(dataSource, postgres);
            line("bulk fill: %.1f s (load %s)", (System.nanoTime() - fillStarted) / 1e9, load());
            Fill.sizes(dataSource, postgres).forEach((what, value) -> line("- %s: %s", what, value));
            if (postgres) {
                Path explain = Path.of(System.getProperty("bench.explain", "bench/target/scale-explain.txt"));
                Files.createDirectories(explain.toAbsolutePath().getParent());
                Files.writeString(explain, Fill.explain(dataSource));
                line("- EXPLAIN (ANALYZE, BUFFERS) of the main queries: %s", explain);
            }

            // ---- reads, interleaved rounds, one random member or team each round
            if (STEPS.contains("reads")) reads(baseA, sql);

            // ---- statements per sign-in
            if (STEPS.contains("sign-ins")) signIns(baseA, sql);

            // ---- the session check: working set larger than the cache against all cached
            if (STEPS.contains("check")) checkWorkingSet(a, baseA, sql);

            // ---- memory of the validation cache, RSS
            if (STEPS.contains("memory")) memory(a);

            // ---- destructive: force sign-out, team sign-out, sweep
            if (STEPS.contains("force")) forceSignOuts(baseA, sql);
            ConfigurableApplicationContext b = null;
            try {
                if (STEPS.contains("team")) {
                    if (postgres && !past()) b = boot(datasource);
                    teamSignOut(a, b, baseA, sql);
                }
            } finally {
                if (b != null) b.close();
            }
            if (STEPS.contains("sweep")) sweep(a, baseA, sql);
            line("");
            line("%s done in %.0f s (load %s)", database, (System.nanoTime() - started) / 1e9, load());
        }
    }

    /** The reads, interleaved rounds, one random member or team each round. */
    private void reads(String baseA, SqlStatementMetrics sql) throws Exception {
        line("");
        line("| operation (load %s; after %,d warm-up rounds) | requests | p50 | p99 | max | SQL reads / writes per request (second pass, cached session) |",
                load(), WARMUP_ROUNDS);
        line("|---|---:|---:|---:|---:|---:|");
        Map<String, IntFunction<HttpRequest>> reads = new LinkedHashMap<>();
        reads.put("GET /api/v1/sessions/current (the floor: HTTP + session check)",
                m -> get(baseA + "/api/v1/sessions/current", memberToken(m)));
        reads.put("GET /api/v1/sessions (a member's list + counts; goal p99 < 10 ms)",
                m -> get(baseA + "/api/v1/sessions", memberToken(m)));
        reads.put("GET /api/v1/sessions/history (a member's ended sessions)",
                m -> get(baseA + "/api/v1/sessions/history", memberToken(m)));
        reads.put("GET /api/v1/admin/sessions (team list + total; goal p99 < 50 ms)",
                m -> get(baseA + "/api/v1/admin/sessions", memberToken(adminOf(m))));
        Map<String, long[]> times = interleaved(reads, REQUESTS, WARMUP_ROUNDS);
        Map<String, double[]> perRequest = statementsPerRequest(reads, sql, 200);
        for (var e : times.entrySet()) {
            double[] st = perRequest.get(e.getKey());
            line("| %s | %d | %s | %s | %s | %.2f / %.2f |", e.getKey(), e.getValue().length, ms(e.getValue(), 50), ms(e.getValue(), 99),
                    ms(e.getValue(), 100), st[0], st[1]);
        }
    }

    /** A random member who is no team admin and is not in team 0, so nobody's destructive step touches them before. */
    private static int randomMember(int round) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int team = 1 + r.nextInt(TEAMS - 1);
        return team * PER_TEAM + 3 + r.nextInt(PER_TEAM - 3);
    }

    private static String memberToken(int member) {
        return token('t', firstSession(member));
    }

    private static int adminOf(int member) {
        return member / PER_TEAM * PER_TEAM;
    }

    private static HttpRequest get(String url, String token) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json").GET().build();
    }

    private static HttpRequest post(String url, String token, String json) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private HttpResponse<String> send(HttpRequest request, int expected) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected)
            throw new IllegalStateException(request.method() + " " + request.uri() + " answered " + response.statusCode()
                    + " (expected " + expected + "): " + response.body());
        return response;
    }

    /** Each operation once per round, for a random member per round; nanoseconds per request. */
    private Map<String, long[]> interleaved(Map<String, IntFunction<HttpRequest>> ops, int rounds, int warmup) throws Exception {
        Map<String, long[]> out = new LinkedHashMap<>();
        ops.keySet().forEach(k -> out.put(k, new long[rounds]));
        int done = 0;
        for (int round = -warmup; round < rounds && !past(); round++) {
            int member = randomMember(round);
            for (var op : ops.entrySet()) {
                HttpRequest request = op.getValue().apply(member);
                long start = System.nanoTime();
                send(request, 200);
                if (round >= 0) out.get(op.getKey())[round] = System.nanoTime() - start;
            }
            if (round >= 0) done = round + 1;
        }
        int n = done;
        out.replaceAll((k, v) -> Arrays.copyOf(v, n));
        return out;
    }

    /** SQL reads and writes per request of each operation, over n members already seen once (their session cached). */
    private Map<String, double[]> statementsPerRequest(Map<String, IntFunction<HttpRequest>> ops, SqlStatementMetrics sql, int n)
            throws Exception {
        int[] members = new int[n];
        for (int i = 0; i < n; i++) members[i] = randomMember(i);
        for (var op : ops.values()) for (int m : members) send(op.apply(m), 200);
        Map<String, double[]> out = new LinkedHashMap<>();
        for (var op : ops.entrySet()) {
            long reads = sql.reads(), writes = sql.writes();
            for (int m : members) send(op.getValue().apply(m), 200);
            out.put(op.getKey(), new double[] {(sql.reads() - reads) / (double) n, (sql.writes() - writes) / (double) n});
        }
        return out;
    }

    private void signIns(String base, SqlStatementMetrics sql) throws Exception {
        String email = "scale-" + System.nanoTime() + "@bench.example";
        send(HttpRequest.newBuilder(URI.create(base + "/api/v1/signup")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"%s\",\"password\":\"%s\",\"name\":\"Scale\",\"team\":\"Scale\"}"
                        .formatted(email, PASSWORD))).build(), 201);
        int n = 10;
        long reads = sql.reads(), writes = sql.writes();
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            send(HttpRequest.newBuilder(URI.create(base + "/api/v1/login")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"%s\",\"password\":\"%s\",\"tokenType\":\"bearer\"}"
                            .formatted(email, PASSWORD))).build(), 201);
            nanos[i] = System.nanoTime() - start;
        }
        line("");
        line("Sign-in (`POST /api/v1/login`, bearer, %d in a row, Argon2 included): p50 %s; SQL per sign-in: %.1f reads, %.1f writes"
                        + " (the mail outbox's sender and the audit entry included, the flush not)", n, ms(nanos, 50),
                (sql.reads() - reads) / (double) n, (sql.writes() - writes) / (double) n);
    }

    /** Requests against /current from THREADS threads for CHECK_SECONDS; tokens from the given sessions. */
    private record Run(String what, long requests, double seconds, long[] nanos, long errors, long reads, long writes) {
    }

    private Run hammer(String what, String base, SqlStatementMetrics sql, IntFunction<String> tokenOf, int sessions) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        ConcurrentLinkedQueue<long[]> all = new ConcurrentLinkedQueue<>();
        AtomicInteger errors = new AtomicInteger();
        long stopAt = System.nanoTime() + Duration.ofSeconds(CHECK_SECONDS).toNanos();
        long reads = sql.reads(), writes = sql.writes();
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            futures.add(pool.submit(() -> {
                long[] mine = new long[1 << 16];
                int n = 0;
                ThreadLocalRandom r = ThreadLocalRandom.current();
                while (System.nanoTime() < stopAt && !past()) {
                    HttpRequest request = get(base + "/api/v1/sessions/current", tokenOf.apply(r.nextInt(sessions)));
                    long s = System.nanoTime();
                    try {
                        if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) errors.incrementAndGet();
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    if (n == mine.length) mine = Arrays.copyOf(mine, n * 2);
                    mine[n++] = System.nanoTime() - s;
                }
                all.add(Arrays.copyOf(mine, n));
                return null;
            }));
        }
        for (Future<?> f : futures) f.get();
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        long[] nanos = all.stream().flatMapToLong(Arrays::stream).toArray();
        return new Run(what, nanos.length, seconds, nanos, errors.get(), sql.reads() - reads, sql.writes() - writes);
    }

    private void checkWorkingSet(ConfigurableApplicationContext a, String base, SqlStatementMetrics sql) throws Exception {
        if (past()) return;
        Sessions sessions = a.getBean(Sessions.class);
        SessionCache cache = a.getBean(SessionCache.class);
        int hot = CACHE / 2;
        // Sessions BIG.. are members' sessions outside team 0 (the team sign-out comes later).
        IntFunction<String> hotToken = i -> token('t', BIG + i);
        IntFunction<String> anyToken = i -> token('t', BIG + i);
        for (int i = 0; i < hot; i++) sessions.check(hotToken.apply(i), new Sessions.Use("", Optional.empty(), false));
        List<Run> runs = new ArrayList<>();
        runs.add(hammer("all cached: %,d sessions in use, cache %,d".formatted(hot, CACHE), base, sql, hotToken, hot));
        runs.add(hammer("working set > cache: %,d sessions in use, cache %,d".formatted(ACTIVE - BIG, CACHE), base, sql, anyToken, ACTIVE - BIG));
        runs.add(hammer("all cached again (after)", base, sql, hotToken, hot));
        line("");
        line("Session check, `GET /api/v1/sessions/current`, %d client threads × %d s each, random session per request (load %s):",
                THREADS, CHECK_SECONDS, load());
        line("");
        line("| run | requests | req/s | p50 | p99 | errors | SQL reads / writes per request |");
        line("|---|---:|---:|---:|---:|---:|---:|");
        for (Run r : runs) {
            line("| %s | %,d | %,.0f | %s | %s | %d | %.3f / %.3f |", r.what(), r.requests(), r.requests() / r.seconds(), ms(r.nanos(), 50),
                    ms(r.nanos(), 99), r.errors(), r.reads() / (double) Math.max(1, r.requests()), r.writes() / (double) Math.max(1, r.requests()));
        }
        double cached = (runs.get(0).requests() / runs.get(0).seconds() + runs.get(2).requests() / runs.get(2).seconds()) / 2;
        line("");
        line("working set > cache / all cached (mean of the two around it): req/s %.2f×, p99 %.2f×; cache holds %,d sessions after",
                runs.get(1).requests() / runs.get(1).seconds() / cached,
                pct(runs.get(1).nanos(), 99) / ((pct(runs.get(0).nanos(), 99) + pct(runs.get(2).nanos(), 99)) / 2), cache.size());
    }

    private void memory(ConfigurableApplicationContext a) throws Exception {
        if (past()) return;
        Sessions sessions = a.getBean(Sessions.class);
        SessionCache cache = a.getBean(SessionCache.class);
        Sessions.Use use = new Sessions.Use("", Optional.empty(), false);
        // The first checks allocate once what later ones reuse (classes, compiled code, the pools' buffers): not per
        // session, so they are made before the first histogram, with sessions neither measured set holds.
        for (int i = 0; i < Math.min(2_000, CACHE); i++) sessions.check(token('t', ACTIVE - 1 - i), use);
        line("");
        // Active session g >= BIG belongs to member PER_TEAM + (g - BIG) % (MEMBERS - PER_TEAM) (the fill).
        // Ten sessions of a tenth of the members first, as 1,000,000 sessions of 100,000 members are; then one each of
        // all members, nine tenths of whom the first set did not hold (what a member costs besides their sessions).
        cached(sessions, cache, use, "ten sessions each of %,d members".formatted(CACHE / 10),
                i -> BIG + i / 10 + (i % 10) * (MEMBERS - PER_TEAM));
        long after = cached(sessions, cache, use, "then one session each of %,d members".formatted(CACHE), i -> BIG + i);
        line("RSS with %,d active sessions in the database and %,d cached: %,d MiB (heap committed %,d MiB, used after the GC %,d MiB)",
                ACTIVE, cache.size(), rssKib() / 1024, Runtime.getRuntime().totalMemory() >> 20, after >> 20);
    }

    /** Fills the emptied cache with sessions {@code session(0..CACHE-1)} and prints the heap it took per session; returns the heap after. */
    private long cached(Sessions sessions, SessionCache cache, Sessions.Use use, String which, java.util.function.IntUnaryOperator session) throws Exception {
        cache.clear();
        long before = histogramTotal();
        for (int i = 0; i < CACHE; i++) sessions.check(token('t', session.applyAsInt(i)), use);
        long size = cache.size();
        long after = histogramTotal();
        line("Validation cache, %s: heap after a full GC (jcmd GC.class_histogram) %,d → %,d bytes with %,d sessions cached"
                        + " (checked in process, no activity recorded): **%.0f bytes per cached session** (goal ≤ 300)",
                which, before, after, size, (after - before) / (double) size);
        return after;
    }

    private static long histogramTotal() throws Exception {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(ProcessHandle.current().pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        long total = -1;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = in.readLine()) != null; ) {
                String[] f = l.trim().split("\\s+");
                if (f.length == 3 && f[0].equals("Total")) total = Long.parseLong(f[2]);
            }
        }
        p.waitFor();
        if (total < 0) throw new IllegalStateException("no Total line from jcmd");
        return total;
    }

    private static long rssKib() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
        return -1;
    }

    private void forceSignOuts(String base, SqlStatementMetrics sql) throws Exception {
        if (past()) return;
        // Admin of team 1 + i % (TEAMS-1) signs out its member 1 (then 2): each request ends about 10 sessions.
        int n = Math.min(REQUESTS, (TEAMS - 1) * 2);
        long[] nanos = new long[n];
        long reads = sql.reads(), writes = sql.writes(), ended = 0;
        int done = 0;
        for (int i = 0; i < n && !past(); i++) {
            int team = 1 + i % (TEAMS - 1);
            int member = team * PER_TEAM + 1 + i / (TEAMS - 1);
            HttpRequest request = post(base + "/api/v1/admin/members/" + member(member) + "/sign-out", memberToken(team * PER_TEAM),
                    "{\"reason\":\"scale benchmark\"}");
            long start = System.nanoTime();
            String body = send(request, 200).body();
            nanos[i] = System.nanoTime() - start;
            ended += Long.parseLong(body.replaceAll("[^0-9]", ""));
            done++;
        }
        nanos = Arrays.copyOf(nanos, done);
        line("");
        line("Force sign-out, `POST /api/v1/admin/members/{id}/sign-out`, %d requests (destructive: each a different member, "
                        + "%.1f sessions each on average; load %s): p50 %s, p99 %s, max %s; SQL per request %.1f reads, %.1f writes; per session ended %.2f writes",
                done, ended / (double) done, load(), ms(nanos, 50), ms(nanos, 99), ms(nanos, 100), (sql.reads() - reads) / (double) done,
                (sql.writes() - writes) / (double) done, (sql.writes() - writes) / (double) Math.max(1, ended));
    }

    private void teamSignOut(ConfigurableApplicationContext a, ConfigurableApplicationContext b, String baseA, SqlStatementMetrics sql)
            throws Exception {
        List<Double> times = new ArrayList<>();
        List<Long> jvmCpu = new ArrayList<>(), pgCpu = new ArrayList<>();
        for (int round = 1; round <= TEAM_ROUNDS && !past(); round++) {
            if (round > 1) reactivateTeam(a, b);
            double[] r = teamSignOut(a, b, baseA, sql, round);
            times.add(r[0]);
            if (round > 1) {
                jvmCpu.add((long) r[1]);
                pgCpu.add((long) r[2]);
            }
        }
        if (times.size() > 1) {
            List<Double> warm = new ArrayList<>(times.subList(1, times.size()));
            java.util.Collections.sort(warm);
            line("");
            line("Team sign-out over %d rounds: first (cold) **%.0f ms**; rounds 2–%d: median **%.0f ms**, min %.0f, max %.0f (each: %s)",
                    times.size(), times.get(0), times.size(), warm.get(warm.size() / 2), warm.get(0), warm.get(warm.size() - 1),
                    String.join(", ", times.stream().map(t -> "%.0f".formatted(t)).toList()));
            java.util.Collections.sort(jvmCpu);
            java.util.Collections.sort(pgCpu);
            line("CPU of rounds 2–%d, median: **%,d ms in this JVM, %,d ms in PostgreSQL** (JVM each: %s; PostgreSQL each: %s)",
                    times.size(), jvmCpu.get(jvmCpu.size() / 2), pgCpu.get(pgCpu.size() / 2), jvmCpu, pgCpu);
        }
    }

    /** Makes the sessions the team sign-out ended active again (only in the benchmark), vacuums, and empties the nodes' caches. */
    private void reactivateTeam(ConfigurableApplicationContext a, ConfigurableApplicationContext b) throws Exception {
        try (Connection c = a.getBean(DataSource.class).getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.executeUpdate("UPDATE sessions SET ended_at = NULL, end_reason = NULL, ended_by = NULL, ended_by_session = NULL,"
                    + " end_note = NULL WHERE end_note = 'scale benchmark'");
            // PostgreSQL: what autovacuum would do after so many updates. SQLite keeps no statistics
            // unless told to, as Lanyard's own database: nothing to do (its VACUUM rewrites the whole file).
            if (DatabaseKind.postgres(c)) s.execute("VACUUM ANALYZE sessions");
        }
        a.getBean(SessionCache.class).clear();
        if (b != null) b.getBean(SessionCache.class).clear();
    }

    /**
     * CPU time used so far, in milliseconds: by this JVM, and by every process named postgres
     * (Debian's server runs on this machine; the embedded one too). Less at the mercy of the other
     * work on a shared machine than the wall clock: where the call's time goes, not how long it waited for a core.
     */
    private static long[] cpuMillis() {
        long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1_000_000;
        long ticks = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(x -> x.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    int close = stat.lastIndexOf(')');
                    if (!stat.substring(stat.indexOf('(') + 1, close).equals("postgres")) continue;
                    String[] f = stat.substring(close + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
                } catch (Exception gone) {
                    // the process ended meanwhile
                }
            }
        } catch (Exception e) {
            return new long[] {jvm, -1};
        }
        return new long[] {jvm, ticks * 10}; // USER_HZ is 100 on Linux
    }

    /** One team sign-out of team 0; returns its end-to-end milliseconds and the CPU milliseconds of this JVM and of PostgreSQL. */
    private double[] teamSignOut(ConfigurableApplicationContext a, ConfigurableApplicationContext b, String baseA, SqlStatementMetrics sql,
                               int round) throws Exception {
        // 200 sessions of team 0 (not the admin's token, session 0), seen by every node first so that they are cached.
        List<String> sample = new ArrayList<>();
        for (int i = 1; sample.size() < 200 && i < BIG; i += Math.max(1, BIG / 200)) if (i % PER_TEAM != 0) sample.add(token('t', i));
        List<String> nodes = new ArrayList<>(List.of(baseA));
        if (b != null) nodes.add(base(b));
        for (String node : nodes) for (String t : sample) send(get(node + "/api/v1/sessions/current", t), 200);
        long reads = sql.reads(), writes = sql.writes();
        long[] cpu = cpuMillis();
        long start = System.nanoTime();
        String body = send(post(baseA + "/api/v1/admin/sessions/sign-out", token('t', 0), "{\"reason\":\"scale benchmark\"}"), 200).body();
        long took = System.nanoTime() - start;
        long[] cpuAfter = cpuMillis();
        long ended = Long.parseLong(body.replaceAll("[^0-9]", ""));
        List<String> refused = new ArrayList<>();
        for (String node : nodes) {
            int accepted = 0;
            long first = System.nanoTime();
            for (String t : sample) {
                if (http.send(get(node + "/api/v1/sessions/current", t), HttpResponse.BodyHandlers.discarding()).statusCode() != 401) accepted++;
            }
            refused.add("%s: %d of %d sample sessions still accepted (checked in %.0f ms)".formatted(node.equals(baseA) ? "node A" : "node B",
                    accepted, sample.size(), (System.nanoTime() - first) / 1e6));
        }
        line("");
        long r = sql.reads() - reads, w = sql.writes() - writes;
        line("Team sign-out%s, `POST /api/v1/admin/sessions/sign-out` of team 0 (%,d sessions ended, %d node(s), load %s): **%.0f ms** end to end"
                        + " (goal < 1 s; the call returns once every node dropped them); SQL %,d reads, %,d writes on node A"
                        + " (%.2f reads, %.2f writes per session ended); CPU meanwhile: %,d ms in this JVM (both nodes, the client), %,d ms in PostgreSQL;"
                        + " after it, %s",
                TEAM_ROUNDS > 1 ? " (round " + round + ")" : "", ended, nodes.size(), load(), took / 1e6, r, w, r / (double) Math.max(1, ended), w / (double) Math.max(1, ended),
                cpuAfter[0] - cpu[0], cpuAfter[1] - cpu[1], String.join("; ", refused));
        return new double[] {took / 1e6, cpuAfter[0] - cpu[0], cpuAfter[1] - cpu[1]};
    }

    private void sweep(ConfigurableApplicationContext a, String base, SqlStatementMetrics sql) throws Exception {
        if (past()) return;
        DataSource dataSource = a.getBean(DataSource.class);
        SessionLifetimes lifetimes = a.getBean(SessionLifetimes.class);
        // The last SWEEP sessions expire (their lifetime ended a minute ago); no member measured below owns them.
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            long past = Instant.now().minusSeconds(60).toEpochMilli();
            // In pieces: 100,000 ids in one statement are past SQLite's limit on a statement's length.
            int n = 0;
            for (int from = ACTIVE - SWEEP; from < ACTIVE; from += 10_000) {
                n += s.executeUpdate("UPDATE sessions SET expires_at = " + past + " WHERE id IN ("
                        + Fill.ids(c, from, Math.min(ACTIVE, from + 10_000)) + ")");
            }
            if (n != SWEEP) throw new IllegalStateException("expired " + n + " sessions, not " + SWEEP);
        }
        long[] before = listLoad(base, () -> false, REQUESTS);
        AtomicBoolean sweeping = new AtomicBoolean(true);
        long reads = sql.reads(), writes = sql.writes();
        long start = System.nanoTime();
        Future<Integer> swept = Executors.newSingleThreadExecutor().submit(() -> {
            try {
                return lifetimes.sweep();
            } finally {
                sweeping.set(false);
            }
        });
        long[] during = listLoad(base, () -> !sweeping.get(), Integer.MAX_VALUE);
        int ended = swept.get();
        double seconds = (System.nanoTime() - start) / 1e9;
        line("");
        line("Expiry sweep of %,d expired sessions (of %,d active) while one client keeps asking for member lists (load %s):"
                        + " **%.1f s** (%,.0f sessions/s); SQL %,d reads, %,d writes (%.2f per session ended)",
                ended, ACTIVE, load(), seconds, ended / seconds, sql.reads() - reads, sql.writes() - writes,
                (sql.writes() - writes) / (double) Math.max(1, ended));
        line("");
        line("| `GET /api/v1/sessions` | requests | p50 | p99 | max |");
        line("|---|---:|---:|---:|---:|");
        line("| before the sweep | %d | %s | %s | %s |", before.length, ms(before, 50), ms(before, 99), ms(before, 100));
        line("| during the sweep | %d | %s | %s | %s |", during.length, ms(during, 50), ms(during, 99), ms(during, 100));
    }

    private long[] listLoad(String base, java.util.function.BooleanSupplier stop, int max) throws Exception {
        long[] nanos = new long[1024];
        int n = 0;
        while (n < max && !stop.getAsBoolean() && !past()) {
            HttpRequest request = get(base + "/api/v1/sessions", memberToken(randomMember(n)));
            long start = System.nanoTime();
            send(request, 200);
            if (n == nanos.length) nanos = Arrays.copyOf(nanos, n * 2);
            nanos[n++] = System.nanoTime() - start;
        }
        return Arrays.copyOf(nanos, n);
    }

    static double pct(long[] nanos, int p) {
        if (nanos.length == 0) return Double.NaN;
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int i = (int) Math.ceil(sorted.length * p / 100.0) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    static String ms(long[] nanos, int p) {
        return String.format(Locale.ROOT, "%.2f ms", pct(nanos, p));
    }

    /** The bulk fill, its sizes and the query plans. */
    static final class Fill {
        private Fill() {
        }

        static void fill(DataSource dataSource, boolean postgres) throws Exception {
            long now = Instant.now().toEpochMilli();
            long day = Duration.ofDays(1).toMillis();
            pg = postgres;
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                if (!postgres) {
                    org.sqlite.Function.create(c.unwrap(org.sqlite.SQLiteConnection.class), "bench_sha256", new org.sqlite.Function() {
                        @Override
                        protected void xFunc() throws java.sql.SQLException {
                            result(hash(value_text(0)));
                        }
                    });
                }
                try (Statement s = c.createStatement()) {
                    String series = postgres ? "generate_series(0::bigint, %d) AS r(g)" : "series";
                    for (String[] step : List.of(
                            new String[] {"teams", "INSERT INTO teams (id, name, created_at) SELECT 'team_s_' || g, 'Team ' || g, " + now
                                    + " FROM " + series, String.valueOf(TEAMS)},
                            new String[] {"accounts", "INSERT INTO accounts (id, team_id, email, name, password_hash, role, created_at)"
                                    + " SELECT 'acc_s_' || g, 'team_s_' || (g / " + PER_TEAM + "), 'm' || " + pad("g", 7) + " || '@scale.example',"
                                    + " 'Member ' || g, '{noop}not a hash', CASE WHEN g % " + PER_TEAM + " = 0 THEN 'ADMIN' ELSE 'MEMBER' END, "
                                    + (now - 100 * day) + " FROM " + series, String.valueOf(MEMBERS)},
                            new String[] {"active sessions", "INSERT INTO sessions (id, token_hash, account_id, app_type, remember_me, device_type,"
                                    + " user_agent, browser, browser_version, os, ip, city, country, country_code, created_at, last_active_at,"
                                    + " idle_timeout_ms, expires_at) SELECT 'ses_s' || " + pad("g", 15) + ", " + sha("'t' || " + pad("g", 42), postgres)
                                    + ", 'acc_s_' || (CASE WHEN g < " + BIG + " THEN g % " + PER_TEAM + " ELSE " + PER_TEAM + " + (g - " + BIG
                                    + ") % " + (MEMBERS - PER_TEAM) + " END), 'API', FALSE, 'DESKTOP',"
                                    + " 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0', 'Firefox', '133', 'Linux', '85.214.' || (g / 256 % 256) || '.' || (g % 256),"
                                    + " 'Berlin', 'Germany', 'DE', " + now + " - (g * 7919 % " + 6 * day + "), " + now + " - (g * 104729 % " + day + "), "
                                    + 7 * day + ", " + (now + 30 * day) + " FROM " + series, String.valueOf(ACTIVE)},
                            new String[] {"ended sessions", "INSERT INTO sessions (id, token_hash, account_id, app_type, remember_me, device_type,"
                                    + " ip, created_at, last_active_at, idle_timeout_ms, expires_at, ended_at, end_reason)"
                                    + " SELECT 'ses_e' || " + pad("g", 15) + ", 'e' || " + pad("g", 63) + ", 'acc_s_' || (g % " + MEMBERS + "), 'WEB', FALSE, 'DESKTOP',"
                                    + " '85.214.1.1', " + now + " - (g * 7919 % " + 89 * day + ") - " + day + ", " + now + " - (g * 7919 % " + 89 * day
                                    + "), " + 7 * day + ", " + now + " - (g * 7919 % " + 89 * day + ") + " + 6 * day + ", " + now + " - (g * 7919 % "
                                    + 89 * day + "), 'SIGNED_OUT' FROM " + series, String.valueOf(ENDED)})) {
                        int rows = Integer.parseInt(step[2]);
                        long t = System.nanoTime();
                        String statement = postgres ? step[1].replace("%d)", (rows - 1) + ")")
                                : "WITH RECURSIVE series(g) AS (SELECT 0 UNION ALL SELECT g + 1 FROM series WHERE g < " + (rows - 1) + ") " + step[1];
                        int n = s.executeUpdate(statement);
                        if (n != rows) throw new IllegalStateException(step[0] + ": " + n + " rows, not " + rows);
                        c.commit();
                        System.out.printf(Locale.ROOT, "  filled %,d %s in %.1f s%n", rows, step[0], (System.nanoTime() - t) / 1e9);
                    }
                }
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    // What autovacuum does soon after a bulk load in production; SQLite keeps no statistics unless told to.
                    if (postgres) s.execute("VACUUM ANALYZE");
                }
            }
            // The token scheme matches the application's hash.
            if (!hash(token('t', 5)).equals(SessionToken.hash(token('t', 5)))) throw new IllegalStateException("hash mismatch");
        }

        private static boolean pg;

        private static String pad(String expression, int width) {
            return pg ? "lpad(" + expression + "::text, " + width + ", '0')" : "printf('%0" + width + "d', " + expression + ")";
        }

        private static String sha(String expression, boolean postgres) {
            return postgres ? "encode(sha256(convert_to(" + expression + ", 'UTF8')), 'hex')" : "bench_sha256(" + expression + ")";
        }

        /**
         * The id of active session {@code g}: "ses_" and 16 base64url characters, the shape of Lanyard's own
         * ids, so the cache packs it as it packs theirs (decision 31).
         */
        static String activeId(int g) {
            return "ses_s" + String.format("%015d", g);
        }

        /** A SQL list of the active sessions' ids from {@code from} (inclusive) to {@code to} (exclusive). */
        static String ids(Connection c, int from, int to) {
            StringBuilder out = new StringBuilder();
            for (int g = from; g < to; g++) out.append(g == from ? "" : ",").append('\'').append(activeId(g)).append('\'');
            return out.toString();
        }

        static Map<String, String> sizes(DataSource dataSource, boolean postgres) throws Exception {
            Map<String, String> out = new LinkedHashMap<>();
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                long rows = single(s, "SELECT COUNT(*) FROM sessions");
                if (postgres) {
                    long heap = single(s, "SELECT pg_relation_size('sessions')");
                    long total = single(s, "SELECT pg_total_relation_size('sessions')");
                    out.put("sessions table", "%,d rows, %,d MiB with its indexes (%,d MiB heap): **%.0f bytes per session row** (%.0f heap, %.0f indexes)"
                            .formatted(rows, total >> 20, heap >> 20, total / (double) rows, heap / (double) rows, (total - heap) / (double) rows));
                    out.put("database", "%,d MiB".formatted(single(s, "SELECT pg_database_size(current_database())") >> 20));
                } else {
                    long file = single(s, "PRAGMA page_count") * single(s, "PRAGMA page_size");
                    out.put("database file", "%,d MiB for %,d session rows and %,d members: %.0f bytes per session row, indexes included"
                            .formatted(file >> 20, rows, MEMBERS, file / (double) rows));
                }
            }
            return out;
        }

        private static long single(Statement s, String sql) throws Exception {
            try (ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }

        /** EXPLAIN (ANALYZE, BUFFERS) of the queries behind the main pages and the sweep, with a typical member and team. */
        static String explain(DataSource dataSource) throws Exception {
            long now = Instant.now().toEpochMilli();
            String m = "'acc_s_" + (PER_TEAM * 7 + 5) + "'";
            String team = "'team_s_7'";
            Map<String, String> queries = new LinkedHashMap<>();
            queries.put("session check on a cache miss (JdbcSessionStore.findByTokenHash)",
                    "SELECT * FROM sessions WHERE token_hash = '" + hash(token('t', 12345 % ACTIVE)) + "'");
            queries.put("a member's list (JdbcSessionLists.active)", "SELECT * FROM sessions WHERE account_id = " + m
                    + " AND ended_at IS NULL ORDER BY last_active_at DESC, id DESC LIMIT 51");
            queries.put("a member's counts (JdbcSessionLists.count)", "SELECT COUNT(*), SUM(CASE WHEN verified THEN 1 ELSE 0 END),"
                    + " SUM(CASE WHEN last_active_at < " + (now - 86_400_000L * 7) + " THEN 1 ELSE 0 END) FROM sessions WHERE account_id = " + m
                    + " AND ended_at IS NULL");
            queries.put("a member's history (JdbcSessionLists.ended)", "SELECT * FROM sessions WHERE account_id = " + m
                    + " AND ended_at IS NOT NULL ORDER BY ended_at DESC, id DESC LIMIT 51");
            queries.put("team overview page (JdbcTeamSessionStore.members)", """
                    SELECT a.id,
                           (SELECT COUNT(*) FROM sessions s WHERE s.account_id = a.id AND s.ended_at IS NULL) AS active,
                           (SELECT MAX(s.last_active_at) FROM sessions s WHERE s.account_id = a.id AND s.ended_at IS NULL) AS last_active
                    FROM accounts a WHERE a.team_id = %s AND a.removed_at IS NULL AND substr(a.email, 1, 0) = '' ORDER BY a.email LIMIT 51"""
                    .formatted(team));
            queries.put("team total (JdbcTeamSessionStore.activeCount)",
                    "SELECT COUNT(*) FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.team_id = " + team + " AND s.ended_at IS NULL");
            queries.put("expiry sweep batch, lifetime (JdbcSessionExpiry.LIFETIME_EXPIRED)",
                    JdbcSessionExpiry.LIFETIME_EXPIRED.replace(":now", String.valueOf(now)).replace(":limit", "500") + " FOR UPDATE SKIP LOCKED");
            queries.put("expiry sweep batch, idle (JdbcSessionExpiry.IDLE_EXPIRED)",
                    JdbcSessionExpiry.IDLE_EXPIRED.replace(":now", String.valueOf(now)).replace(":limit", "500") + " FOR UPDATE SKIP LOCKED");
            queries.put("history purge batch (JdbcSessionRetention.purgeEnded)",
                    "SELECT id FROM sessions WHERE ended_at < " + (now - 86_400_000L * 90) + " ORDER BY ended_at LIMIT 500");
            StringBuilder out = new StringBuilder();
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                for (var q : queries.entrySet()) {
                    out.append("-- ").append(q.getKey()).append('\n');
                    try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + q.getValue())) {
                        while (rs.next()) out.append(rs.getString(1)).append('\n');
                    }
                    out.append('\n');
                }
            }
            return out.toString();
        }
    }
}
