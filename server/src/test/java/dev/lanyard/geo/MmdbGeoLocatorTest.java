package dev.lanyard.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs against the real DB-IP data, which the test command fetches first: missing data fails, never skips. */
class MmdbGeoLocatorTest {

    private static final Path DATA = Path.of("data", "geo");

    private static MmdbGeoLocator locator;

    @BeforeAll
    static void openRealData() {
        for (String file : List.of(MmdbGeoLocator.CITY_IPV4, MmdbGeoLocator.CITY_IPV6,
                MmdbGeoLocator.ASN_IPV4, MmdbGeoLocator.ASN_IPV6)) {
            if (!Files.isReadable(DATA.resolve(file))) {
                fail("Geolocation test data missing: " + DATA.resolve(file).toAbsolutePath()
                        + ". Run " + MmdbGeoLocator.FETCH_SCRIPT + " first.");
            }
        }
        locator = new MmdbGeoLocator(new GeoSettings(DATA, ""));
        assertThat(locator.hasCityData()).as("city databases open").isTrue();
        assertThat(locator.awaitIspData(Duration.ofMinutes(1))).as("ISP data loads").isTrue();
        assertThat(locator.ispRanges()).as("ISP ranges loaded").isGreaterThan(100_000);
    }

    @AfterAll
    static void close() {
        if (locator != null) locator.close();
    }

    private static InetAddress ip(String literal) {
        return IpLiteral.parse(literal).orElseThrow();
    }

    @Test
    void spanishAddressIsInSpain() {
        GeoLocation location = locator.locate(ip("83.45.123.78"));

        assertThat(location.countryCode()).isEqualTo("ES");
        assertThat(location.country()).isEqualTo("Spain");
        assertThat(location.city()).isNotEmpty();
        assertThat(location.isp()).isNotEmpty();
        assertThat(location.latitude()).isPresent();
        assertThat(location.localNetwork()).isFalse();
    }

    @Test
    void googleDnsHasACountryAndGoogleAsIsp() {
        for (String address : List.of("8.8.8.8", "2001:4860:4860::8888")) {
            GeoLocation location = locator.locate(ip(address));

            assertThat(location.countryCode()).as(address).hasSize(2);
            assertThat(location.country()).as(address).isNotEmpty();
            assertThat(location.isp()).as(address).containsIgnoringCase("Google");
        }
    }

    @Test
    void localNetworksAreLocalNotUnknown() {
        for (String address : List.of("127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                "169.254.1.1", "100.64.0.1", "100.127.255.254", "0.0.0.0", "::1", "::", "fe80::1", "fd12:3456::1",
                "::ffff:192.168.1.1")) {
            assertThat(locator.locate(ip(address))).as(address).isEqualTo(GeoLocation.local());
        }
    }

    @Test
    void addressesJustOutsideLocalNetworksArePublic() {
        for (String address : List.of("172.32.0.1", "100.128.0.1", "11.0.0.1", "2a02:9130::1")) {
            assertThat(locator.locate(ip(address)).localNetwork()).as(address).isFalse();
        }
    }

    /** The prefixes 2002::/16 and 2001:0::/32 are relays' (placed in California): the client is where its IPv4 address is. */
    @Test
    void sixToFourAndTeredoAddressesAreLocatedAsTheIpv4AddressTheyCarry() {
        GeoLocation madrid = locator.locate(ip("83.45.123.78"));

        assertThat(locator.locate(ip("2002:532d:7b4e::1"))).as("6to4, bits 16-47").isEqualTo(madrid);
        assertThat(locator.locate(ip("2001:0:4136:e378:8000:63bf:acd2:84b1"))).as("Teredo, last 32 bits inverted")
                .isEqualTo(madrid);
        assertThat(locator.locate(ip("2002:c0a8:101::1"))).as("6to4 of 192.168.1.1").isEqualTo(GeoLocation.local());
    }

    @Test
    void missingDataLocatesNothingAndThrowsNothing(@TempDir Path empty) {
        try (MmdbGeoLocator bare = new MmdbGeoLocator(new GeoSettings(empty, ""))) {
            assertThat(bare.locate(ip("83.45.123.78"))).isEqualTo(GeoLocation.unknown());
            assertThat(bare.locate(ip("2a02:9130::1"))).isEqualTo(GeoLocation.unknown());
            assertThat(bare.locate(ip("192.168.1.1"))).isEqualTo(GeoLocation.local());
            assertThat(bare.locate(null)).isEqualTo(GeoLocation.unknown());
        }
    }

    @Test
    void corruptDataLocatesNothingAndThrowsNothing(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve(MmdbGeoLocator.CITY_IPV4), new byte[] {1, 2, 3});
        Files.writeString(dir.resolve(MmdbGeoLocator.ASN_IPV4), "not,a\ncsv");
        Files.writeString(dir.resolve(MmdbGeoLocator.ASN_IPV6), "");

        try (MmdbGeoLocator broken = new MmdbGeoLocator(new GeoSettings(dir, ""))) {
            assertThat(broken.awaitIspData(Duration.ofSeconds(10))).isTrue();
            assertThat(broken.locate(ip("83.45.123.78"))).isEqualTo(GeoLocation.unknown());
        }
    }

    @Test
    void operatorCityDatabaseReplacesTheDbIpFiles() {
        try (MmdbGeoLocator custom = new MmdbGeoLocator(
                new GeoSettings(Path.of("does-not-exist"), DATA.resolve(MmdbGeoLocator.CITY_IPV4).toString()))) {
            assertThat(custom.locate(ip("83.45.123.78")).countryCode()).isEqualTo("ES");
            assertThat(custom.locate(ip("2a02:9130::1")))
                    .as("an IPv4-only file must not answer for IPv6").isEqualTo(GeoLocation.unknown());
        }
    }
}
