package dev.lanyard.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.lanyard.device.Device;
import dev.lanyard.device.DeviceType;
import dev.lanyard.geo.GeoLocation;
import dev.lanyard.session.SessionFlag;
import dev.lanyard.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

class RiskRulesTest {
    static final Device FIREFOX_WINDOWS = new Device("Firefox", "133", "Windows", "11", DeviceType.DESKTOP, "");
    static final Device CHROME_MAC = new Device("Chrome", "131", "macOS", "14", DeviceType.DESKTOP, "");
    static final GeoLocation MADRID = place("Madrid", "Spain", "ES", 40.4168, -3.7038);
    static final GeoLocation BARCELONA = place("Barcelona", "Spain", "ES", 41.3874, 2.1686);
    static final GeoLocation LAS_PALMAS = place("Las Palmas", "Spain", "ES", 28.1235, -15.4363);
    static final GeoLocation BERLIN = place("Berlin", "Germany", "DE", 52.52, 13.405);
    static final GeoLocation LISBON = place("Lisbon", "Portugal", "PT", 38.7223, -9.1393);
    static final GeoLocation BADAJOZ = place("Badajoz", "Spain", "ES", 38.8794, -6.9707);
    static final GeoLocation ELVAS = place("Elvas", "Portugal", "PT", 38.8810, -7.1628);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T08:00:00Z"));
    private final RiskRules rules = new RiskRules(RiskSettings.defaults());

    static GeoLocation place(String city, String country, String code, double lat, double lon) {
        return new GeoLocation(city, "", country, code, "Telefonica", Optional.of(lat), Optional.of(lon), false);
    }

    /** What the account had seen after signing in with {@code device} from {@code ip} at {@code where}, at {@code at}. */
    static SeenStore.Seen knows(Device device, String ip, GeoLocation where, Instant at, Sighting now) {
        Sighting then = Sighting.of(device, ip, where, at);
        return new SeenStore.Seen(true, then.device().equals(now.device()), then.country().equals(now.country()),
                then.address().equals(now.address()), then.place().map(p -> new SeenStore.LastPlace(p, at)));
    }

    @Test
    void anAccountsFirstSignInIsFlaggedInNothing() {
        Sighting now = Sighting.of(FIREFOX_WINDOWS, "83.45.123.9", MADRID, clock.instant());
        assertThat(rules.atSignIn(new SeenStore.Seen(false, false, false, false, Optional.empty()), now)).isEmpty();
    }

    @Test
    void theSameDeviceAddressAndCountryAgainIsNotFlagged() {
        Instant before = clock.instant();
        clock.advance(Duration.ofDays(1));
        Sighting now = Sighting.of(FIREFOX_WINDOWS, "83.45.123.9", MADRID, clock.instant());
        assertThat(rules.atSignIn(knows(FIREFOX_WINDOWS, "83.45.123.9", MADRID, before, now), now)).isEmpty();
    }

    @Test
    void aNewBrowserVersionIsNoNewDevice() {
        Device updated = new Device("Firefox", "140", "Windows", "11", DeviceType.DESKTOP, "");
        Sighting now = Sighting.of(updated, "83.45.123.9", MADRID, clock.instant());
        assertThat(rules.atSignIn(knows(FIREFOX_WINDOWS, "83.45.123.9", MADRID, clock.instant().minusSeconds(60), now), now)).isEmpty();
    }

    @Test
    void aNewDeviceIsFlaggedHighWithItsName() {
        Sighting now = Sighting.of(CHROME_MAC, "83.45.123.9", MADRID, clock.instant());
        assertThat(rules.atSignIn(knows(FIREFOX_WINDOWS, "83.45.123.9", MADRID, clock.instant().minusSeconds(3600), now), now))
                .containsExactly(new SessionFlag("new-device", SessionFlag.Level.HIGH, "First sign-in from Chrome on macOS"));
    }

    /** An iPad after an iPhone, both Safari on iOS: the new device is named with its kind (outside QA AH). */
    @Test
    void aTabletAfterAPhoneOfTheSameBrowserAndSystemIsNamedWithItsKind() {
        Device iphone = new Device("Safari", "17", "iOS", "17", DeviceType.MOBILE, "iPhone");
        Device ipad = new Device("Safari", "17", "iOS", "17", DeviceType.TABLET, "iPad");
        Sighting now = Sighting.of(ipad, "83.45.123.9", MADRID, clock.instant());
        assertThat(rules.atSignIn(knows(iphone, "83.45.123.9", MADRID, clock.instant().minusSeconds(3600), now), now))
                .containsExactly(new SessionFlag("new-device", SessionFlag.Level.HIGH, "First sign-in from Safari on iOS (Tablet)"));
    }

    /** A TV's browser after a phone's, both Chrome on Android: the new device is named a TV, not left for a second phone. */
    @Test
    void aTvAfterAPhoneOfTheSameBrowserAndSystemIsNamedWithItsKind() {
        Device phone = new Device("Chrome", "131", "Android", "14", DeviceType.MOBILE, "Pixel 8");
        Device tv = new Device("Chrome", "125", "Android", "12", DeviceType.TV, "");
        Sighting now = Sighting.of(tv, "83.45.123.9", MADRID, clock.instant());
        assertThat(rules.atSignIn(knows(phone, "83.45.123.9", MADRID, clock.instant().minusSeconds(3600), now), now))
                .containsExactly(new SessionFlag("new-device", SessionFlag.Level.HIGH, "First sign-in from Chrome on Android (TV)"));
    }

    /**
     * Outside review: a console's or a TV's flag read as its card did, by a browser and a firmware ("Safari on PS5 OS (Game
     * console)"). One with a name is called by its name, as its card is now, without versions.
     */
    @Test
    void anApplianceIsNamedAsItsCardNamesIt() {
        Device xbox = new Device("Edge", "129", "Windows", "10", DeviceType.GAME_CONSOLE, "Xbox");
        Sighting now = Sighting.of(xbox, "83.45.123.9", MADRID, clock.instant());
        assertThat(rules.atSignIn(knows(FIREFOX_WINDOWS, "83.45.123.9", MADRID, clock.instant().minusSeconds(3600), now), now))
                .containsExactly(new SessionFlag("new-device", SessionFlag.Level.HIGH, "First sign-in from Edge on Xbox"));
        Device playStation = new Device("", "", "PS5 OS", "2", DeviceType.GAME_CONSOLE, "PlayStation 5");
        assertThat(Sighting.of(playStation, "83.45.123.9", MADRID, clock.instant()).deviceLabel()).isEqualTo("PlayStation 5");
        Device tv = new Device("Samsung Internet", "4", "Tizen", "6", DeviceType.TV, "Samsung Smart TV");
        assertThat(Sighting.of(tv, "83.45.123.9", MADRID, clock.instant()).deviceLabel()).isEqualTo("Samsung Smart TV");
    }

    /** Leaving the user agent out is no way to sign in unnoticed: the first unknown device is a new device, the next is not. */
    @Test
    void aDeviceThatTellsNothingIsADeviceOfItsOwn() {
        Sighting now = Sighting.of(Device.unknown(), "83.45.123.9", MADRID, clock.instant());
        assertThat(rules.atSignIn(knows(FIREFOX_WINDOWS, "83.45.123.9", MADRID, clock.instant().minusSeconds(3600), now), now))
                .containsExactly(new SessionFlag("new-device", SessionFlag.Level.HIGH, "First sign-in from Unknown device"));
        assertThat(rules.atSignIn(knows(Device.unknown(), "83.45.123.9", MADRID, clock.instant().minusSeconds(3600), now), now)).isEmpty();
    }

    /** A 6to4 address carries its site's IPv4 address, and counts as it. */
    @Test
    void aSixToFourAddressIsTheIpv4AddressItCarries() {
        Sighting now = Sighting.of(FIREFOX_WINDOWS, "2002:532d:7b09::1", MADRID, clock.instant());
        assertThat(now.address()).isEqualTo("83.45.123.9");
        assertThat(rules.atSignIn(knows(FIREFOX_WINDOWS, "83.45.123.9", MADRID, clock.instant().minusSeconds(3600), now), now)).isEmpty();
    }

    @Test
    void aNewAddressInAKnownCountryIsMediumAndMasked() {
        Sighting now = Sighting.of(FIREFOX_WINDOWS, "83.45.200.7", BARCELONA, clock.instant());
        assertThat(rules.atSignIn(knows(FIREFOX_WINDOWS, "83.45.123.9", MADRID, clock.instant().minusSeconds(60), now), now))
                .extracting(SessionFlag::code, SessionFlag::level, SessionFlag::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("new-address", SessionFlag.Level.MEDIUM,
                        "First sign-in from the address 83.45.200.•••"));
    }

    @Test
    void aNewCountryIsHighAndNamesTheCountry() {
        clock.advance(Duration.ofDays(3));
        Sighting now = Sighting.of(FIREFOX_WINDOWS, "91.1.2.3", BERLIN, clock.instant());
        assertThat(rules.atSignIn(knows(FIREFOX_WINDOWS, "83.45.123.9", MADRID, clock.instant().minus(Duration.ofDays(3)), now), now))
                .containsExactly(new SessionFlag("new-country", SessionFlag.Level.HIGH, "First sign-in from Germany"));
    }

    @Test
    void madridThenBerlinWithinAnHourIsImpossibleTravel() {
        Instant before = clock.instant();
        clock.advance(Duration.ofMinutes(50));
        Sighting now = Sighting.of(FIREFOX_WINDOWS, "91.1.2.3", BERLIN, clock.instant());
        assertThat(rules.atSignIn(knows(FIREFOX_WINDOWS, "83.45.123.9", MADRID, before, now), now))
                .extracting(SessionFlag::code).containsExactly("new-country", "impossible-travel");
        assertThat(rules.impossibleTravel(knows(FIREFOX_WINDOWS, "83.45.123.9", MADRID, before, now), now).orElseThrow().reason())
                .isEqualTo("Impossible travel: Germany 50 minutes after Spain, 1,869 km away");
    }

    /** What a session keeps one flag per: the country, the two countries of a travel; any new address is one flag. */
    @Test
    void aFlagIsAboutItsCountryOrTheTwoCountriesOfItsTravel() {
        Instant before = clock.instant();
        clock.advance(Duration.ofMinutes(50));
        Sighting berlin = Sighting.of(FIREFOX_WINDOWS, "91.1.2.3", BERLIN, clock.instant());
        SessionFlag there = rules.impossibleTravel(knows(FIREFOX_WINDOWS, "83.45.123.9", MADRID, before, berlin), berlin).orElseThrow();
        clock.advance(Duration.ofSeconds(20));
        Sighting back = Sighting.of(FIREFOX_WINDOWS, "83.45.123.9", MADRID, clock.instant());
        SessionFlag andBack = rules.impossibleTravel(knows(FIREFOX_WINDOWS, "91.1.2.3", BERLIN, clock.instant().minusSeconds(20), back), back)
                .orElseThrow();
        clock.advance(Duration.ofHours(1));
        Sighting again = Sighting.of(FIREFOX_WINDOWS, "91.1.2.4", BERLIN, clock.instant());
        SessionFlag thereAgain = rules.impossibleTravel(knows(FIREFOX_WINDOWS, "83.45.123.9", MADRID, clock.instant().minusSeconds(120), again),
                again).orElseThrow();

        assertThat(RiskRules.subject(there)).isEqualTo("Spain \u2192 Germany");
        assertThat(RiskRules.subject(andBack)).isEqualTo("Germany \u2192 Spain");
        assertThat(thereAgain.reason()).isNotEqualTo(there.reason());
        assertThat(RiskRules.subject(thereAgain)).as("the same travel, another time").isEqualTo(RiskRules.subject(there));
        assertThat(RiskRules.subject(new SessionFlag("new-country", SessionFlag.Level.HIGH, "Used from Brazil for the first time")))
                .isEqualTo("Used from Brazil for the first time");
        assertThat(RiskRules.subject(new SessionFlag("new-address", SessionFlag.Level.LOW, "Used from a new address, 83.45.200.•••")))
                .isEqualTo(RiskRules.subject(new SessionFlag("new-address", SessionFlag.Level.LOW, "Used from a new address, 91.1.2.•••")));
    }

    @Test
    void madridThenBerlinAFlightLaterIsNoImpossibleTravel() {
        Instant before = clock.instant();
        clock.advance(Duration.ofHours(3));
        Sighting now = Sighting.of(FIREFOX_WINDOWS, "91.1.2.3", BERLIN, clock.instant());
        assertThat(rules.impossibleTravel(knows(FIREFOX_WINDOWS, "83.45.123.9", MADRID, before, now), now)).isEmpty();
    }

    @Test
    void coarseLocationsOfAMobileNetworkWithinOneCountryAreNeverImpossibleTravel() {
        // A phone on a Spanish carrier: placed in Madrid, a minute later in Las Palmas (1,750 km) — the carrier's hub, not a flight.
        Instant before = clock.instant();
        clock.advance(Duration.ofMinutes(1));
        Sighting now = Sighting.of(FIREFOX_WINDOWS, "83.45.99.1", LAS_PALMAS, clock.instant());
        SeenStore.Seen seen = knows(FIREFOX_WINDOWS, "83.45.123.9", MADRID, before, now);
        assertThat(rules.impossibleTravel(seen, now)).isEmpty();
        assertThat(rules.atSignIn(seen, now)).extracting(SessionFlag::code).containsExactly("new-address");
        assertThat(rules.atMove(seen, now, before)).extracting(SessionFlag::code, SessionFlag::level)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("new-address", SessionFlag.Level.LOW));
    }

    @Test
    void aShortHopAcrossABorderIsBelowTheDistanceFloor() {
        // Badajoz (ES) and Elvas (PT) are 17 km apart: city-level places of one trip to the shops.
        Instant before = clock.instant();
        clock.advance(Duration.ofMinutes(5));
        Sighting now = Sighting.of(FIREFOX_WINDOWS, "85.1.1.1", ELVAS, clock.instant());
        assertThat(rules.impossibleTravel(knows(FIREFOX_WINDOWS, "83.45.123.9", BADAJOZ, before, now), now)).isEmpty();
    }

    @Test
    void theSpeedLimitIsASetting() {
        RiskRules strict = new RiskRules(new RiskSettings(300.0, 400.0, null, null));
        Instant before = clock.instant();
        clock.advance(Duration.ofHours(1));
        Sighting now = Sighting.of(FIREFOX_WINDOWS, "85.1.1.1", LISBON, clock.instant());
        SeenStore.Seen seen = knows(FIREFOX_WINDOWS, "83.45.123.9", MADRID, before, now); // 503 km in an hour
        assertThat(strict.impossibleTravel(seen, now)).isPresent();
        assertThat(rules.impossibleTravel(seen, now)).isEmpty();
    }

    @Test
    void aSessionStillInUseLongAfterItsSignInIsVeryOld() {
        Instant signedIn = clock.instant();
        clock.advance(Duration.ofDays(200));
        Sighting now = Sighting.of(FIREFOX_WINDOWS, "83.45.123.9", MADRID, clock.instant());
        assertThat(rules.atMove(knows(FIREFOX_WINDOWS, "83.45.123.9", MADRID, signedIn, now), now, signedIn))
                .containsExactly(new SessionFlag("old-session", SessionFlag.Level.MEDIUM, "Signed in 200 days ago and still in use"));
        assertThat(rules.oldSession(signedIn.plus(Duration.ofDays(179)), signedIn)).isEmpty();
    }

    @Test
    void theLocalNetworkIsNeitherANewAddressNorACountry() {
        Sighting now = Sighting.of(FIREFOX_WINDOWS, "192.168.1.20", GeoLocation.local(), clock.instant());
        assertThat(rules.atSignIn(knows(FIREFOX_WINDOWS, "83.45.123.9", MADRID, clock.instant().minusSeconds(60), now), now)).isEmpty();
    }
}
