package dev.lanyard.team;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;

import javax.sql.DataSource;

import dev.lanyard.Lanyard;
import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TeamId;
import dev.lanyard.session.AppType;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.ListFilter;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.Sessions;
import dev.lanyard.session.TeamSessions;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.testsupport.SqliteDatabase;
import dev.lanyard.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How fast the team sessions overview ({@code /admin/sessions}, PRODUCT.md T2) is for a team of
 * 10,000 members with 100,000 active sessions, on SQLite and on PostgreSQL. Not a test: its name
 * does not match surefire's patterns, so {@code mvn test} and CI never run it;
 * {@code bench/team-sessions.sh} does.
 *
 * <p>For each database it boots the whole application (a real server on a free loopback port, the
 * real beans, no geolocation data, flushes and sweeps out of the way), signs an admin up over HTTP,
 * then writes the members and sessions straight into the tables with batched SQL (and, on
 * PostgreSQL, runs the {@code VACUUM ANALYZE} that autovacuum would). It times, on the real
 * {@link TeamSessions} bean: the overview's first page, a page filtered by email prefix, a deep
 * keyset page near the end, and the team total alone; and over HTTP, the {@code /admin/sessions}
 * page. Baselines in the same rounds: {@link Sessions#active} for one account with 10 sessions
 * (what anyone's own list costs), and that account's {@code /settings/sessions} page. Calls are
 * timed in interleaved rounds and each figure is the median of {@code bench.runs} rounds after
 * {@code bench.warmup} untimed ones. Last, as the table also holds 90 days of ended sessions in
 * production, it adds {@code bench.history} of them and times the first page, the total and the
 * page again.
 *
 * <p>Settings (system properties): {@code bench.members} (10000), {@code bench.sessions} (100000),
 * {@code bench.history} (200000; 0 to skip), {@code bench.runs} (21), {@code bench.warmup} (10),
 * {@code bench.out} (where the Markdown table goes; default {@code bench/target/team-sessions.md}).
 */
class TeamSessionsBenchmark {
    private static final int MEMBERS = Integer.getInteger("bench.members", 10_000);
    private static final int SESSIONS = Integer.getInteger("bench.sessions", 100_000);
    private static final int RUNS = Integer.getInteger("bench.runs", 21);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 10);
    private static final int HISTORY = Integer.getInteger("bench.history", 200_000);
    private static final int PAGE = 50;
    private static final int ADMIN_SESSIONS = 10;
    private static final String PASSWORD = "correct horse battery staple";

    /** One timed operation: its median and spread, in milliseconds. */
    record Timing(String what, double median, double min, double p90) {
    }

    /** The timings of one state of the database, its two baselines included. */
    record Phase(String state, List<Timing> timings) {
        Timing baseline(boolean page) {
            return timings.stream().filter(t -> t.what().equals(page ? BASELINE_PAGE : BASELINE)).findFirst().orElseThrow();
        }
    }

    /** All timings of one database. */
    record Figures(String database, String setup, List<Phase> phases) {
    }

    private static final String BASELINE = "baseline: Sessions.active, one account's list (10 sessions)";
    private static final String BASELINE_PAGE = "baseline: GET /settings/sessions over HTTP (the admin's own list, 10 sessions)";

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void measureOnSqliteAndPostgres() throws Exception {
        List<Figures> figures = new ArrayList<>();
        figures.add(measure("SQLite", Map.of("spring.datasource.url", SqliteDatabase.freshUrl())));
        TestPostgres postgres = TestPostgres.shared();
        figures.add(measure("PostgreSQL 18", Map.of(
                "spring.datasource.url", postgres.jdbcUrl(postgres.createDatabase()),
                "spring.datasource.username", postgres.user(),
                "spring.datasource.password", postgres.password(),
                "spring.datasource.hikari.data-source-properties.reWriteBatchedInserts", "true")));

        String report = report(figures);
        System.out.println(report);
        Path out = Path.of(System.getProperty("bench.out", "bench/target/team-sessions.md"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
    }

    private Figures measure(String database, Map<String, Object> datasource) throws Exception {
        Path noGeo = Files.createTempDirectory("lanyard-bench-geo");
        Map<String, Object> properties = new HashMap<>(datasource);
        properties.putAll(Map.of(
                "server.port", "0",
                "server.address", "127.0.0.1",
                "lanyard.session.flush-interval", "1h",
                "lanyard.session.sweep-interval", "1h",
                "lanyard.geo.directory", noGeo.toString(),
                "logging.level.root", "WARN",
                "logging.level.dev.lanyard", "WARN"));
        // Arguments, not default properties: they must win over application.yml's ./data database.
        String[] arguments = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Lanyard.class).run(arguments)) {
            String url = context.getEnvironment().getProperty("spring.datasource.url", "");
            if (!url.equals(datasource.get("spring.datasource.url"))) throw new IllegalStateException("not the benchmark's database: " + url);
            if (context.getBean(Clock.class) instanceof MutableClock) throw new IllegalStateException("a test clock was scanned in");
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            String base = "http://127.0.0.1:" + port;

            // The admin signs up over HTTP, as anyone does.
            String email = "bench-admin-" + System.nanoTime() + "@bench.example";
            HttpResponse<String> signUp = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/signup"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of(
                            "email", email, "password", PASSWORD, "name", "Bench Admin", "team", "Bench")))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(signUp.statusCode()).as(signUp.body()).isEqualTo(201);
            JsonNode body = json.readTree(signUp.body());
            String cookie = signUp.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("lanyard_session="))
                    .map(c -> c.split(";", 2)[0]).findFirst().orElseThrow();
            AccountId adminId = new AccountId(body.path("account").path("id").asString());
            TeamId team = new TeamId(body.path("account").path("team").asString());
            SessionId adminSession = new SessionId(body.path("session").path("id").asString());

            long started = System.nanoTime();
            fill(context.getBean(DataSource.class), team, adminId, database.startsWith("PostgreSQL"));
            String setup = "%,d members, %,d active sessions (+%d of the admin) written in %.1f s".formatted(
                    MEMBERS, SESSIONS, ADMIN_SESSIONS, (System.nanoTime() - started) / 1e9);
            System.out.println(database + ": " + setup);

            Account account = context.getBean(Accounts.class).find(adminId).orElseThrow();
            CurrentSession admin = new CurrentSession(adminSession, account, AppType.WEB);
            TeamSessions teamSessions = context.getBean(TeamSessions.class);
            Sessions sessions = context.getBean(Sessions.class);
            Object store = context.getBean("jdbcTeamSessionStore");
            Method total = store.getClass().getMethod("activeCount", TeamId.class);
            total.setAccessible(true);

            String deepAfter = email(MEMBERS - PAGE - 1);
            TeamSessions.Overview first = teamSessions.overview(admin, "", PAGE, Optional.empty());
            assertThat(first.members()).hasSize(PAGE);
            assertThat(first.totalActive()).isEqualTo(SESSIONS + ADMIN_SESSIONS);
            assertThat(teamSessions.overview(admin, "member-07", PAGE, Optional.empty()).members()).hasSize(PAGE)
                    .allSatisfy(m -> assertThat(m.member().email()).startsWith("member-07"));
            assertThat(teamSessions.overview(admin, "", PAGE, Optional.of(dev.lanyard.session.Cursors.encode(deepAfter))).members()).hasSize(PAGE);
            assertThat(sessions.active(adminId, ListFilter.ALL, PAGE, Optional.empty()).items()).hasSize(ADMIN_SESSIONS);

            Callable<?> baseline = () -> sessions.active(adminId, ListFilter.ALL, PAGE, Optional.empty());
            Callable<?> baselinePage = () -> page(base + "/settings/sessions", cookie);
            Map<String, Callable<?>> calls = new LinkedHashMap<>();
            calls.put("TeamSessions.overview: first page of 50 + team total", () -> teamSessions.overview(admin, "", PAGE, Optional.empty()));
            calls.put("TeamSessions.overview: filtered by email prefix \"member-07\" (1,000 match), first page",
                    () -> teamSessions.overview(admin, "member-07", PAGE, Optional.empty()));
            calls.put("TeamSessions.overview: deep keyset page (the last 50 members)",
                    () -> teamSessions.overview(admin, "", PAGE, Optional.of(dev.lanyard.session.Cursors.encode(deepAfter))));
            calls.put("team total alone (TeamSessionStore.activeCount)", () -> total.invoke(store, team));
            calls.put(BASELINE, baseline);
            calls.put("GET /admin/sessions over HTTP (first page, rendered)", () -> page(base + "/admin/sessions", cookie));
            calls.put("GET /admin/sessions?member=member-07 over HTTP", () -> page(base + "/admin/sessions?member=member-07", cookie));
            calls.put(BASELINE_PAGE, baselinePage);
            List<Phase> phases = new ArrayList<>();
            phases.add(new Phase("%,d active".formatted(SESSIONS + ADMIN_SESSIONS), time(calls)));
            if (HISTORY > 0) {
                // Ended sessions stay in the same table for the history's 90 days: the same team, with history beside.
                long historyStarted = System.nanoTime();
                fillHistory(context.getBean(DataSource.class), database.startsWith("PostgreSQL"));
                setup += "; then %,d ended sessions (history) added in %.1f s".formatted(HISTORY, (System.nanoTime() - historyStarted) / 1e9);
                assertThat(teamSessions.overview(admin, "", PAGE, Optional.empty()).totalActive()).isEqualTo(SESSIONS + ADMIN_SESSIONS);
                Map<String, Callable<?>> again = new LinkedHashMap<>();
                again.put("TeamSessions.overview: first page of 50 + team total", calls.get("TeamSessions.overview: first page of 50 + team total"));
                again.put("team total alone (TeamSessionStore.activeCount)", calls.get("team total alone (TeamSessionStore.activeCount)"));
                again.put(BASELINE, baseline);
                again.put("GET /admin/sessions over HTTP (first page, rendered)", calls.get("GET /admin/sessions over HTTP (first page, rendered)"));
                again.put(BASELINE_PAGE, baselinePage);
                phases.add(new Phase("%,d active + %,d ended".formatted(SESSIONS + ADMIN_SESSIONS, HISTORY), time(again)));
            }
            return new Figures(database, setup, phases);
        } finally {
            Files.deleteIfExists(noGeo);
        }
    }

    private static String email(int member) {
        return "member-%05d@bench.example".formatted(member);
    }

    /**
     * Writes the team straight into the tables: {@code MEMBERS} members and {@code SESSIONS} active
     * sessions spread over them at random (fixed seed; about 10 each), active within the last day
     * and far from expiry, plus 9 more sessions of the admin (10 with the sign-up's).
     */
    private static void fill(DataSource dataSource, TeamId team, AccountId admin, boolean postgres) throws Exception {
        long now = Instant.now().toEpochMilli();
        long idle = Duration.ofDays(7).toMillis();
        long expires = now + Duration.ofDays(30).toMillis();
        Random random = new Random(42);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement accounts = connection.prepareStatement("""
                    INSERT INTO accounts (id, team_id, email, name, password_hash, role, created_at)
                    VALUES (?, ?, ?, ?, '{noop}not a real hash', 'MEMBER', ?)""")) {
                for (int i = 0; i < MEMBERS; i++) {
                    accounts.setString(1, "acc_bench_" + i);
                    accounts.setString(2, team.value());
                    accounts.setString(3, email(i));
                    accounts.setString(4, "Member " + i);
                    accounts.setLong(5, now - Duration.ofDays(100).toMillis());
                    accounts.addBatch();
                    if (i % 1000 == 999) accounts.executeBatch();
                }
                accounts.executeBatch();
            }
            try (PreparedStatement sessions = connection.prepareStatement("""
                    INSERT INTO sessions (id, token_hash, account_id, app_type, remember_me, device_type, user_agent,
                        browser, browser_version, os, os_version, ip, city, country, country_code,
                        created_at, last_active_at, idle_timeout_ms, expires_at)
                    VALUES (?, ?, ?, 'WEB', ?, 'DESKTOP', 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
                        'Firefox', '133', 'Linux', '', ?, 'Berlin', 'Germany', 'DE', ?, ?, ?, ?)""")) {
                for (int i = 0; i < SESSIONS + ADMIN_SESSIONS - 1; i++) {
                    String owner = i < SESSIONS ? "acc_bench_" + random.nextInt(MEMBERS) : admin.value();
                    long created = now - (long) (random.nextDouble() * Duration.ofDays(6).toMillis());
                    sessions.setString(1, "ses_bench_" + i);
                    sessions.setString(2, "%064x".formatted(i));
                    sessions.setString(3, owner);
                    sessions.setBoolean(4, false);
                    sessions.setString(5, "85.214." + (i >> 8 & 255) + "." + (i & 255));
                    sessions.setLong(6, created);
                    sessions.setLong(7, Math.max(created, now - (long) (random.nextDouble() * Duration.ofDays(1).toMillis())));
                    sessions.setLong(8, idle);
                    sessions.setLong(9, expires);
                    sessions.addBatch();
                    if (i % 1000 == 999) sessions.executeBatch();
                }
                sessions.executeBatch();
            }
            connection.commit();
            connection.setAutoCommit(true);
            // What autovacuum does soon after a bulk load in production (statistics, visibility map);
            // SQLite keeps no statistics unless told to, and Lanyard never runs ANALYZE there.
            if (postgres) {
                try (Statement vacuum = connection.createStatement()) {
                    vacuum.execute("VACUUM ANALYZE");
                }
            }
        }
    }

    /** {@code HISTORY} ended sessions of the team's members, ended within the last 90 days (the default retention). */
    private static void fillHistory(DataSource dataSource, boolean postgres) throws Exception {
        long now = Instant.now().toEpochMilli();
        Random random = new Random(7);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement sessions = connection.prepareStatement("""
                    INSERT INTO sessions (id, token_hash, account_id, app_type, remember_me, device_type, ip,
                        created_at, last_active_at, idle_timeout_ms, expires_at, ended_at, end_reason)
                    VALUES (?, ?, ?, 'WEB', ?, 'DESKTOP', '85.214.1.1', ?, ?, ?, ?, ?, 'SIGNED_OUT')""")) {
                for (int i = 0; i < HISTORY; i++) {
                    long ended = now - (long) (random.nextDouble() * Duration.ofDays(90).toMillis());
                    long created = ended - (long) (random.nextDouble() * Duration.ofDays(7).toMillis());
                    sessions.setString(1, "ses_bench_ended_" + i);
                    sessions.setString(2, "e%063x".formatted(i));
                    sessions.setString(3, "acc_bench_" + random.nextInt(MEMBERS));
                    sessions.setBoolean(4, false);
                    sessions.setLong(5, created);
                    sessions.setLong(6, ended);
                    sessions.setLong(7, Duration.ofDays(7).toMillis());
                    sessions.setLong(8, created + Duration.ofDays(7).toMillis());
                    sessions.setLong(9, ended);
                    sessions.addBatch();
                    if (i % 1000 == 999) sessions.executeBatch();
                }
                sessions.executeBatch();
            }
            connection.commit();
            connection.setAutoCommit(true);
            if (postgres) {
                try (Statement vacuum = connection.createStatement()) {
                    vacuum.execute("VACUUM ANALYZE");
                }
            }
        }
    }

    private String page(String url, String cookie) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie)
                .header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) throw new IllegalStateException(url + " answered " + response.statusCode());
        return response.body();
    }

    /**
     * Times the calls in interleaved rounds (each call once per round, {@code RUNS} rounds, after
     * {@code WARMUP} untimed rounds), so that a burst of other work on the machine weighs on all of
     * them alike and the ratios stay fair.
     */
    private static List<Timing> time(Map<String, Callable<?>> calls) throws Exception {
        for (int i = 0; i < WARMUP; i++) {
            for (Callable<?> call : calls.values()) call.call();
        }
        Map<String, double[]> millis = new LinkedHashMap<>();
        calls.keySet().forEach(what -> millis.put(what, new double[RUNS]));
        for (int run = 0; run < RUNS; run++) {
            for (var call : calls.entrySet()) {
                long start = System.nanoTime();
                call.getValue().call();
                millis.get(call.getKey())[run] = (System.nanoTime() - start) / 1e6;
            }
        }
        List<Timing> timings = new ArrayList<>();
        for (var entry : millis.entrySet()) {
            double[] sorted = entry.getValue().clone();
            Arrays.sort(sorted);
            Timing timing = new Timing(entry.getKey(), sorted[RUNS / 2], sorted[0], sorted[(int) Math.ceil(RUNS * 0.9) - 1]);
            System.out.printf(Locale.ROOT, "  %-100s median %8.2f ms%n", timing.what(), timing.median());
            timings.add(timing);
        }
        return timings;
    }

    private static String report(List<Figures> all) {
        StringBuilder out = new StringBuilder();
        out.append(("Median of %d interleaved rounds after %d warm-up rounds; min and p90 beside it. × baseline: median ÷ the"
                + " baseline's median in the same rounds (service calls against `Sessions.active` for one account, HTTP"
                + " pages against `/settings/sessions`).%n%n").formatted(RUNS, WARMUP));
        for (Figures f : all) {
            out.append("**%s** — %s%n%n".formatted(f.database(), f.setup()));
            out.append("| sessions in the table | what | median | min | p90 | × baseline |\n|---|---|---:|---:|---:|---:|\n");
            for (Phase phase : f.phases()) {
                for (Timing t : phase.timings()) {
                    Timing against = phase.baseline(t.what().contains("GET "));
                    out.append(String.format(Locale.ROOT, "| %s | %s | %.2f ms | %.2f ms | %.2f ms | %s |%n", phase.state(), t.what(),
                            t.median(), t.min(), t.p90(), t == against ? "1×" : "%.1f×".formatted(t.median() / against.median())));
                }
            }
            out.append('\n');
        }
        return out.toString();
    }
}
