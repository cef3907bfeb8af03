package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

import dev.lanyard.geo.GeoLocation;
import org.junit.jupiter.api.Test;

/** The password-changed mail credits the geolocation data when it names a place found from an address, as the pages do. */
class PasswordChangedMailTest {
    private static final Account ALICE = new Account(AccountId.random(), TeamId.random(), "alice@example.com", "Alice",
            Role.MEMBER, Instant.parse("2026-12-01T10:00:00Z"));

    @Test
    void aPlaceIsCreditedToDbIp() {
        assertThat(body("Madrid, Spain")).contains("Location: Madrid, Spain")
                .endsWith("\nIP Geolocation by DB-IP (https://db-ip.com)\n");
    }

    @Test
    void noPlaceNoCredit() {
        assertThat(body("")).contains("Location: unknown").doesNotContain("DB-IP");
        assertThat(body(GeoLocation.UNKNOWN_LOCATION)).doesNotContain("DB-IP");
        assertThat(body(GeoLocation.LOCAL_NETWORK)).doesNotContain("DB-IP");
    }

    /** Decision 67, addendum: without a mail server there is no page to ask for a link, so the mail sends nobody there. */
    @Test
    void aResetWithTheOperatorsLinkSaysSoAndSendsNobodyToAPageThatIsNotThere() {
        String body = PasswordChangedMail.reset(ALICE, Optional.empty(), PasswordResets.Origin.OPERATOR, "203.0.113.9", Instant.parse("2026-12-05T07:00:00Z"),
                "https://lanyard.example", false);

        assertThat(body).contains("was reset with a link the server's operator made for you")
                .contains("Tell your server's operator, ask them for a new link and check your API keys").doesNotContain("/login/forgot");
    }

    @Test
    void theTimesAreInTheMembersZoneWhenKnownAndInUtcOtherwise() {
        assertThat(body("", Optional.of(ZoneId.of("Asia/Tokyo")))).contains("When:     5 Dec 2026, 16:00 (Asia/Tokyo)\n")
                .doesNotContain("UTC");
        assertThat(body("", Optional.empty())).contains("When:     5 Dec 2026, 07:00 UTC\n");
        assertThat(PasswordChangedMail.linkMade(ALICE, Optional.of(ZoneId.of("America/New_York")), Instant.parse("2026-12-05T07:00:00Z"),
                Instant.parse("2026-12-05T08:00:00Z"), "https://lanyard.example"))
                .contains("by the server's operator, on 5 Dec 2026, 02:00 (America/New_York).")
                .contains("It works until 5 Dec 2026, 03:00 (America/New_York), once.");
    }

    /**
     * A name holding right-to-left text is isolated in the mail, as the pages and the audit log isolate it, so that the
     * comma and the words after it keep their place; a name of left-to-right text reads as ever (outside review).
     */
    @Test
    void aRightToLeftNameIsIsolatedFromTheSentenceAroundIt() {
        Account adel = new Account(AccountId.random(), TeamId.random(), "adel@example.com", "Ada 🦄 عادل", Role.MEMBER,
                Instant.parse("2026-12-01T10:00:00Z"));
        PasswordChange change = new PasswordChange("old", "new", true,
                new PasswordChange.Origin("ses_x", "Firefox 133 on Windows 11", "", "203.0.113.9"));

        assertThat(PasswordChangedMail.body(adel, Optional.empty(), change, Instant.parse("2026-12-05T07:00:00Z"), "https://lanyard.example", false))
                .startsWith("Hello \u2068Ada 🦄 عادل\u2069,\n").contains("account adel@example.com was changed");
        assertThat(PasswordChangedMail.reset(adel, Optional.empty(), PasswordResets.Origin.MAIL, "203.0.113.9", Instant.parse("2026-12-05T07:00:00Z"),
                "https://lanyard.example", true)).startsWith("Hello \u2068Ada 🦄 عادل\u2069,\n");
        assertThat(body("")).startsWith("Hello Alice,\n").contains("Device:   Firefox 133 on Windows 11\n");
    }

    private static String body(String place) {
        return body(place, Optional.empty());
    }

    private static String body(String place, Optional<ZoneId> zone) {
        PasswordChange change = new PasswordChange("old", "new", true,
                new PasswordChange.Origin("ses_x", "Firefox 133 on Windows 11", place, "203.0.113.9"));
        return PasswordChangedMail.body(ALICE, zone, change, Instant.parse("2026-12-05T07:00:00Z"), "https://lanyard.example", false);
    }
}
