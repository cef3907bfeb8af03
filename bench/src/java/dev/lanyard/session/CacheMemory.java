package dev.lanyard.session;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Role;
import dev.lanyard.account.TeamId;
import dev.lanyard.device.Device;
import dev.lanyard.device.DeviceType;
import dev.lanyard.geo.GeoLocation;

/**
 * Bytes of heap per cached session in the validation cache (issue 12; goal ≤ 300): fills a real
 * {@link SessionCache} through {@link SessionCache#get} with {@code N} sessions shaped as the
 * database returns them, and takes the heap's total from {@code jcmd GC.class_histogram} (which
 * runs a full GC first) before and after. Prints the bytes per session and the classes that grew
 * most.
 *
 * <p>Every loaded row is made of fresh objects, as JDBC makes them: a new string for every column
 * of every row, a new {@link Account} per load. The population: {@code N / 10} members (ten
 * sessions each, as {@code bench/scale.sh}) in 100 teams, 50 distinct user agents, 200 distinct
 * places, and a distinct client address per session (the worst case for the address). No
 * activity is recorded (the entries are as loaded). Then every session is shown once (as
 * {@code GET /api/v1/sessions/current} or the sessions page does), which keeps the row read for
 * it on its entry, and the heap is measured again.
 *
 * <p>Usage: {@code bench/cache-memory.sh [N]} (default 100,000, the default cache size).
 */
public final class CacheMemory {
    private static final SecureRandom RANDOM = new SecureRandom();

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Clock clock = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
        SessionCache cache = new SessionCache(new SessionSettings(null, null, null, (long) n, Duration.ofHours(1), null, 0, null), clock);
        cache.trust(true);

        // Everything but the cache's contents is made before the first histogram.
        List<String> hashes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] hash = new byte[32];
            RANDOM.nextBytes(hash);
            hashes.add(HexFormat.of().formatHex(hash));
        }

        Map<String, Long> before = histogram();
        for (int i = 0; i < n; i++) {
            int at = i;
            // A request hashes its token afresh, and a miss reads the row: both are new objects.
            cache.get(fresh(hashes.get(i)), h -> entry(row(at, clock.instant())));
        }
        long size = cache.size();
        Map<String, Long> after = histogram();
        if (size != n) System.out.printf("note: the cache holds %,d of the %,d sessions loaded%n", size, n);

        long total = after.get("Total") - before.get("Total");
        System.out.printf("%n== Validation cache: heap per cached session (jcmd GC.class_histogram, %,d sessions) ==%n", size);
        System.out.printf("heap %,d -> %,d bytes: %,d bytes for %,d sessions%n", before.get("Total"), after.get("Total"), total, size);
        System.out.printf("%-70s %14s %10s%n", "class (largest growth)", "bytes", "per session");
        after.entrySet().stream().filter(e -> !e.getKey().equals("Total"))
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > size) // at least a byte per session
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(20)
                .forEach(e -> System.out.printf("%-70s %,14d %10.1f%n", e.getKey(), e.getValue(), e.getValue() / (double) size));
        System.out.printf("bytes per cached session: %.0f (goal <= 300: %s)%n", total / (double) size,
                total / (double) size <= 300 ? "MET" : "NOT MET");

        // Then every session shown once (GET /current or the sessions page): the entry keeps the row read for it.
        for (int i = 0; i < n; i++) {
            int at = i;
            CachedSession entry = cache.get(fresh(hashes.get(i)), h -> entry(row(at, clock.instant()))).orElseThrow();
            cache.now(entry, () -> row(at, clock.instant()).session());
        }
        Map<String, Long> shown = histogram();
        long withRows = shown.get("Total") - before.get("Total");
        System.out.printf("after every session was shown once (/current): %,d bytes: %.0f bytes per cached session%n",
                withRows, withRows / (double) size);
        // Keep the cache reachable until the last histogram has been taken.
        if (cache.size() < 0) System.out.println(hashes.size());
    }

    /** What one load reads: the session row and its account row, every string a fresh copy. */
    private record Row(Session session, Account account) {
    }

    /** How {@code Sessions.load} turns a row into a cache entry. */
    private static CachedSession entry(Row row) {
        return new CachedSession(row.session(), row.account());
    }

    private static Row row(int i, Instant now) {
        int member = i / 10;
        int agent = i % 50;
        int place = i % 200;
        Account account = new Account(new AccountId(fresh("acc_" + Long.toString(1_000_000_000L + member, 36) + "x8Yq2LmQ0p")),
                new TeamId(fresh("team_" + Long.toString(1_000_000L + member % 100, 36) + "k3Jd9sQ")),
                fresh("member" + member + "@example.com"), fresh("Member " + member), member % 100 == 0 ? Role.ADMIN : Role.MEMBER,
                now.minus(Duration.ofDays(30)));
        Device device = new Device(fresh(agent % 2 == 0 ? "Chrome" : "Firefox"), fresh(String.valueOf(120 + agent)),
                fresh(agent % 3 == 0 ? "macOS" : "Windows"), fresh(agent % 3 == 0 ? "14" : "11"), DeviceType.DESKTOP, fresh(""));
        String userAgent = fresh("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/"
                + (120 + agent) + ".0.0.0 Safari/537.36");
        GeoLocation location = new GeoLocation(fresh("City " + place), fresh("Region " + place % 40), fresh("Country " + place % 20),
                fresh("C" + (char) ('A' + place % 20)), fresh("ISP number " + place % 30),
                Optional.of(40.0 + place / 1000.0), Optional.of(-3.0 - place / 1000.0), false);
        String ip = fresh("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
        Instant created = now.minus(Duration.ofHours(1 + i % 100));
        Session session = new Session(SessionId.random(), account.id(), fresh(""), AppType.WEB, i % 2 == 0, false, true,
                device, userAgent, ip, location, created, now.minusSeconds(i % 600), Duration.ofHours(8),
                created.plus(Duration.ofDays(30)), new Session.Activity(1, 40 + i % 7, 12 + i % 5, fresh("/settings/sessions")),
                Optional.empty());
        return new Row(session, account);
    }

    /** A copy that shares nothing with {@code s}, as a string read from a result set. */
    private static String fresh(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    /** Bytes by class name, and "Total", after the full GC that GC.class_histogram runs. */
    private static Map<String, Long> histogram() throws Exception {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(ProcessHandle.current().pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        Map<String, Long> bytes = new HashMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = in.readLine()) != null; ) {
                String[] f = l.trim().split("\\s+");
                if (f.length == 3 && f[0].equals("Total")) bytes.put("Total", Long.parseLong(f[2]));
                else if (f.length >= 4 && f[0].endsWith(":")) bytes.merge(f[3], Long.parseLong(f[2]), Long::sum);
            }
        }
        p.waitFor();
        if (!bytes.containsKey("Total")) throw new IllegalStateException("no Total line from jcmd");
        return bytes;
    }
}
