package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.geo.GeoLocation;
import dev.lanyard.geo.GeoLocator;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Each session's own activity timeline (PRODUCT.md S3), written as things happen to the session. */
@LanyardSpringTest
class TimelineTest {
    /** MaxMind's and DB-IP's usual example address, in London; Madrid is where the session starts. */
    private static final String LONDON = "81.2.69.160";
    /** Its neighbour, in the same place. */
    private static final String LONDON_TOO = "81.2.69.161";

    @Autowired
    Timeline timeline;
    @Autowired
    Sessions sessions;
    @Autowired
    SessionEnds ends;
    @Autowired
    SessionChanges changes;
    @Autowired
    Accounts accounts;
    @Autowired
    SessionStore store;
    @Autowired
    MutableClock clock;
    @Autowired
    GeoLocator geo;

    private Account alice;

    @BeforeEach
    void signUpAlice() {
        alice = accounts.signUp(TestAccounts.alice());
    }

    private Sessions.Started signIn() {
        return sessions.start(new NewSession(alice.id(), TestSessions.madrid(), AppType.WEB, false));
    }

    private Sessions.Check checkFrom(Sessions.Started started, String ip) {
        return sessions.check(started.token(), new Sessions.Use(ip, Optional.empty(), true));
    }

    private List<String> texts(Sessions.Started started) {
        return timeline.of(row(started)).stream().map(Timeline.Line::text).toList();
    }

    private Session row(Sessions.Started started) {
        return store.find(started.session().id(), alice.id()).orElseThrow();
    }

    @Test
    void startedSessionSaysItSignedIn() {
        Sessions.Started laptop = signIn();

        List<Timeline.Line> lines = timeline.of(row(laptop));

        assertThat(lines).singleElement().satisfies(line -> {
            assertThat(line.text()).isEqualTo("Signed in with a password");
            assertThat(line.at()).isEqualTo(laptop.session().createdAt());
            assertThat(line.when()).isEqualTo(SessionView.EXACT.format(laptop.session().createdAt()));
        });
    }

    @Test
    void renamingIsRecordedWithTheNewName() {
        Sessions.Started laptop = signIn();
        clock.advance(Duration.ofMinutes(5));

        changes.rename(laptop.session().id(), alice.id(), "Work laptop");
        changes.rename(laptop.session().id(), alice.id(), "");

        assertThat(texts(laptop)).containsExactly("Signed in with a password", "Renamed to “Work laptop”", "Name removed");
    }

    @Test
    void useFromANewAddressRecordsTheAddressAndThePlaceAndUpdatesTheSession() {
        Sessions.Started laptop = signIn();
        clock.advance(Duration.ofHours(1));

        assertThat(checkFrom(laptop, LONDON)).isInstanceOf(Sessions.Check.Valid.class);

        Session moved = row(laptop);
        assertThat(moved.ip()).isEqualTo(LONDON);
        assertThat(moved.location().label()).isNotEqualTo("Madrid, Spain").isNotEqualTo("Unknown location");
        assertThat(texts(laptop)).containsExactly("Signed in with a password", "Used from a new IP address: " + LONDON,
                "Location changed to " + moved.location().label());
        assertThat(timeline.of(row(laptop)).get(1).at()).isEqualTo(clock.instant());
    }

    @Test
    void aMoveToALocalNetworkReadsInASentence() {
        Sessions.Started laptop = signIn();
        clock.advance(Duration.ofHours(1));

        checkFrom(laptop, "192.168.1.20");

        assertThat(texts(laptop)).containsExactly("Signed in with a password", "Used from a new IP address: 192.168.1.20",
                "Location changed to a local network");
    }

    @Test
    void useFromTheSameAddressOrWithoutOneRecordsNothing() {
        Sessions.Started laptop = signIn();

        checkFrom(laptop, TestSessions.madrid().ip());
        checkFrom(laptop, "");
        sessions.check(laptop.token(), Optional.empty());

        assertThat(texts(laptop)).containsExactly("Signed in with a password");
        assertThat(row(laptop).ip()).isEqualTo(TestSessions.madrid().ip());
    }

    @Test
    void eachNewAddressIsRecordedOnceUntilItChangesAgain() {
        Sessions.Started laptop = signIn();
        String madridIp = TestSessions.madrid().ip();

        checkFrom(laptop, LONDON);
        String london = row(laptop).location().label();
        checkFrom(laptop, LONDON);
        checkFrom(laptop, madridIp);

        assertThat(texts(laptop)).containsExactly("Signed in with a password",
                "Used from a new IP address: " + LONDON, "Location changed to " + london,
                "Used from a new IP address: " + madridIp, "Location changed to " + row(laptop).location().label());
    }

    @Test
    void newAddressInTheSamePlaceIsRecordedWithoutALocationChange() throws Exception {
        GeoLocation london = geo.locate(InetAddress.getByName(LONDON));
        assertThat(geo.locate(InetAddress.getByName(LONDON_TOO)).label()).as("both addresses are in one place").isEqualTo(london.label());
        Sessions.Started laptop = sessions.start(new NewSession(alice.id(),
                new ClientOrigin(TestSessions.madrid().device(), "", LONDON, london), AppType.WEB, false));

        checkFrom(laptop, LONDON_TOO);

        assertThat(texts(laptop)).containsExactly("Signed in with a password", "Used from a new IP address: " + LONDON_TOO);
    }

    @Test
    void secondMoveWithinTheSamePlaceIsNotALocationChange() throws Exception {
        assertThat(geo.locate(InetAddress.getByName(LONDON_TOO)).label()).as("both addresses are in one place")
                .isEqualTo(geo.locate(InetAddress.getByName(LONDON)).label());
        Sessions.Started laptop = signIn(); // in Madrid
        checkFrom(laptop, LONDON);
        String london = row(laptop).location().label();

        checkFrom(laptop, LONDON_TOO);

        assertThat(texts(laptop)).containsExactly("Signed in with a password",
                "Used from a new IP address: " + LONDON, "Location changed to " + london,
                "Used from a new IP address: " + LONDON_TOO);
    }

    @Test
    void endingIsRecordedWithItsReason() {
        Sessions.Started laptop = signIn();
        Sessions.Started phone = signIn();
        clock.advance(Duration.ofMinutes(1));

        ends.revoke(phone.session().id(), new CurrentSession(laptop.session().id(), alice, AppType.WEB));
        sessions.logout(new CurrentSession(laptop.session().id(), alice, AppType.WEB));

        assertThat(texts(phone)).containsExactly("Signed in with a password", "Ended: Signed out from another device");
        assertThat(texts(laptop)).containsExactly("Signed in with a password", "Ended: Signed out");
        assertThat(timeline.of(row(phone))).last().extracting(Timeline.Line::at).isEqualTo(clock.instant());
    }

    @Test
    void timelineOfAnotherSessionIsItsOwn() {
        Sessions.Started laptop = signIn();
        Sessions.Started phone = signIn();

        changes.rename(phone.session().id(), alice.id(), "Phone");

        assertThat(texts(laptop)).containsExactly("Signed in with a password");
        assertThat(texts(phone)).containsExactly("Signed in with a password", "Renamed to “Phone”");
    }

    @Test
    void aFullTimelineStillEndsWithHowTheSessionEnded() {
        Sessions.Started laptop = signIn();
        for (int i = 1; i <= Timeline.MAX_ENTRIES; i++) changes.rename(laptop.session().id(), alice.id(), "Laptop " + i);
        clock.advance(Duration.ofMinutes(1));

        sessions.logout(new CurrentSession(laptop.session().id(), alice, AppType.WEB));

        List<Timeline.Line> lines = timeline.of(row(laptop));
        assertThat(lines).hasSize(Timeline.MAX_ENTRIES);
        assertThat(lines.get(0).text()).isEqualTo("Renamed to “Laptop 2”");
        assertThat(lines.get(lines.size() - 2).text()).isEqualTo("Renamed to “Laptop " + Timeline.MAX_ENTRIES + "”");
        assertThat(lines).last().satisfies(line -> {
            assertThat(line.text()).isEqualTo("Ended: Signed out");
            assertThat(line.at()).isEqualTo(clock.instant());
        });
    }
}
