package dev.lanyard.passkeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.OtherNodes;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.testsupport.WiredNode;
import org.junit.jupiter.api.Test;

/**
 * The passkey ceremonies' starts counted on two nodes joined by a wire that delivers what one tells to the other at once
 * (the PostgreSQL channel is {@code ThrottleTwoNodesTest}'s): a caller spread over the nodes gets the budget of one
 * (decision 71, as the sign-in throttle).
 */
class CeremonyStartsAcrossNodesTest {
    private static final String ADDRESS = "203.0.113.7";

    private final MutableClock clock = new MutableClock();
    private final WiredNode[] nodes = WiredNode.pair(Passkeys.SIGN_IN_STARTS);
    private final WiredNode nodeA = nodes[0];
    private final WiredNode nodeB = nodes[1];
    private final CeremonyStarts a = new CeremonyStarts(Passkeys.SIGN_IN_STARTS, clock, nodeA, AccountProblem.TooManyAttempts::passkeySignIns);
    private final CeremonyStarts b = new CeremonyStarts(Passkeys.SIGN_IN_STARTS, clock, nodeB, AccountProblem.TooManyAttempts::passkeySignIns);

    private static boolean starts(CeremonyStarts starts, String key) {
        try {
            starts.count(key);
            return true;
        } catch (AccountProblem.TooManyAttempts refused) {
            return false;
        }
    }

    @Test
    void startsSpreadOverTwoNodesMeetTheBudgetOfOne() {
        for (int i = 0; i < CeremonyStarts.PER_MINUTE; i++) {
            assertThat(starts(i % 2 == 0 ? a : b, ADDRESS)).as("start %d", i + 1).isTrue();
        }

        assertThat(starts(a, ADDRESS)).as("node A, after 15 of its own and 15 of node B's").isFalse();
        assertThat(starts(b, ADDRESS)).as("node B").isFalse();
        assertThat(starts(b, "198.51.100.1")).as("another key is not held up").isTrue();
        clock.advance(Duration.ofMinutes(1));
        assertThat(starts(a, ADDRESS)).as("a minute later").isTrue();
        assertThat(starts(b, ADDRESS)).isTrue();
    }

    @Test
    void aStartRefusedIsNotToldAndWhatIsToldHoldsNoAddress() {
        for (int i = 0; i < CeremonyStarts.PER_MINUTE; i++) starts(a, ADDRESS);
        starts(a, ADDRESS);

        assertThat(nodeA.told).hasSize(CeremonyStarts.PER_MINUTE).allSatisfy(message ->
                assertThat(message).doesNotContain("203", "113").matches("[A-Za-z0-9_-]{43}").isEqualTo(OtherNodes.key(ADDRESS)));
    }

    @Test
    void aNodeThatCannotHearTheOthersCountsItsOwnStartsAsBefore() {
        nodeB.hearing = false;
        for (int i = 0; i < CeremonyStarts.PER_MINUTE; i++) assertThat(starts(a, ADDRESS)).isTrue();

        for (int i = 0; i < CeremonyStarts.PER_MINUTE; i++) assertThat(starts(b, ADDRESS)).as("start %d on node B", i + 1).isTrue();
        assertThat(starts(b, ADDRESS)).isFalse();
    }

    @Test
    void whatIsNotAKeyIsIgnored() {
        a.heard("203.0.113.7");
        a.heard("");

        for (int i = 0; i < CeremonyStarts.PER_MINUTE; i++) assertThat(starts(a, "203.0.113.7")).isTrue();
    }
}
