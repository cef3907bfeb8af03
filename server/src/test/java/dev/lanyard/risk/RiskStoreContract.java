package dev.lanyard.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.AccountId;
import dev.lanyard.session.SessionId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What {@link SeenStore} and {@link AlertStore} must do; run against each database by a subclass. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RiskStoreContract {
    private HikariDataSource dataSource;
    JdbcClient jdbc;
    private SeenStore seen;
    private AlertStore alerts;
    private final Instant now = Instant.parse("2026-03-02T08:00:00Z");
    private final AccountId alice = new AccountId("acc-alice");
    private final AccountId bob = new AccountId("acc-bob");

    abstract HikariDataSource migratedDatabase();

    @BeforeAll
    void openStores() {
        dataSource = migratedDatabase();
        jdbc = JdbcClient.create(dataSource);
        seen = new JdbcSeenStore(jdbc);
        alerts = new JdbcAlertStore(jdbc);
    }

    @AfterAll
    void closeDatabase() {
        dataSource.close();
    }

    @BeforeEach
    void empty() {
        jdbc.sql("DELETE FROM risk_seen").update();
        jdbc.sql("DELETE FROM alert_links").update();
        jdbc.sql("DELETE FROM alert_settings").update();
    }

    private Sighting madrid(Instant at) {
        return Sighting.of(RiskRulesTest.FIREFOX_WINDOWS, "83.45.123.9", RiskRulesTest.MADRID, at);
    }

    @Test
    void anAccountNeverSeenKnowsNothing() {
        assertThat(seen.lookup(alice, madrid(now))).isEqualTo(new SeenStore.Seen(false, false, false, false, Optional.empty()));
    }

    @Test
    void recordedDeviceCountryAddressAndPlaceAreKnownAfterwards() {
        seen.record(alice, madrid(now));
        SeenStore.Seen found = seen.lookup(alice, madrid(now.plusSeconds(60)));
        assertThat(found.assessedBefore()).isTrue();
        assertThat(found.device()).isTrue();
        assertThat(found.country()).isTrue();
        assertThat(found.address()).isTrue();
        assertThat(found.lastPlace()).hasValueSatisfying(p -> {
            assertThat(p.at()).isEqualTo(now);
            assertThat(p.place().country()).isEqualTo("ES");
            assertThat(p.place().latitude()).isEqualTo(40.42);
        });
    }

    @Test
    void aRemovedMemberIsForgottenWhollyAndNoOneElseIs() {
        seen.record(alice, madrid(now));
        seen.record(bob, madrid(now));

        assertThat(seen.forget(alice)).as("account, device, country, address and place").isEqualTo(5);
        assertThat(seen.lookup(alice, madrid(now.plusSeconds(60)))).isEqualTo(new SeenStore.Seen(false, false, false, false, Optional.empty()));
        assertThat(seen.lookup(bob, madrid(now.plusSeconds(60))).assessedBefore()).isTrue();
        assertThat(seen.forget(alice)).as("again").isZero();
    }

    @Test
    void addressesLastSeenBeforeTheRetentionAreForgottenAndNothingElseIs() {
        seen.record(alice, madrid(now));
        seen.record(alice, Sighting.of(RiskRulesTest.FIREFOX_WINDOWS, "83.45.123.10", RiskRulesTest.MADRID, now.plus(Duration.ofDays(10))));

        seen.record(alice, Sighting.of(RiskRulesTest.FIREFOX_WINDOWS, "83.45.123.11", RiskRulesTest.MADRID, now));
        assertThat(seen.forgetAddresses(now.plus(Duration.ofDays(1)), 1)).as("at most the batch").isEqualTo(1);
        assertThat(seen.forgetAddresses(now.plus(Duration.ofDays(1)), 10)).isEqualTo(1);

        SeenStore.Seen later = seen.lookup(alice, madrid(now.plus(Duration.ofDays(20))));
        assertThat(later.address()).as("83.45.123.9 is forgotten").isFalse();
        assertThat(later.device()).isTrue();
        assertThat(later.country()).isTrue();
        assertThat(later.assessedBefore()).isTrue();
        assertThat(seen.lookup(alice, Sighting.of(RiskRulesTest.FIREFOX_WINDOWS, "83.45.123.10", RiskRulesTest.MADRID,
                now.plus(Duration.ofDays(20)))).address()).isTrue();
        assertThat(seen.forgetAddresses(now.plus(Duration.ofDays(1)), 10)).isZero();
    }

    @Test
    void everythingRememberedOfAnAccountIsReadPageByPageInTheOrderOfKindAndValue() {
        seen.record(alice, madrid(now));
        seen.record(alice, Sighting.of(RiskRulesTest.CHROME_MAC, "91.1.2.3", RiskRulesTest.BERLIN, now.plusSeconds(60)));
        seen.record(bob, madrid(now));

        java.util.List<SeenStore.Remembered> all = new java.util.ArrayList<>();
        Optional<SeenStore.Remembered> after = Optional.empty();
        java.util.List<SeenStore.Remembered> page;
        do {
            page = seen.remembered(alice, after, 2);
            all.addAll(page);
            if (!page.isEmpty()) after = Optional.of(page.get(page.size() - 1));
        } while (page.size() == 2);

        assertThat(all).extracting(r -> r.kind() + " " + r.value()).containsExactly("account ", "address 83.45.123.9",
                "address 91.1.2.3", "country DE", "country ES", "device chrome|macos|DESKTOP", "device firefox|windows|DESKTOP",
                "place 40.42,-3.70,ES", "place 52.52,13.41,DE");
        assertThat(all).filteredOn(r -> r.kind().equals("country") && r.value().equals("DE")).singleElement()
                .satisfies(r -> assertThat(r.at()).isEqualTo(now.plusSeconds(60)));
    }

    @Test
    void whatOneAccountSawIsNotKnownToAnother() {
        seen.record(alice, madrid(now));
        assertThat(seen.lookup(bob, madrid(now)).assessedBefore()).isFalse();
        assertThat(seen.lookup(bob, madrid(now)).device()).isFalse();
    }

    @Test
    void theLatestPlaceIsTheMostRecentlySeenOneAndRecordingAgainOnlyMovesTimes() {
        seen.record(alice, madrid(now));
        Sighting berlin = Sighting.of(RiskRulesTest.CHROME_MAC, "91.1.2.3", RiskRulesTest.BERLIN, now.plus(Duration.ofDays(1)));
        seen.record(alice, berlin);
        seen.record(alice, berlin);
        assertThat(seen.lookup(alice, madrid(now)).lastPlace().orElseThrow().place().country()).isEqualTo("DE");
        seen.record(alice, madrid(now.plus(Duration.ofDays(2))));
        assertThat(seen.lookup(alice, berlin).lastPlace().orElseThrow().place().country()).isEqualTo("ES");
        // An older sighting recorded late never moves a time back.
        seen.record(alice, Sighting.of(RiskRulesTest.CHROME_MAC, "91.1.2.3", RiskRulesTest.BERLIN, now));
        assertThat(seen.lookup(alice, berlin).lastPlace().orElseThrow().place().country()).isEqualTo("ES");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM risk_seen WHERE account_id = :a").param("a", alice.value()).query(Integer.class).single())
                .isEqualTo(1 + 2 + 2 + 2 + 2);
    }

    @Test
    void aNewDeviceIsUnknownWhileTheRestIsKnown() {
        seen.record(alice, madrid(now));
        SeenStore.Seen found = seen.lookup(alice, Sighting.of(RiskRulesTest.CHROME_MAC, "83.45.123.9", RiskRulesTest.MADRID, now));
        assertThat(found.device()).isFalse();
        assertThat(found.country()).isTrue();
        assertThat(found.address()).isTrue();
    }

    @Test
    void newDeviceEmailsAreOnUntilTurnedOff() {
        assertThat(alerts.newDeviceEmails(alice)).isTrue();
        assertThat(alerts.setNewDeviceEmails(alice, true)).isFalse();
        assertThat(alerts.setNewDeviceEmails(alice, false)).isTrue();
        assertThat(alerts.newDeviceEmails(alice)).isFalse();
        assertThat(alerts.newDeviceEmails(bob)).isTrue();
        assertThat(alerts.setNewDeviceEmails(alice, true)).isTrue();
        assertThat(alerts.newDeviceEmails(alice)).isTrue();
    }

    @Test
    void aLinkIsUsedOnceThenForAllOnceAndNeverAfterItExpired() {
        SessionId session = new SessionId("s-" + System.nanoTime());
        alerts.addLink("h1", session, alice, now, now.plus(Duration.ofHours(24)));
        assertThat(alerts.link("h1")).hasValueSatisfying(l -> {
            assertThat(l.session()).isEqualTo(session);
            assertThat(l.account()).isEqualTo(alice);
            assertThat(l.usedAt()).isEmpty();
        });
        assertThat(alerts.useForAll("h1", now)).as("not before its session was ended").isZero();
        assertThat(alerts.use("h1", now.plusSeconds(5))).isEqualTo(1);
        assertThat(alerts.use("h1", now.plusSeconds(6))).isZero();
        assertThat(alerts.useForAll("h1", now.plusSeconds(7))).isEqualTo(1);
        assertThat(alerts.useForAll("h1", now.plusSeconds(8))).isZero();
        assertThat(alerts.link("h1").orElseThrow().allAt()).contains(now.plusSeconds(7));

        alerts.addLink("h2", session, alice, now, now.plus(Duration.ofHours(24)));
        assertThat(alerts.use("h2", now.plus(Duration.ofHours(24)))).isZero();
        assertThat(alerts.link("nothing")).isEmpty();
    }

    @Test
    void expiredLinksAreRemoved() {
        alerts.addLink("old", new SessionId("s-" + System.nanoTime()), alice, now, now.plus(Duration.ofHours(24)));
        alerts.addLink("new", new SessionId("s-" + System.nanoTime()), alice, now.plus(Duration.ofDays(2)), now.plus(Duration.ofDays(3)));
        assertThat(alerts.removeExpired(now.plus(Duration.ofDays(2)))).isEqualTo(1);
        assertThat(alerts.link("old")).isEmpty();
        assertThat(alerts.link("new")).isPresent();
    }
}
