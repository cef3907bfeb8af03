package dev.lanyard.device;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;
import dev.lanyard.ops.BackgroundLoad;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Turns request headers (the User-Agent and the User-Agent Client Hints) into a {@link Device}.
 * Thread-safe; parses are cached, so a returning browser costs a map lookup.
 *
 * <p>Never throws for odd input: a missing or empty User-Agent is {@link Device#unknown()}, and
 * whatever Yauaa cannot name is left empty rather than guessed.
 */
@Component
public class UserAgentParser implements BackgroundLoad {

    private static final Logger log = LoggerFactory.getLogger(UserAgentParser.class);

    private static final String USER_AGENT = "User-Agent";

    /** The hints Lanyard asks for in {@code Accept-CH}; the first three browsers send unasked. */
    private static final List<String> CLIENT_HINTS = List.of(
            "Sec-CH-UA", "Sec-CH-UA-Mobile", "Sec-CH-UA-Platform",
            "Sec-CH-UA-Platform-Version", "Sec-CH-UA-Full-Version-List", "Sec-CH-UA-Model", "Sec-CH-UA-Arch");

    private static final Set<String> GENERIC_DEVICE_NAMES = Set.of(
            "desktop", "linux desktop", "android mobile", "android tablet", "mobile", "tablet", "hacker",
            "apple ios device", "ios device");

    private static final String PLATFORM = "Sec-CH-UA-Platform";
    private static final String PLATFORM_VERSION = "Sec-CH-UA-Platform-Version";

    /**
     * A platform version as browsers send it: up to four dot-separated numbers ("14.6.1", "15.0.0", "16002.44.0").
     * Anything else was made up, and so is a major version past 99 but on ChromeOS, whose versions are build numbers.
     */
    private static final Pattern PLAUSIBLE_PLATFORM_VERSION = Pattern.compile("(\\d{1,5})(\\.\\d{1,5}){0,3}");

    /**
     * What an in-app browser's app name says besides the app ("Facebook App for iOS", "Google Search App"): the system is
     * shown after "on", and that it is an app goes without saying.
     */
    private static final Pattern APP_NAME_SUFFIX = Pattern.compile("( App)?( for (iOS|Android|Windows))?$");

    /** Names the rules give an appliance's browser that are an engine's, a word for any browser or a TV standard's. */
    private static final Set<String> POSED_NAMES = Set.of("applewebkit", "webkit", "webbrowser", "hbbtv");

    /** Product lines a member knows without their maker's name: "PlayStation 5", not "Sony PlayStation 5". */
    private static final List<String> KNOWN_WITHOUT_MAKER = List.of("PlayStation", "Xbox", "Kindle", "Fire TV", "Echo", "Chromecast",
            "Pixel");

    /** The generation and years Yauaa adds to Amazon's devices: "Fire TV Stick 4K-1ST GEN (2018)", "Echo Show 15 (2021)". */
    private static final Pattern GENERATION = Pattern.compile("(-\\d+(ST|ND|RD|TH) GEN)?( \\(\\d{4}(-\\d{4})?\\))?$");

    /** Header values are written by the client; a cap keeps a hostile one from filling the UI. */
    private static final int MAX_VALUE_LENGTH = 64;

    private final CompletableFuture<UserAgentAnalyzer> analyzer;

    /** The analyzer is built in the background when the application is ready, or at the first {@link #parse}, which waits for it. */
    public UserAgentParser() {
        this.analyzer = SharedAnalyzer.INSTANCE;
    }

    /** Starts building the analyzer off the start-up path: start-up does not share the CPU with it. */
    @EventListener(ApplicationReadyEvent.class)
    public void buildInBackground() {
        SharedAnalyzer.start();
    }

    /** Completes when the analyzer is built (or could not be). */
    @Override
    public CompletableFuture<?> loaded() {
        return analyzer;
    }

    /** The header names to list in {@code Accept-CH} so that browsers send the hints {@link #parse} uses. */
    public List<String> clientHintHeaders() {
        return CLIENT_HINTS;
    }

    /**
     * The device described by {@code headers}. Header names may come in any case; headers other
     * than the User-Agent and the client hints are ignored.
     */
    public Device parse(Map<String, String> headers) {
        if (headers == null) return Device.unknown();
        // Only the headers Yauaa reads go into the cache key: cookies or request ids would make
        // every request a cache miss.
        Map<String, String> relevant = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, value) -> {
            if (name == null || value == null) return;
            if (name.equalsIgnoreCase(USER_AGENT)) relevant.put(USER_AGENT, value);
            else CLIENT_HINTS.stream().filter(name::equalsIgnoreCase).findFirst()
                    .ifPresent(canonical -> relevant.put(canonical, value));
        });
        if (relevant.getOrDefault(USER_AGENT, "").isBlank()) return Device.unknown();
        OsVersionSource source = osVersionSource(relevant);
        // Yauaa would show a made-up platform version as it is ("macOS 99999"), or fall back to the frozen one.
        if (source == OsVersionSource.NONE) relevant.remove(PLATFORM_VERSION);
        try {
            SharedAnalyzer.start();
            return toDevice(analyzer.join().parse(relevant), source);
        } catch (RuntimeException e) {
            log.debug("Could not parse user agent {}", relevant.get(USER_AGENT), e);
            return Device.unknown();
        }
    }

    /** Where the version of the operating system may come from. */
    private enum OsVersionSource {
        /** A plausible {@code Sec-CH-UA-Platform-Version}: the real version. */
        CLIENT_HINT,
        /** No hint: the User-Agent, where frozen versions are not shown. */
        USER_AGENT,
        /** A made-up hint, or a platform the browser calls "Unknown": no version is shown. */
        NONE
    }

    private static OsVersionSource osVersionSource(Map<String, String> headers) {
        String platform = headers.get(PLATFORM);
        if (platform != null && (unquoted(platform).isEmpty() || unquoted(platform).equalsIgnoreCase("Unknown"))) {
            return OsVersionSource.NONE;
        }
        String version = headers.get(PLATFORM_VERSION);
        // Chrome on Linux sends an empty version: as good as none.
        if (version == null || unquoted(version).isEmpty()) return OsVersionSource.USER_AGENT;
        Matcher m = PLAUSIBLE_PLATFORM_VERSION.matcher(unquoted(version));
        if (!m.matches()) return OsVersionSource.NONE;
        boolean chromeOs = platform != null && unquoted(platform).replace(" ", "").equalsIgnoreCase("ChromeOS");
        return chromeOs || Integer.parseInt(m.group(1)) < 100 ? OsVersionSource.CLIENT_HINT : OsVersionSource.NONE;
    }

    /** A structured header's string ({@code "macOS"}) without its quotes. */
    private static String unquoted(String value) {
        String v = value.strip();
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1).strip() : v;
    }

    private static Device toDevice(UserAgent ua, OsVersionSource source) {
        DeviceType type = type(ua.getValue(UserAgent.DEVICE_CLASS));
        String named = clean(ua.getValue(UserAgent.AGENT_NAME));
        String version = clean(ua.getValue(UserAgent.AGENT_VERSION_MAJOR));
        // A web view inside an app ("UIWebView", "Chrome Webview") is named by its app where the rules know it, with the
        // app's version: UIWebView's own is WebKit's build ("UIWebView 605" was Facebook 470).
        String app = clean(ua.getValue(UserAgent.WEBVIEW_APP_NAME));
        if (!app.isEmpty()) {
            named = APP_NAME_SUFFIX.matcher(app).replaceFirst("");
            version = clean(ua.getValue(UserAgent.WEBVIEW_APP_VERSION_MAJOR));
        }
        // A name without a letter is a version the rules took for a name (a Samsung TV's "69.0.3497.106.1/6.0"): no name,
        // and what came as its version is none either.
        if (named.codePoints().noneMatch(Character::isLetter)) {
            named = "";
            version = "";
        }
        var product = named.isEmpty() ? ClientNames.firstProduct(ua.getUserAgentString()) : java.util.Optional.<String[]>empty();
        if (product.isPresent()) {
            named = product.get()[0];
            version = product.get()[1];
        }
        // An HTTP library is a script whatever class the rules gave it (python-httpx came out "Unknown").
        if (ClientNames.script(named)) type = DeviceType.BOT;
        String browser = ClientNames.name(named);
        String browserVersion = ClientNames.version(named, version);
        // A crawler's "operating system" is Yauaa's guess at where it runs ("Google Cloud"), not
        // anything the client said, so bots get none.
        String os = type == DeviceType.BOT ? "" : osName(clean(ua.getValue(UserAgent.OPERATING_SYSTEM_NAME)));
        String osVersion = os.isEmpty() || source == OsVersionSource.NONE ? "" : clean(ua.getValue(UserAgent.OPERATING_SYSTEM_VERSION_MAJOR));
        if (source == OsVersionSource.USER_AGENT && frozen(os, osVersion)) osVersion = "";
        String deviceName = clean(ua.getValue(UserAgent.DEVICE_NAME));
        String brand = clean(ua.getValue(UserAgent.DEVICE_BRAND));
        String model = type == DeviceType.MOBILE || type == DeviceType.TABLET ? model(deviceName, brand)
                : type.appliance() ? applianceName(deviceName, brand) : "";
        if (type.appliance()) {
            if (posing(browser, brand)) {
                browser = "";
                browserVersion = "";
            }
            // Yauaa gives some consoles' names as their system's version ("Nintendo" "Nintendo Switch"), a Samsung TV's
            // kind as its Linux's ("SmartTV"): neither is a version.
            if (osVersion.startsWith(os) || osVersion.chars().noneMatch(Character::isDigit)) osVersion = "";
        }
        return new Device(browser, browserVersion, os, osVersion, type, model);
    }

    /**
     * Whether the name the rules give an appliance's browser is what its own browser poses as, not a name of its own:
     * Safari on a device Apple did not make (a PlayStation's, a Samsung TV's WebKit browser), the engine's name (a
     * PlayStation 4's "AppleWebKit"), a word for any browser ("Web Browser") or the TV standard it runs ("HbbTV").
     */
    private static boolean posing(String browser, String brand) {
        String name = browser.toLowerCase(Locale.ROOT).replace(" ", "");
        return (name.equals("safari") && !brand.equals("Apple")) || POSED_NAMES.contains(name);
    }

    /**
     * An appliance's name as its maker sells it: Yauaa's, maker first ("Samsung Smart TV", "Nintendo Switch", "Apple TV",
     * "Hisense 55A6502EA"), the maker left out of the lines known without it ("PlayStation 5", "Xbox", "Kindle", "Fire TV
     * Stick 4K"), without Yauaa's generation and year, and "Smart TV" spelt so ("LG SmartTv"). A name that names no device
     * ("Unspecified TV", "Nettv Device", "Samsung Tizen Device") is none.
     */
    private static String applianceName(String name, String brand) {
        String spelt = name.replace(" ??", "").replace("Unspecified ", "").replace("SmartTv", "Smart TV");
        String named = GENERATION.matcher(spelt).replaceFirst("").strip();
        if (named.equals("TV") || named.equals("Smart TV") || named.endsWith(" Device")) return "";
        if (!brand.isEmpty() && named.startsWith(brand + " ")) {
            String rest = named.substring(brand.length() + 1);
            if (KNOWN_WITHOUT_MAKER.stream().anyMatch(line -> rest.equals(line) || rest.startsWith(line + " "))) return rest;
        }
        return named;
    }

    /**
     * Yauaa's device class as a kind a member recognises. A set-top box (an Apple TV, a Fire TV stick, a Chromecast)
     * is how the TV is watched, so it is the TV; a handheld console is a console; a smart display, a voice assistant and a
     * home appliance (a fridge's screen) are smart home devices; a "Cloud" client is a server's program (a Matrix
     * homeserver), a script. "Anonymized" and "Unknown" say nothing.
     */
    private static DeviceType type(String deviceClass) {
        return switch (deviceClass == null ? "" : deviceClass) {
            case "Desktop" -> DeviceType.DESKTOP;
            case "Phone", "Mobile" -> DeviceType.MOBILE;
            case "Tablet" -> DeviceType.TABLET;
            case "TV", "Set-top box" -> DeviceType.TV;
            case "Game Console", "Handheld Game Console" -> DeviceType.GAME_CONSOLE;
            case "Watch" -> DeviceType.WATCH;
            case "eReader" -> DeviceType.EREADER;
            case "Virtual Reality", "Augmented Reality" -> DeviceType.HEADSET;
            case "Car" -> DeviceType.CAR;
            case "Smart Display", "Voice", "Home Appliance" -> DeviceType.SMART_HOME;
            case "Robot", "Robot Mobile", "Robot Imitator", "Hacker", "Cloud" -> DeviceType.BOT;
            default -> DeviceType.UNKNOWN;
        };
    }

    private static String osName(String name) {
        return switch (name) {
            case "Mac OS", "Mac OS X", "OS X" -> "macOS";
            case "Windows NT" -> "Windows";
            default -> name;
        };
    }

    /**
     * Versions a User-Agent string carries whatever the system (decision 6): Windows NT 10.0 says "10" for Windows 10 and 11,
     * macOS browsers and apps say 10.15 on every version since, and Yauaa takes a ChromeOS version from the Chrome version.
     * Yauaa marks some of them ("&gt;=10.15", which {@link #clean} drops) but not those of Electron apps, nor Chrome's with a
     * full version.
     */
    private static boolean frozen(String os, String version) {
        return switch (os) {
            case "Windows" -> version.equals("10");
            case "macOS" -> version.equals("10.15") || version.startsWith("10.15.") || version.startsWith("10_15");
            case "Chrome OS", "ChromeOS" -> true;
            default -> false;
        };
    }

    /** "Apple iPhone" → "iPhone", "Google Pixel 8" → "Pixel 8", but "Samsung SM-S921B" stays whole. */
    private static String model(String name, String brand) {
        if (name.isEmpty() || GENERIC_DEVICE_NAMES.contains(name.toLowerCase(Locale.ROOT))) return "";
        if (!brand.isEmpty() && name.startsWith(brand + " ")) {
            String rest = name.substring(brand.length() + 1);
            // A product name ("iPhone", "Pixel 8") reads well alone; a bare model code does not.
            if (rest.chars().anyMatch(Character::isLowerCase)) return rest;
        }
        return name;
    }

    /**
     * Yauaa says "Unknown", "??" or "Hacker" when it cannot tell, and ">=10.15" when the
     * User-Agent is frozen (macOS Safari and Chrome, Windows 11 as "NT 10.0"): those are not
     * versions to show, so they become empty. Client hints, when sent, give the real version.
     */
    private static String clean(String value) {
        if (value == null) return "";
        String v = value.strip();
        if (v.isEmpty() || v.equals("??") || v.startsWith(">") || v.startsWith("<")
                || v.equalsIgnoreCase("Unknown") || v.startsWith("Unknown ") || v.equals("Hacker")) {
            return "";
        }
        v = v.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return v.length() > MAX_VALUE_LENGTH ? v.substring(0, MAX_VALUE_LENGTH) : v;
    }

    /**
     * One analyzer per JVM: it is immutable, thread-safe and weighs ~135 MB, and a test run that
     * keeps several Spring contexts cached would otherwise hold one per context. It is built on
     * a daemon thread, started once the application is ready (or by the first parse), so that start-up
     * neither waits the ~3 s it takes nor shares the CPU with it.
     */
    private static final class SharedAnalyzer {
        static final CompletableFuture<UserAgentAnalyzer> INSTANCE = new CompletableFuture<>();
        private static final AtomicBoolean STARTED = new AtomicBoolean();

        static void start() {
            if (!STARTED.compareAndSet(false, true)) return;
            Thread builder = new Thread(() -> {
                try {
                    INSTANCE.complete(build());
                } catch (Throwable e) {
                    log.error("Could not build the user agent analyzer; every device will be unknown", e);
                    INSTANCE.completeExceptionally(e);
                }
            }, "yauaa-build");
            builder.setDaemon(true);
            builder.start();
        }

        private static UserAgentAnalyzer build() {
            long start = System.nanoTime();
            // The rules' own test cases stay behind otherwise: 25 MiB of heap (bench/RESULTS.md).
            UserAgentAnalyzer built = builder().dropTests().build();
            if (RuleIndex.compact(built) < 0) log.info("Yauaa's rule index was not where it used to be; it is used as built, ~55 MiB larger (decisions 45, 77)");
            if (RuleIndex.shareLookups(built) < 0) log.info("Yauaa's prefix lookups were not where they used to be; each step keeps its own, ~9 MiB more (decision 77)");
            log.info("User agent analyzer ready in {} ms", (System.nanoTime() - start) / 1_000_000);
            return built;
        }
    }

    /**
     * How Lanyard's analyzer is built: the fields it shows and no more (the tests build one like it). The in-app browser's
     * app and its version cost 122 of the rule index's 199,853 paths and under 1 MiB of heap.
     */
    static UserAgentAnalyzer.UserAgentAnalyzerBuilder builder() {
        return UserAgentAnalyzer.newBuilder()
                .hideMatcherLoadStats()
                .withCache(10_000)
                .withClientHintsCache(1_000)
                .withFields(UserAgent.AGENT_NAME, UserAgent.AGENT_VERSION_MAJOR,
                        UserAgent.OPERATING_SYSTEM_NAME, UserAgent.OPERATING_SYSTEM_VERSION_MAJOR,
                        UserAgent.DEVICE_CLASS, UserAgent.DEVICE_NAME, UserAgent.DEVICE_BRAND,
                        UserAgent.WEBVIEW_APP_NAME, UserAgent.WEBVIEW_APP_VERSION_MAJOR)
                .immediateInitialization();
    }
}
