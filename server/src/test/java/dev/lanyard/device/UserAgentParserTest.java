package dev.lanyard.device;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void googlebotIsABotWithoutAGuessedOperatingSystem() {
        Device device = parser.parse(Map.of("User-Agent", GOOGLEBOT));

        assertThat(device).isEqualTo(new Device("Googlebot", "2", "", "", DeviceType.BOT, ""));
    }

    @Test
    void curlIsNamedAsAClient() {
        Device device = parser.parse(Map.of("User-Agent", "curl/8.5.0"));

        assertThat(device.browser()).isEqualTo("Curl");
        assertThat(device.description()).isEqualTo("Curl 8");
        assertThat(device.type()).isEqualTo(DeviceType.BOT);
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
