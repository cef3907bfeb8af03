package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

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
        String body = PasswordChangedMail.reset(ALICE, PasswordResets.Origin.OPERATOR, "203.0.113.9", Instant.parse("2026-12-05T07:00:00Z"),
                "https://lanyard.example", false);

        assertThat(body).contains("was reset with a link the server's operator made for you")
                .contains("Tell your server's operator, ask them for a new link and check your API keys").doesNotContain("/login/forgot");
    }

    private static String body(String place) {
        PasswordChange change = new PasswordChange("old", "new", true,
                new PasswordChange.Origin("ses_x", "Firefox 133 on Windows 11", place, "203.0.113.9"));
        return PasswordChangedMail.body(ALICE, change, Instant.parse("2026-12-05T07:00:00Z"), "https://lanyard.example", false);
    }
}
