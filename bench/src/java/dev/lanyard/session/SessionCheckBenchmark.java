package dev.lanyard.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.lanyard.Lanyard;
import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.SignUp;
import dev.lanyard.device.Device;
import dev.lanyard.geo.GeoLocation;
import dev.lanyard.keys.ApiKeys;
import dev.lanyard.ops.SqlStatementMetrics;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The in-process session check, {@code Sessions.check(token, Optional.empty())}, on the real
 * beans: Lanyard's Spring context (no web server) over a fresh SQLite file migrated by Flyway,
 * 50 signed-in sessions, tokens used in turn. Every call goes token → SHA-256 → Caffeine →
 * expiry checks → activity record; the cache is warm after the first round, as in production.
 * {@code keyCheck} is the same call with 50 API keys ({@code lyk_}, made by {@code ApiKeys.create})
 * used in turn: the key's shape and CRC32 are checked first, then the same path, plus the key's
 * request count per hour (decision 0018). Its goal is to stay within 1.5× of {@code check}.
 *
 * <p>{@code check} and {@code keyCheck} warm up for 10 x 2 s (the fork has just booted Spring), the rest for 3 x 1 s; all
 * are measured for 5 x 1 s in one fork. Baselines in the same run: SHA-256 of a token alone, and a raw Caffeine lookup by hash.
 * {@link #main} runs everything and prints the times with their ratios.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SessionCheckBenchmark {
    static final int SESSIONS = 50;
    static final double GOAL_NANOS = 2_000;
    /** keyCheck / check must stay at or below this. */
    static final double KEY_GOAL_RATIO = 1.5;
    /** Where the fork leaves its SQL counts for {@link #main}. */
    static final Path SQL_NOTE = Path.of(System.getProperty("java.io.tmpdir"), "lanyard-jmh-check-sql.txt");

    /** Lanyard's context, booted once per fork, and tokens of {@value #SESSIONS} live sessions. */
    @State(Scope.Benchmark)
    public static class App {
        Path dir;
        ConfigurableApplicationContext context;
        Sessions sessions;
        String[] tokens;
        /** Secrets of {@value #SESSIONS} API keys of the same account, scope sessions:read. */
        String[] keys;
        SqlStatementMetrics sql;
        long readsBefore;
        long writesBefore;

        @Setup(Level.Trial)
        public void start() throws IOException {
            dir = Files.createTempDirectory("lanyard-jmh-");
            // Arguments, not default properties: they must win over application.yml's ./data database.
            context = new SpringApplicationBuilder(Lanyard.class)
                    .web(WebApplicationType.NONE)
                    .run("--spring.datasource.url=jdbc:sqlite:" + dir.resolve("lanyard.db")
                                    + "?journal_mode=WAL&busy_timeout=10000&foreign_keys=true&synchronous=NORMAL",
                            "--lanyard.geo.directory=" + dir.resolve("geo"),
                            "--lanyard.session.flush-interval=5s",
                            "--logging.level.root=warn",
                            "--logging.level.dev.lanyard.geo=error");
            String url = context.getEnvironment().getProperty("spring.datasource.url", "");
            if (!url.contains(dir.toString())) throw new IllegalStateException("not on the benchmark's database: " + url);
            sessions = context.getBean(Sessions.class);
            Account account = context.getBean(Accounts.class).signUp(
                    new SignUp("bench@example.test", "a long benchmark passphrase", "Bench", "Bench team", "127.0.0.1"));
            ClientOrigin origin = new ClientOrigin(Device.unknown(), "jmh", "127.0.0.1", GeoLocation.local());
            tokens = new String[SESSIONS];
            for (int i = 0; i < SESSIONS; i++) {
                tokens[i] = sessions.start(new NewSession(account.id(), origin, AppType.API, false)).token();
            }
            for (String token : tokens) {
                if (!(sessions.check(token, Optional.empty()) instanceof Sessions.Check.Valid))
                    throw new IllegalStateException("a fresh session does not check as valid");
            }
            // Keys are made as a person makes them (from a signed-in session), so the keys module knows their scopes.
            var signedIn = ((Sessions.Check.Valid) sessions.check(tokens[0], Optional.empty())).session();
            ApiKeys apiKeys = context.getBean(ApiKeys.class);
            keys = new String[SESSIONS];
            for (int i = 0; i < SESSIONS; i++) {
                keys[i] = apiKeys.create(signedIn, new ApiKeys.NewApiKey("bench key " + i, List.of("sessions:read"),
                        Optional.empty()), "a long benchmark passphrase", "127.0.0.1").secret();
            }
            for (String key : keys) {
                if (!(sessions.check(key, Optional.empty()) instanceof Sessions.Check.Valid valid)
                        || !valid.session().apiKey() || !valid.session().keyScopes().orElseThrow().contains("sessions:read"))
                    throw new IllegalStateException("a fresh API key does not check as a valid key with its scope");
            }
            sql = context.getBean(SqlStatementMetrics.class);
            readsBefore = sql.reads();
            writesBefore = sql.writes();
        }

        @TearDown(Level.Trial)
        public void stop(BenchmarkParams params) throws IOException {
            // A cache hit reads nothing; activity is written by the flush, once per session per interval.
            // Each fork writes this down for main() to print with the summary (not amid JMH's lines).
            String name = params.getBenchmark().replaceAll(".*\\.", "");
            Files.writeString(SQL_NOTE, String.format(Locale.ROOT,
                    "SQL during the %s trial: %d reads, %d writes (%d %s, activity flushed every 5 s)%n", name,
                    sql.reads() - readsBefore, sql.writes() - writesBefore, SESSIONS,
                    name.equals("keyCheck") ? "keys" : "sessions"),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            context.close();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** The same shape of data without Lanyard: 50 tokens, their hashes, a Caffeine cache built like SessionCache's. */
    @State(Scope.Benchmark)
    public static class Baseline {
        String[] tokens;
        String[] hashes;
        Cache<String, Object> cache;

        @Setup(Level.Trial)
        public void fill() {
            tokens = new String[SESSIONS];
            hashes = new String[SESSIONS];
            cache = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(java.time.Duration.ofMinutes(30))
                    .executor(Runnable::run).build();
            for (int i = 0; i < SESSIONS; i++) {
                tokens[i] = SessionToken.generate();
                hashes[i] = SessionToken.hash(tokens[i]);
                cache.put(hashes[i], new Object());
            }
        }
    }

    /** Which token comes next, per thread. */
    @State(Scope.Thread)
    public static class Turn {
        int i;

        int next() {
            i = i + 1 == SESSIONS ? 0 : i + 1;
            return i;
        }
    }

    /**
     * Longer warm-up: the fork has just booted Spring and the JIT's queue is full of it. On a
     * loaded machine (load average 10 on 2 cores) the check needed about 20 s to reach its
     * compiled speed; raise it with {@code -wiN} when the warm-up iterations still fall.
     */
    @Benchmark
    @Warmup(iterations = 10, time = 2)
    public Sessions.Check check(App app, Turn turn) {
        return app.sessions.check(app.tokens[turn.next()], Optional.empty());
    }

    /** The same check with API keys in turn: shape and CRC32 first, then the session path, plus the hourly count. */
    @Benchmark
    @Warmup(iterations = 10, time = 2)
    public Sessions.Check keyCheck(App app, Turn turn) {
        return app.sessions.check(app.keys[turn.next()], Optional.empty());
    }

    @Benchmark
    public String sha256(Baseline base, Turn turn) {
        return SessionToken.hash(base.tokens[turn.next()]);
    }

    @Benchmark
    public Object caffeineGet(Baseline base, Turn turn) {
        return base.cache.getIfPresent(base.hashes[turn.next()]);
    }

    @Benchmark
    public Object sha256ThenCaffeineGet(Baseline base, Turn turn) {
        return base.cache.getIfPresent(SessionToken.hash(base.tokens[turn.next()]));
    }

    /** Runs the five benchmarks (with the GC profiler) and prints a summary with ratios. */
    public static void main(String[] args) throws Exception {
        var options = new OptionsBuilder().addProfiler(GCProfiler.class).shouldFailOnError(true);
        String only = "";
        for (String arg : args) {
            if (arg.startsWith("-t")) options.threads(Integer.parseInt(arg.substring(2)));
            else if (arg.startsWith("-wi")) options.warmupIterations(Integer.parseInt(arg.substring(3)));
            else if (arg.startsWith("-only=")) only = arg.substring(6) + "$";
            else throw new IllegalArgumentException("unknown option " + arg + "; known: -tN -wiN -only=NAME");
        }
        options.include(SessionCheckBenchmark.class.getName() + "\\." + only);
        Files.deleteIfExists(SQL_NOTE);
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, double[]> byName = new HashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            var primary = r.getPrimaryResult();
            var alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            byName.put(name, new double[]{primary.getScore(), primary.getScoreError(),
                    alloc == null ? Double.NaN : alloc.getScore()});
        }
        System.out.println();
        System.out.println("== Session check summary (ns/op, lower is better; 1 fork; warm-up 10x2s for check and keyCheck (unless -wi), 3x1s for the rest; 5x1s measured) ==");
        for (String name : new String[]{"check", "keyCheck", "sha256", "caffeineGet", "sha256ThenCaffeineGet"}) {
            double[] v = byName.get(name);
            if (v == null) continue;
            System.out.printf(Locale.ROOT, "%-24s %9.1f ± %7.1f ns/op   %6.0f B/op allocated%n", name, v[0], v[1], v[2]);
        }
        if (Files.exists(SQL_NOTE)) System.out.print(Files.readString(SQL_NOTE));
        double[] check = byName.get("check");
        double[] keyCheck = byName.get("keyCheck");
        if (check != null && keyCheck != null) {
            double r = keyCheck[0] / check[0];
            System.out.printf(Locale.ROOT, "%-32s %6.2fx   goal: within %.1fx: %s%n", "keyCheck / check", r, KEY_GOAL_RATIO,
                    r <= KEY_GOAL_RATIO ? "MET" : "MISSED");
        }
        if (check == null) return;
        ratio("check / sha256", check, byName.get("sha256"));
        ratio("check / caffeineGet", check, byName.get("caffeineGet"));
        ratio("check / (sha256 + caffeineGet)", check, byName.get("sha256ThenCaffeineGet"));
        System.out.printf(Locale.ROOT, "goal: check <= %.0f ns: %s (%.2f µs)%n", GOAL_NANOS,
                check[0] <= GOAL_NANOS ? "MET" : "MISSED", check[0] / 1000);
    }

    private static void ratio(String label, double[] a, double[] b) {
        if (b != null) System.out.printf(Locale.ROOT, "%-32s %6.2fx%n", label, a[0] / b[0]);
    }
}
