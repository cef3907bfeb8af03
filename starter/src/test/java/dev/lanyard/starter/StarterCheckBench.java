package dev.lanyard.starter;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

import com.nimbusds.jwt.JWTClaimsSet;

import dev.lanyard.starter.testapp.TestApp;

/**
 * bench/starter-check.sh: the cost of the starter's per-request check (EndedSessionFilter) in a
 * running app. The same app twice in one JVM — with the starter's chain, and with the same chain
 * minus the filter — both signed in through a fake Lanyard; the app with the check remembers
 * 100,000 ended sessions. Requests alternate between the two apps one by one (the machine is
 * shared: its noise falls on both alike); prints p50/p90 per app and the ratio of the p50s (goal: at most 1.1).
 */
public final class StarterCheckBench {
    static final int REQUESTS = Integer.getInteger("requests", 10_000);

    /** The starter's chain without the check: what an app would have with plain Spring Security OAuth. */
    @Configuration(proxyBeanMethods = false)
    static class WithoutCheck {
        @Bean
        SecurityFilterChain plain(HttpSecurity http, LanyardClientRegistrations registrations) throws Exception {
            http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
                    .oauth2Login(l -> l.clientRegistrationRepository(registrations).loginPage(EndedSessionFilter.SIGN_IN))
                    .oauth2ResourceServer(rs -> rs.jwt(Customizer.withDefaults()));
            return http.build();
        }
    }

    public static void main(String[] args) throws Exception {
        try (FakeLanyard lanyard = new FakeLanyard()) {
            ConfigurableApplicationContext with = start(lanyard, TestApp.class);
            ConfigurableApplicationContext without = start(lanyard, TestApp.class, WithoutCheck.class);
            EndedSessions ended = with.getBean(EndedSessions.class);
            for (int i = 0; i < 100_000; i++) ended.sessionEnded(UUID.randomUUID().toString(), Instant.now());

            Target a = target(lanyard, with);
            Target b = target(lanyard, without);
            paired(a.page, b.page, REQUESTS / 5);   // warm-up
            paired(a.api, b.api, REQUESTS / 5);
            long[][] page = paired(a.page, b.page, REQUESTS);
            long[][] api = paired(a.api, b.api, REQUESTS);
            long check = checkNanos(ended);
            report("page, signed in (OIDC login in the HTTP session)", page);
            report("API, bearer access token (validated with the JWKS)", api);
            System.out.printf(Locale.ROOT, "the check alone (EndedSessions.isEnded, 100,000 ended sessions): %d ns%n", check);
            with.close();
            without.close();
        }
    }

    record Target(List<HttpRequest> page, List<HttpRequest> api, HttpClient http) {
    }

    static ConfigurableApplicationContext start(FakeLanyard lanyard, Class<?>... sources) {
        return new SpringApplicationBuilder(sources).properties("server.port=0", "server.address=127.0.0.1",
                "lanyard.url=" + lanyard.issuer, "lanyard.client-id=" + FakeLanyard.CLIENT_ID, "lanyard.client-secret=" + FakeLanyard.CLIENT_SECRET,
                "lanyard.signals.delivery=none", "logging.level.root=warn", "spring.main.banner-mode=off").run();
    }

    static Target target(FakeLanyard lanyard, ConfigurableApplicationContext app) throws Exception {
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        String base = "http://127.0.0.1:" + port;
        lanyard.nextSid = UUID.randomUUID().toString();
        Browser browser = new Browser();
        HttpResponse<String> signedIn = browser.follow(base + "/hello");
        if (signedIn.statusCode() != 200) throw new IllegalStateException("sign-in failed: " + signedIn.statusCode());
        String cookie = browserCookie(browser, base);
        String token = lanyard.sign(new JWTClaimsSet.Builder().issuer(lanyard.issuer).audience(FakeLanyard.CLIENT_ID).subject("member-1")
                .issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 3_600_000)).claim("sid", UUID.randomUUID().toString())
                .claim("scope", java.util.List.of("openid")).build(), null);
        HttpRequest page = HttpRequest.newBuilder(URI.create(base + "/hello")).header("Cookie", cookie).build();
        HttpRequest api = HttpRequest.newBuilder(URI.create(base + "/api/me")).header("Authorization", "Bearer " + token).build();
        return new Target(List.of(page), List.of(api), HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    }

    private static String browserCookie(Browser browser, String base) throws Exception {
        java.lang.reflect.Field field = Browser.class.getDeclaredField("http");
        field.setAccessible(true);
        HttpClient http = (HttpClient) field.get(browser);
        java.net.CookieManager cookies = (java.net.CookieManager) http.cookieHandler().orElseThrow();
        return cookies.getCookieStore().get(URI.create(base)).stream().filter(c -> c.getName().equals("JSESSIONID"))
                .map(c -> c.getName() + "=" + c.getValue()).findFirst().orElseThrow();
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /**
     * {@code count} pairs of requests, one to each app, the order swapped every other pair, so that
     * the shared machine's noise falls on both alike; returns each request's nanoseconds, per app.
     * Each must answer 200.
     */
    static long[][] paired(List<HttpRequest> with, List<HttpRequest> without, int count) throws Exception {
        long[][] nanos = new long[2][count];
        for (int i = 0; i < count; i++) {
            if (i % 2 == 0) {
                nanos[0][i] = timed(with.get(0));
                nanos[1][i] = timed(without.get(0));
            } else {
                nanos[1][i] = timed(without.get(0));
                nanos[0][i] = timed(with.get(0));
            }
        }
        return nanos;
    }

    static long timed(HttpRequest request) throws Exception {
        long start = System.nanoTime();
        HttpResponse<Void> response = CLIENT.send(request, HttpResponse.BodyHandlers.discarding());
        long took = System.nanoTime() - start;
        if (response.statusCode() != 200) throw new IllegalStateException(request.uri() + " answered " + response.statusCode());
        return took;
    }

    static long checkNanos(EndedSessions ended) {
        int n = 2_000_000;
        boolean any = false;
        for (int i = 0; i < n / 4; i++) any |= ended.isEnded("sid-" + (i & 1023), "member-1", Instant.EPOCH);   // warm-up
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) any |= ended.isEnded("sid-" + (i & 1023), "member-1", Instant.EPOCH);
        long took = System.nanoTime() - start;
        if (any) throw new IllegalStateException("a live session was found ended");
        return took / n;
    }

    static double percentile(long[] nanos, double p) {
        long[] sorted = nanos.clone();
        java.util.Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1000.0;
    }

    static void report(String what, long[][] nanos) {
        double with50 = percentile(nanos[0], 0.5), without50 = percentile(nanos[1], 0.5);
        System.out.printf(Locale.ROOT, "%s, %d requests each: with the check p50 %.1f µs p90 %.1f µs; without p50 %.1f µs p90 %.1f µs; ratio of p50 %.3f (goal <= 1.1)%n",
                what, nanos[0].length, with50, percentile(nanos[0], 0.9), without50, percentile(nanos[1], 0.9), with50 / without50);
    }
}
