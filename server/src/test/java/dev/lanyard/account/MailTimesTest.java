package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Mails give times in the member's zone, named, or in UTC; only a region Java knows is taken from a browser. */
class MailTimesTest {
    private static final Instant AT = Instant.parse("2026-12-04T17:40:00Z");

    @Test
    void aKnownZoneGivesItsLocalTimeAndNamesIt() {
        assertThat(MailTimes.in(Optional.of(ZoneId.of("Europe/Paris")), AT)).isEqualTo("4 Dec 2026, 18:40 (Europe/Paris)");
        assertThat(MailTimes.in(Optional.of(ZoneId.of("Pacific/Kiritimati")), AT)).isEqualTo("5 Dec 2026, 07:40 (Pacific/Kiritimati)");
        assertThat(MailTimes.in(Optional.of(ZoneId.of("Europe/Paris")), Instant.parse("2026-07-04T17:40:00Z")))
                .as("summer time").isEqualTo("4 Jul 2026, 19:40 (Europe/Paris)");
    }

    @Test
    void noZoneOrUtcByAnotherNameIsUtcAsBefore() {
        assertThat(MailTimes.in(Optional.empty(), AT)).isEqualTo("4 Dec 2026, 17:40 UTC").isEqualTo(MailTimes.utc(AT));
        assertThat(MailTimes.in(Optional.of(ZoneId.of("Etc/UTC")), AT)).isEqualTo("4 Dec 2026, 17:40 UTC");
        assertThat(MailTimes.in(Optional.of(ZoneId.of("GMT")), AT)).isEqualTo("4 Dec 2026, 17:40 UTC");
        assertThat(MailTimes.in(Optional.of(ZoneId.of("Europe/London")), AT)).as("a place on UTC in winter is still named")
                .isEqualTo("4 Dec 2026, 17:40 (Europe/London)");
    }

    @Test
    void onlyARegionJavaKnowsIsTakenFromABrowser() {
        assertThat(MailTimes.region("Asia/Tokyo")).contains(ZoneId.of("Asia/Tokyo"));
        assertThat(MailTimes.region("America/Argentina/ComodRivadavia")).isPresent();
        assertThat(MailTimes.region("UTC")).contains(ZoneId.of("UTC"));
        for (String refused : new String[]{null, "", " ", "+09:00", "UTC+9", "UTC+09:00", "GMT+09:00", "Z", "asia/tokyo", "Asia/Tokyo ",
                "Mars/Olympus_Mons", "Europe/Paris\u0000", "A".repeat(65), "Asia/" + "x".repeat(10_000)}) {
            assertThat(MailTimes.region(refused)).as(String.valueOf(refused)).isEmpty();
        }
    }

    @Test
    void aRegionNamedAsTheDatabaseNamesThemButUnknownToJavaIsToldApartFromNonsense() {
        for (String unknown : new String[]{"Mars/Olympus_Mons", "America/Coyhaique_New", "America/Argentina/Nowhere", "Etc/GMT+15x"}) {
            assertThat(MailTimes.unknownRegion(unknown)).as(unknown).isTrue();
        }
        for (String notUnknown : new String[]{null, "", "Asia/Tokyo", "UTC", "Mars", "+09:00", "asia/tokyo", "Asia/Tokyo ",
                "A/B/C/D", "Europe/Paris\u0000", "Asia/" + "x".repeat(70)}) {
            assertThat(MailTimes.unknownRegion(notUnknown)).as(String.valueOf(notUnknown)).isFalse();
        }
    }
}
