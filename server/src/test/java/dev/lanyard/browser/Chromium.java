package dev.lanyard.browser;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Route;

/**
 * Debian's Chromium driven by Playwright, and browser contexts that pose as a device somewhere:
 * the launch and the device emulation of {@code SessionsBrowserTest}, for browser tests that
 * need the same.
 *
 * <p>Lanyard reads the device from the sign-in request's User-Agent and client hints, and believes
 * the hints. Chromium would attach its own hints to every request, which no real Safari or Firefox
 * sends, and an interceptor cannot take them off; so the requests that start a session (the
 * sign-in, sign-up and join forms) are sent by Playwright itself ({@link Route#fetch}) with exactly
 * the hints the emulated browser sends. Every request claims the device's public address in
 * {@code X-Forwarded-For}, which the test server trusts from 127.0.0.1
 * ({@code lanyard.web.trusted-proxies=127.0.0.1}).
 */
final class Chromium {
    static final Path EXECUTABLE = Paths.get("/usr/bin/chromium");

    /** A browser on a device at a public address, with the client hints it really sends. */
    record Device(String userAgent, String ip, Map<String, String> clientHints) {
    }

    /** Chrome 131 on a Mac in Madrid (Telefónica), with the client hints real Chrome sends. */
    static final Device MAC_MADRID = new Device(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "80.58.61.250",
            Map.of("sec-ch-ua", "\"Google Chrome\";v=\"131\", \"Chromium\";v=\"131\", \"Not_A Brand\";v=\"24\"",
                    "sec-ch-ua-full-version-list",
                    "\"Google Chrome\";v=\"131.0.6778.86\", \"Chromium\";v=\"131.0.6778.86\", \"Not_A Brand\";v=\"24.0.0.0\"",
                    "sec-ch-ua-mobile", "?0",
                    "sec-ch-ua-platform", "\"macOS\"",
                    "sec-ch-ua-platform-version", "\"14.6.1\"",
                    "sec-ch-ua-arch", "\"arm\"",
                    "sec-ch-ua-model", "\"\""));
    /** Safari on an iPhone in London (Safari sends no client hints). */
    static final Device IPHONE_LONDON = new Device(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
            "212.58.244.20", Map.of());
    /** Firefox on an Android phone in Paris (Firefox sends no client hints). */
    static final Device ANDROID_PARIS = new Device(
            "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
            "62.210.16.1", Map.of());
    /** Firefox on Linux in Berlin. */
    static final Device LINUX_BERLIN = new Device(
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "85.214.132.117", Map.of());
    /** Firefox on Windows in Stockholm (Firefox sends no client hints). */
    static final Device WINDOWS_STOCKHOLM = new Device(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "5.198.250.10", Map.of());

    /** Form posts that start a session: sign-in, sign-up, and joining a team from an invitation link. */
    private static final Pattern SESSION_STARTS = Pattern.compile("/(login|signup|invite/[^/?]+)$");

    private Chromium() {
    }

    /** Starts Chromium headless; fails the test run with what to install when it is missing. */
    static Browser launch(Playwright playwright) {
        if (!Files.isExecutable(EXECUTABLE)) {
            fail("Browser tests need Chromium at " + EXECUTABLE + ". Install Debian's `chromium` package "
                    + "(apt-get install chromium; the README's test command installs it when run as root).");
        }
        return playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(EXECUTABLE)
                .setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--disable-quic", "--no-first-run")));
    }

    /** Playwright without its own browser download: the tests use Debian's Chromium. */
    static Playwright playwright() {
        return Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    }

    /** A fresh context (its own cookies) for {@code device}, against the test server on {@code port}. */
    static BrowserContext context(Browser browser, int port, Device device) {
        return context(browser, port, device, 1200, 900);
    }

    /** {@link #context(Browser, int, Device)} with a viewport of {@code width} × {@code height}. */
    static BrowserContext context(Browser browser, int port, Device device, int width, int height) {
        return context(browser, port, device, width, height, null);
    }

    /** {@link #context(Browser, int, Device, int, int)} in the timezone {@code timezoneId} ("Asia/Tokyo"); null: the machine's. */
    static BrowserContext context(Browser browser, int port, Device device, int width, int height, String timezoneId) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                .setBaseURL("http://127.0.0.1:" + port)
                .setUserAgent(device.userAgent())
                .setExtraHTTPHeaders(Map.of("X-Forwarded-For", device.ip()))
                .setViewportSize(width, height)
                .setLocale("en-GB")
                .setTimezoneId(timezoneId));
        context.setDefaultTimeout(10_000);
        context.route(SESSION_STARTS, route -> {
            if (!"POST".equals(route.request().method())) {
                route.resume();
                return;
            }
            Map<String, String> headers = new HashMap<>(route.request().headers());
            headers.keySet().removeIf(name -> name.toLowerCase(Locale.ROOT).startsWith("sec-ch-ua"));
            headers.putAll(device.clientHints());
            headers.put("x-forwarded-for", device.ip());
            // Not following the redirect: the browser does, so its address bar ends where a user's would.
            route.fulfill(new Route.FulfillOptions().setResponse(
                    route.fetch(new Route.FetchOptions().setHeaders(headers).setMaxRedirects(0))));
        });
        return context;
    }
}
