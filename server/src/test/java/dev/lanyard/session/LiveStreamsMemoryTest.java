package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import dev.lanyard.account.AccountId;
import dev.lanyard.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

/**
 * What a page's stream hears as it opens about changes made after the page read its list ({@link LiveStreams}): "changed"
 * when its account changed since, or when this node cannot know; nothing when it knows nothing changed.
 */
class LiveStreamsMemoryTest {
    private final MutableClock clock = new MutableClock();
    private final LiveStreams streams = new LiveStreams(
            new LiveSettings(3, 20, 100, Duration.ofSeconds(15), Duration.ofMinutes(30), Duration.ofMinutes(5)), clock);
    private final AccountId alice = new AccountId("acc_alice");
    private final AccountId bob = new AccountId("acc_bob");

    /** A list read now, a little while after the node started listening. */
    private long listNow() {
        clock.advance(Duration.ofSeconds(30));
        return clock.millis();
    }

    @Test
    void nothingChangedSinceTheListIsNoChange() {
        streams.changed(alice, "sessions");
        long listed = listNow();
        clock.advance(Duration.ofSeconds(2));

        assertThat(streams.mayHaveChanged(alice, listed, false)).isFalse();
    }

    @Test
    void aChangeToTheAccountAfterTheListIsAChangeAndAnotherAccountsIsNot() {
        long listed = listNow();
        clock.advance(Duration.ofMillis(300));
        streams.changed(alice, "sessions");

        assertThat(streams.mayHaveChanged(alice, listed, false)).isTrue();
        assertThat(streams.mayHaveChanged(bob, listed, false)).isFalse();
    }

    @Test
    void aChangeJustBeforeTheListCountsSinceAnotherNodesClockMayBeBehind() {
        clock.advance(Duration.ofSeconds(30));
        streams.changed(alice, "sessions");
        clock.advance(Duration.ofMillis(LiveStreams.SKEW_MILLIS - 1));
        long listed = clock.millis();

        assertThat(streams.mayHaveChanged(alice, listed, false)).isTrue();
        clock.advance(Duration.ofMillis(2));
        assertThat(streams.mayHaveChanged(alice, clock.millis(), false)).isFalse();
    }

    /** A list read on this node needs no margin: a change told before it was read is in it; one told at or after may not be. */
    @Test
    void aListReadOnThisNodeNeedsNoMarginForAnotherClock() {
        clock.advance(Duration.ofSeconds(30));
        streams.changed(alice, "sessions");
        clock.advance(Duration.ofMillis(1));
        long listed = clock.millis();

        assertThat(streams.mayHaveChanged(alice, listed, true)).isFalse();
        assertThat(streams.mayHaveChanged(alice, listed, false)).as("read on another node").isTrue();
        streams.changed(alice, "sessions");
        assertThat(streams.mayHaveChanged(alice, listed, true)).as("told at the moment the list was read").isTrue();
    }

    @Test
    void endingsOfAccountsNotReadCountForEveryAccount() {
        long listed = listNow();
        clock.advance(Duration.ofMillis(300));
        streams.changedUnread();

        assertThat(streams.mayHaveChanged(bob, listed, false)).isTrue();
    }

    @Test
    void aListOlderThanWhatTheNodeRemembersIsAChange() {
        long listed = listNow();
        // The margin for other nodes' clocks counts: the list is taken as read that much earlier.
        clock.advance(LiveStreams.REMEMBERED.minusMillis(LiveStreams.SKEW_MILLIS + 1000));
        assertThat(streams.mayHaveChanged(alice, listed, false)).isFalse();

        clock.advance(Duration.ofSeconds(2));
        assertThat(streams.mayHaveChanged(alice, listed, false)).isTrue();
    }

    @Test
    void aListReadBeforeTheNodeLastBeganListeningIsAChange() {
        long listed = listNow();
        clock.advance(Duration.ofSeconds(1));
        streams.heardFromNow();

        assertThat(streams.mayHaveChanged(alice, listed, false)).isTrue();
        assertThat(streams.mayHaveChanged(alice, listNow(), false)).isFalse();
    }

    @Test
    void theHeartbeatForgetsChangesOlderThanWhatItRemembersAndTheAnswerStaysTheSame() {
        long listed = listNow();
        streams.changed(alice, "sessions");
        clock.advance(Duration.ofSeconds(10));
        streams.heartbeat();
        assertThat(streams.mayHaveChanged(alice, listed, false)).isTrue();

        clock.advance(LiveStreams.REMEMBERED);
        streams.heartbeat();
        assertThat(streams.mayHaveChanged(alice, clock.millis() - 1000, false)).isFalse();
        assertThat(streams.mayHaveChanged(alice, listed, false)).isTrue();
    }
}
