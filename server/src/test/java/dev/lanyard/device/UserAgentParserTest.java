package dev.lanyard.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UserAgentParserTest {

    private static final String CHROME_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    private static final String IPAD = "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    private static final String PIXEL = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36";
    private static final String REDUCED_ANDROID = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
    private static final String FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
    private static final String EDGE_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
    private static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

    private static UserAgentParser parser;

    @BeforeAll
    static void buildAnalyzerOnce() {
        parser = new UserAgentParser();
    }

    @Test
    void chromeOnMacWithClientHintsShowsTheRealMacOsVersion() {
        Device device = parser.parse(Map.of(
                "User-Agent", CHROME_MAC,
                "Sec-CH-UA", "\"Google Chrome\";v=\"131\", \"Chromium\";v=\"131\", \"Not_A Brand\";v=\"24\"",
                "Sec-CH-UA-Full-Version-List", "\"Google Chrome\";v=\"131.0.6778.86\", \"Chromium\";v=\"131.0.6778.86\"",
                "Sec-CH-UA-Platform", "\"macOS\"",
                "Sec-CH-UA-Platform-Version", "\"14.6.1\"",
                "Sec-CH-UA-Mobile", "?0"));

        assertThat(device).isEqualTo(new Device("Chrome", "131", "macOS", "14", DeviceType.DESKTOP, ""));
        assertThat(device.description()).isEqualTo("Chrome 131 on macOS 14");
    }

    @Test
    void chromeOnMacWithoutClientHintsHidesTheFrozenVersion() {
        Device device = parser.parse(Map.of("User-Agent", CHROME_MAC));

        assertThat(device.os()).isEqualTo("macOS");
        assertThat(device.osVersion()).isEmpty();
        assertThat(device.description()).isEqualTo("Chrome 131 on macOS");
    }

    @Test
    void headerNamesAreMatchedInAnyCase() {
        Device device = parser.parse(Map.of(
                "user-agent", CHROME_MAC, "SEC-CH-UA-PLATFORM", "\"macOS\"", "sec-ch-ua-platform-version", "\"14.6.1\""));

        assertThat(device.description()).isEqualTo("Chrome 131 on macOS 14");
    }

    @Test
    void iphoneSafariIsAMobileIphoneOnIos() {
        Device device = parser.parse(Map.of("User-Agent", IPHONE));

        assertThat(device).isEqualTo(new Device("Safari", "17", "iOS", "17", DeviceType.MOBILE, "iPhone"));
        assertThat(device.description()).isEqualTo("Safari 17 on iPhone");
    }

    @Test
    void ipadIsATablet() {
        Device device = parser.parse(Map.of("User-Agent", IPAD));

        assertThat(device.type()).isEqualTo(DeviceType.TABLET);
        assertThat(device.model()).isEqualTo("iPad");
        assertThat(device.os()).isEqualTo("iOS");
    }

    @Test
    void androidPixelChromeIsAMobilePixel() {
        Device device = parser.parse(Map.of("User-Agent", PIXEL));

        assertThat(device).isEqualTo(new Device("Chrome", "131", "Android", "14", DeviceType.MOBILE, "Pixel 8"));
    }

    @Test
    void reducedAndroidUserAgentTakesModelAndVersionFromClientHints() {
        Device bare = parser.parse(Map.of("User-Agent", REDUCED_ANDROID));
        Device hinted = parser.parse(Map.of("User-Agent", REDUCED_ANDROID,
                "Sec-CH-UA-Model", "\"Pixel 8\"", "Sec-CH-UA-Platform", "\"Android\"",
                "Sec-CH-UA-Platform-Version", "\"14.0.0\"", "Sec-CH-UA-Mobile", "?1"));

        assertThat(bare.model()).as("\"Android Mobile\" names no device").isEmpty();
        assertThat(hinted).isEqualTo(new Device("Chrome", "131", "Android", "14", DeviceType.MOBILE, "Pixel 8"));
    }

    @Test
    void windowsFirefoxIsADesktopWithoutTheAmbiguousNt10Version() {
        Device device = parser.parse(Map.of("User-Agent", FIREFOX_WINDOWS));

        assertThat(device).isEqualTo(new Device("Firefox", "133", "Windows", "", DeviceType.DESKTOP, ""));
        assertThat(device.description()).isEqualTo("Firefox 133 on Windows");
    }

    @Test
    void windowsElevenIsRecognisedFromClientHints() {
        Device device = parser.parse(Map.of("User-Agent", EDGE_WINDOWS,
                "Sec-CH-UA-Platform", "\"Windows\"", "Sec-CH-UA-Platform-Version", "\"15.0.0\""));

        assertThat(device.description()).isEqualTo("Edge 131 on Windows 11");
    }

    /** Yauaa marks the frozen versions of browsers (">=10.15"), but not of Chrome with a full version nor of Electron apps. */
    @Test
    void frozenVersionsAreNotShownWithoutClientHintsWhateverTheBrowser() {
        Map<String, String> shown = Map.of(
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.86 "
                        + "Safari/537.36", "Chrome 131 on macOS",
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Code/1.95.3 "
                        + "Chrome/128.0.6613.186 Electron/32.2.1 Safari/537.36", "Code 1 on Windows",
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Postman/11.20.0 "
                        + "Chrome/128.0.6613.186 Electron/32.2.1 Safari/537.36", "Postman 11 on Windows",
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Slack/4.41.97 "
                        + "Chrome/128.0.6613.186 Electron/32.2.1 Safari/537.36 Sonic Slack_SSB/4.41.97", "Sonic Slack_SSB 4 on macOS");
        shown.forEach((ua, description) -> assertThat(parser.parse(Map.of("User-Agent", ua)).description()).as(ua).isEqualTo(description));
    }

    @Test
    void electronAppsShowTheVersionClientHintsGive() {
        String code = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Code/1.95.3 "
                + "Chrome/128.0.6613.186 Electron/32.2.1 Safari/537.36";

        assertThat(parser.parse(Map.of("User-Agent", code, "Sec-CH-UA-Platform", "\"Windows\"", "Sec-CH-UA-Platform-Version", "\"10.0.0\""))
                .description()).isEqualTo("Code 1 on Windows 10");
        assertThat(parser.parse(Map.of("User-Agent", code, "Sec-CH-UA-Platform", "\"Windows\"", "Sec-CH-UA-Platform-Version", "\"15.0.0\""))
                .description()).isEqualTo("Code 1 on Windows 11");
    }

    @Test
    void aMadeUpPlatformVersionIsNotShown() {
        for (String version : new String[] {"99999.0.0", "1.1.1.1.1.1.1.1", "14.x", "-1"}) {
            assertThat(parser.parse(Map.of("User-Agent", CHROME_MAC, "Sec-CH-UA-Platform", "\"macOS\"",
                    "Sec-CH-UA-Platform-Version", "\"" + version + "\"")).description()).as(version).isEqualTo("Chrome 131 on macOS");
            assertThat(parser.parse(Map.of("User-Agent", EDGE_WINDOWS, "Sec-CH-UA-Platform", "\"Windows\"",
                    "Sec-CH-UA-Platform-Version", "\"" + version + "\"")).description()).as(version).isEqualTo("Edge 131 on Windows");
        }
    }

    @Test
    void anUnknownPlatformHasNoVersion() {
        Device device = parser.parse(Map.of("User-Agent", EDGE_WINDOWS,
                "Sec-CH-UA-Platform", "\"Unknown\"", "Sec-CH-UA-Platform-Version", "\"15.0.0\""));

        assertThat(device.osVersion()).isEmpty();
    }

    /** Yauaa takes a ChromeOS version from the Chrome version ("Chrome OS 131"): only the client hint tells the real one. */
    @Test
    void chromeOsShowsNoVersionGuessedFromTheChromeVersion() {
        String chromebook = "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

        assertThat(parser.parse(Map.of("User-Agent", chromebook)).description()).isEqualTo("Chrome 131 on Chrome OS");
        assertThat(parser.parse(Map.of("User-Agent", chromebook, "Sec-CH-UA-Platform", "\"Chrome OS\"",
                "Sec-CH-UA-Platform-Version", "\"16002.44.0\"")).osVersion()).isEqualTo("16002");
    }

    @Test
    void anIosAppThroughCfNetworkNamesNoDevice() {
        Device device = parser.parse(Map.of("User-Agent", "Lanyard/42 CFNetwork/1568.100.1 Darwin/24.0.0"));

        assertThat(device.model()).as("\"Apple iOS Device\" names no device").isEmpty();
        assertThat(device.description()).isEqualTo("Lanyard 42 on iOS 18");
    }

    @Test
    void googlebotIsABotWithoutAGuessedOperatingSystem() {
        Device device = parser.parse(Map.of("User-Agent", GOOGLEBOT));

        assertThat(device).isEqualTo(new Device("Googlebot", "2", "", "", DeviceType.BOT, ""));
    }

    @Test
    void curlIsNamedAsAClient() {
        Device device = parser.parse(Map.of("User-Agent", "curl/8.5.0"));

        assertThat(device.browser()).isEqualTo("curl");
        assertThat(device.description()).isEqualTo("curl 8");
        assertThat(device.type()).isEqualTo(DeviceType.BOT);
        assertThat(device.type().label()).isEqualTo("Script or bot");
    }

    /** Outside review AC: "Okhttp 4", "Go http client 1" (its HTTP version), "Python-Requests 2", "SamsungBrowser 26". */
    @Test
    void wellKnownClientsAreCalledByTheirOwnNames() {
        assertThat(parser.parse(Map.of("User-Agent", "okhttp/4.12.0")).description()).isEqualTo("OkHttp 4");
        assertThat(parser.parse(Map.of("User-Agent", "Go-http-client/1.1")).description()).isEqualTo("Go HTTP client");
        assertThat(parser.parse(Map.of("User-Agent", "python-requests/2.32.3")).description()).isEqualTo("Python Requests 2");
        assertThat(parser.parse(Map.of("User-Agent", "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36")).browser()).isEqualTo("Samsung Internet");
    }

    /** Outside re-check AF: python-httpx was an "Unknown" device, Node's fetch ({@code undici}, {@code node}) an unknown one. */
    @Test
    void everyListedHttpLibraryIsAScriptAlsoWhereTheRulesCannotNameIt() {
        for (String[] client : new String[][] {{"python-httpx/0.27.0", "Python HTTPX 0"}, {"undici", "Node.js fetch"},
                {"node", "Node.js"}, {"okhttp/4.12.0", "OkHttp 4"}}) {
            Device device = parser.parse(Map.of("User-Agent", client[0]));
            assertThat(device.description()).as(client[0]).isEqualTo(client[1]);
            assertThat(device.type()).as(client[0]).isEqualTo(DeviceType.BOT);
        }
        assertThat(parser.parse(Map.of("User-Agent", "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36")).type()).as("a browser stays one").isEqualTo(DeviceType.MOBILE);
    }

    /**
     * TVs, set-top boxes and game consoles read "Unknown" on session cards: only desktops, phones, tablets and bots were
     * named. Each kind of device Yauaa tells apart that a member would recognise is named now, from real user agents.
     */
    @Test
    void tvsConsolesAndOtherDevicesAreNamedByTheirKind() {
        Map<String, DeviceType> kinds = Map.ofEntries(
                Map.entry("Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 "
                        + "Chrome/76.0.3809.146 TV Safari/537.36", DeviceType.TV),
                Map.entry("Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/94.0.4606.128 "
                        + "Safari/537.36 WebAppManager", DeviceType.TV),
                Map.entry("Mozilla/5.0 (Linux; Android 9; AFTMM Build/PS7233; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
                        + "Chrome/88.0.4324.152 Mobile Safari/537.36", DeviceType.TV),
                Map.entry("Roku/DVP-9.10 (519.10E04111A)", DeviceType.TV),
                Map.entry("Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0 "
                        + "Safari/605.1.15", DeviceType.GAME_CONSOLE),
                Map.entry("Mozilla/5.0 (PlayStation 4 3.11) AppleWebKit/537.73 (KHTML, like Gecko)", DeviceType.GAME_CONSOLE),
                Map.entry("Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 (KHTML, like Gecko) "
                        + "Chrome/70.0.3538.102 Safari/537.36 Edge/18.19041", DeviceType.GAME_CONSOLE),
                Map.entry("Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox Series X) AppleWebKit/537.36 (KHTML, like Gecko) "
                        + "Chrome/48.0.2564.82 Safari/537.36 Edge/20.02", DeviceType.GAME_CONSOLE),
                Map.entry("Mozilla/5.0 (Nintendo Switch; WifiWebAuthApplet) AppleWebKit/606.4 (KHTML, like Gecko) NF/6.0.1.15.4 "
                        + "NintendoBrowser/5.1.0.20393", DeviceType.GAME_CONSOLE),
                Map.entry("Mozilla/5.0 (Nintendo 3DS; U; ; en) Version/1.7412.EU", DeviceType.GAME_CONSOLE),
                Map.entry("Mozilla/5.0 (Linux; Android 11; SAMSUNG Google Pixel Watch) AppleWebKit/537.36 (KHTML, like Gecko) "
                        + "SamsungBrowser/1.2. Chrome/90", DeviceType.WATCH),
                Map.entry("Mozilla/5.0 (X11; U; Linux armv7l like Android; en-us) AppleWebKit/531.2+ (KHTML, like Gecko) Version/5.0 "
                        + "Safari/531.2+ Kindle/3.0+", DeviceType.EREADER),
                Map.entry("Mozilla/5.0 (X11; Linux x86_64; Quest 3) AppleWebKit/537.36 (KHTML, like Gecko) OculusBrowser/33.0.0 "
                        + "SamsungBrowser/4.0 Chrome/126.0.6478.122 VR Safari/537.36", DeviceType.HEADSET),
                Map.entry("Mozilla/5.0 (X11; GNU/Linux) AppleWebKit/601.1 (KHTML, like Gecko) Tesla QtCarBrowser Safari/601.1",
                        DeviceType.CAR),
                Map.entry("Mozilla/5.0 (Linux; Android 9; AEOHY) AppleWebKit/537.36 (KHTML, like Gecko) Silk/94.3.10 like "
                        + "Chrome/94.0.4606.126 Safari/537.36", DeviceType.SMART_HOME),
                Map.entry("Mozilla/5.0 (Linux; Tizen 4.0; SAMSUNG Family Hub 4.0) AppleWebKit/537.36 (KHTML, like Gecko) "
                        + "SamsungBrowser/1.0 Chrome/56.0.2924.0 Mobile Safari/537.36", DeviceType.SMART_HOME),
                Map.entry("Synapse/1.68.0 (b=HEAD,t=v1.68.0,3853011d0)", DeviceType.BOT));
        kinds.forEach((ua, kind) -> assertThat(parser.parse(Map.of("User-Agent", ua)).type()).as(ua).isEqualTo(kind));

        Device tv = parser.parse(Map.of("User-Agent", "Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like "
                + "Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36"));
        assertThat(tv).isEqualTo(new Device("Samsung Internet", "4", "Tizen", "6", DeviceType.TV, "Samsung Smart TV"));
        assertThat(tv.type().label()).isEqualTo("TV");
        assertThat(DeviceType.GAME_CONSOLE.label()).isEqualTo("Game console");
        assertThat(DeviceType.GAME_CONSOLE.code()).isEqualTo("game-console");
    }

    /**
     * Outside review: a Samsung TV's browser was named by a version number the rules took for its name ("69.0.3497.106.1 6 on
     * Tizen 6"). A name without a letter is none, and neither is its version: what Yauaa cannot name is left empty (decision 6).
     */
    @Test
    void aBrowserNameWithoutALetterIsLeftUnnamed() {
        Device tv = parser.parse(Map.of("User-Agent", "Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "69.0.3497.106.1/6.0 TV Safari/537.36"));

        assertThat(tv.browser()).isEmpty();
        assertThat(tv.browserVersion()).isEmpty();
        assertThat(tv.description()).isEqualTo("Samsung Smart TV");
        assertThat(parser.parse(Map.of("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "123/4.0 Safari/537.36")).browser()).isEmpty();
        assertThat(parser.parse(Map.of("User-Agent", "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36")).browser()).as("a named TV browser keeps its name")
                .isEqualTo("Samsung Internet");
    }

    /**
     * Outside review: a PlayStation 5's browser read "Safari 13 on PS5 OS 2", a Nintendo Switch's "NintendoBrowser 5 on
     * Nintendo Nintendo Switch". An appliance is named by its name, as a phone is, its own browser left out; one posing as
     * Safari or named by its engine has no name. Real user agents, from Yauaa's test cases and the devices' own.
     */
    @Test
    void appliancesAreNamedAsTheirOwnersKnowThem() {
        Map<String, String> titles = Map.ofEntries(
                Map.entry("Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0 "
                        + "Safari/605.1.15", "PlayStation 5"),
                Map.entry("Mozilla/5.0 (PlayStation; PlayStation 5/10.20) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 "
                        + "Safari/605.1.15", "PlayStation 5"),
                Map.entry("Mozilla/5.0 (PlayStation 4 3.11) AppleWebKit/537.73 (KHTML, like Gecko)", "PlayStation 4"),
                Map.entry("Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 (KHTML, like Gecko) "
                        + "Chrome/129.0.0.0 Safari/537.36 Edg/129.0.0.0", "Edge 129 on Xbox"),
                Map.entry("Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox Series X) AppleWebKit/537.36 (KHTML, like Gecko) "
                        + "Chrome/48.0.2564.82 Safari/537.36 Edge/20.02", "Edge on Xbox"),
                Map.entry("Mozilla/5.0 (Nintendo Switch; WifiWebAuthApplet) AppleWebKit/606.4 (KHTML, like Gecko) NF/6.0.1.15.4 "
                        + "NintendoBrowser/5.1.0.20393", "Nintendo Switch"),
                Map.entry("Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 "
                        + "Chrome/76.0.3809.146 TV Safari/537.36", "Samsung Smart TV"),
                Map.entry("Mozilla/5.0 (SMART-TV; Linux; Tizen 5.0) AppleWebKit/538.1 (KHTML, like Gecko) Version/5.0 TV Safari/538.1",
                        "Samsung Smart TV"),
                Map.entry("Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.41 (KHTML, like Gecko) Large Screen Safari/537.41 LG "
                        + "Browser/7.00.00(LGE; WEBOS1; 03.00.00; 1); webOS.TV-2014; LG NetCast.TV-2013 Compatible (LGE, WEBOS1, wired)",
                        "LG Smart TV"),
                Map.entry("Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/94.0.4606.128 "
                        + "Safari/537.36 WebAppManager", "LG Smart TV"),
                Map.entry("Mozilla/5.0 (Linux; Android 9; AFTMM Build/PS7233; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
                        + "Chrome/88.0.4324.152 Mobile Safari/537.36", "Chrome Webview 88 on Fire TV Stick 4K"),
                Map.entry("AppleCoreMedia/1.0.0.12B466 (Apple TV; U; CPU OS 8_1_3 like Mac OS X; en_us)", "Apple TV"),
                Map.entry("Mozilla/5.0 (Fuchsia) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/110.0.0.0 Safari/537.36 "
                        + "CrKey/1.56.500000", "Chrome 110 on Chromecast"),
                Map.entry("Mozilla/5.0 (Linux; U; en-US) AppleWebKit/528.5+ (KHTML, like Gecko, Safari/528.5+) Version/4.0 Kindle/3.0 "
                        + "(screen 600x800; rotate)", "Kindle"),
                Map.entry("Mozilla/5.0 (X11; U; Linux armv7l like Android; en-us) AppleWebKit/531.2+ (KHTML, like Gecko) Version/5.0 "
                        + "Safari/531.2+ Kindle/3.0+", "Kindle"),
                Map.entry("Mozilla/5.0 (X11; Linux x86_64; Quest 3) AppleWebKit/537.36 (KHTML, like Gecko) OculusBrowser/33.3.0.1.166."
                        + "605484368 Chrome/124.0.6367.221 VR Safari/537.36", "Oculus Quest 3"),
                Map.entry("Mozilla/5.0 (X11; Linux x86_64; Quest 3) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.226 VR "
                        + "Safari/537.36", "Chrome 126 on Oculus Quest 3"),
                Map.entry("Mozilla/5.0 (X11; GNU/Linux) AppleWebKit/601.1 (KHTML, like Gecko) Tesla QtCarBrowser Safari/601.1", "Tesla"),
                Map.entry("Mozilla/5.0 (X11; GNU/Linux) AppleWebKit/537.36 (KHTML, like Gecko) Chromium/79.0.3945.130 "
                        + "Chrome/79.0.3945.130 Safari/537.36 Tesla/2020.48.30-040912887bad", "Chromium 79 on Tesla"),
                Map.entry("Mozilla/5.0 (Linux; Android 11; SAMSUNG Google Pixel Watch) AppleWebKit/537.36 (KHTML, like Gecko) "
                        + "SamsungBrowser/1.2. Chrome/90", "Samsung Internet 1 on Pixel Watch"),
                Map.entry("atc/1.0 watchOS/7.6.2 model/Watch6,2 hwp/t8301 build/18U80 (6; dt:226)", "ATC 1 on Apple Watch"),
                Map.entry("Mozilla/5.0 (Linux; Android 9; AEOHY) AppleWebKit/537.36 (KHTML, like Gecko) Silk/94.3.10 like "
                        + "Chrome/94.0.4606.126 Safari/537.36", "Silk 94 on Echo Show 15"));
        assertSoftly(soft -> titles.forEach((ua, title) ->
                soft.assertThat(parser.parse(Map.of("User-Agent", ua)).description()).as(ua).isEqualTo(title)));

        assertThat(parser.parse(Map.of("User-Agent", "Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, "
                + "like Gecko) Version/13.0 Safari/605.1.15"))).as("no Safari, and the name the title shows")
                .isEqualTo(new Device("", "", "PS5 OS", "2", DeviceType.GAME_CONSOLE, "PlayStation 5"));
        assertThat(parser.parse(Map.of("User-Agent", "Mozilla/5.0 (Nintendo Switch; WifiWebAuthApplet) AppleWebKit/606.4 (KHTML, "
                + "like Gecko) NF/6.0.1.15.4 NintendoBrowser/5.1.0.20393"))).as("the console's name is no version of its system")
                .isEqualTo(new Device("NintendoBrowser", "5", "Nintendo", "", DeviceType.GAME_CONSOLE, "Nintendo Switch"));
    }

    /** The rule that names an appliance by its name does not reach a computer, a phone or a tablet. */
    @Test
    void aPhonesOwnBrowserIsStillNamed() {
        assertThat(new Device("Samsung Internet", "26", "Android", "14", DeviceType.MOBILE, "Samsung SM-S918B").description())
                .isEqualTo("Samsung Internet 26 on Samsung SM-S918B");
        assertThat(new Device("Samsung Internet", "4", "Tizen", "6", DeviceType.TV, "Samsung Smart TV").description())
                .isEqualTo("Samsung Smart TV");
        assertThat(new Device("TV Bro", "1", "Android", "11", DeviceType.TV, "Nvidia Shield Android TV").description())
                .as("a browser named like a later word of the device is not its own").isEqualTo("TV Bro 1 on Nvidia Shield Android TV");
        assertThat(new Device("Chrome", "125", "Android", "12", DeviceType.TV, "").description())
                .as("an appliance without a name is told by its system").isEqualTo("Chrome 125 on Android 12");
    }

    /**
     * Outside review: Facebook's in-app browser on an iPhone read "UIWebView 605 on iPhone", 605 being WebKit's build. A web
     * view is named by the app the rules find it in, with the app's version; without one, UIWebView shows no version.
     */
    @Test
    void anInAppBrowserIsNamedByItsApp() {
        Map<String, String> shown = Map.of(
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
                        + "[FBAN/FBIOS;FBAV/470.0.0.41.103;FBBV/614373727;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.5;FBSS/3;FBID/phone;"
                        + "FBLC/en_US;FBOP/5]", "Facebook 470 on iPhone",
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
                        + "[FBAN/MessengerForiOS;FBAV/470.0.0.41.103;FBBV/1;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.5]",
                "Facebook Messenger 470 on iPhone",
                "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
                        + "Chrome/127.0.6533.103 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/476.0.0.49.74;]", "Facebook 476 on Pixel 8",
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
                        + "[LinkedInApp]/9.29.8213", "LinkedIn on iPhone",
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/330.0.661281418 "
                        + "Mobile/15E148 Safari/604.1", "Google Search 330 on iPhone",
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
                "UIWebView on iPhone",
                "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
                        + "Chrome/127.0.6533.103 Mobile Safari/537.36", "Chrome Webview 127 on Pixel 8");
        shown.forEach((ua, description) -> assertThat(parser.parse(Map.of("User-Agent", ua)).description()).as(ua).isEqualTo(description));
        assertThat(parser.parse(Map.of("User-Agent", IPHONE)).description()).as("Safari is no app's").isEqualTo("Safari 17 on iPhone");
    }

    @Test
    void missingOrEmptyUserAgentIsAnUnknownDevice() {
        assertThat(parser.parse(Map.of())).isEqualTo(Device.unknown());
        assertThat(parser.parse(Map.of("User-Agent", "   "))).isEqualTo(Device.unknown());
        assertThat(parser.parse(Map.of("Sec-CH-UA-Platform", "\"macOS\""))).isEqualTo(Device.unknown());
    }

    @Test
    void garbageUserAgentNamesNothing() {
        for (String garbage : new String[] {"hello", "' OR 1=1 --", "!!@#$%^ \u0000\uFFFF", "x".repeat(10_000)}) {
            Device device = parser.parse(Map.of("User-Agent", garbage, "Sec-CH-UA-Platform-Version", "\"\u0001\""));

            assertThat(device.browser()).as(garbage).isEmpty();
            assertThat(device.os()).as(garbage).isEmpty();
            assertThat(device.model()).as(garbage).isEmpty();
            assertThat(device.description()).as(garbage).isEqualTo("Unknown device");
        }
    }

    @Test
    void clientHintHeadersAskForTheHighEntropyHints() {
        assertThat(parser.clientHintHeaders()).contains(
                "Sec-CH-UA-Platform-Version", "Sec-CH-UA-Full-Version-List", "Sec-CH-UA-Model", "Sec-CH-UA-Arch");
    }
}
