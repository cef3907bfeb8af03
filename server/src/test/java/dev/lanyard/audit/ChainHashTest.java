package dev.lanyard.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.TeamId;
import dev.lanyard.session.SessionId;
import org.junit.jupiter.api.Test;

class ChainHashTest {
    private static final AuditEntry ENTRY = new AuditEntry(new TeamId("team_1"), 7, Instant.parse("2026-01-10T09:15:00.250Z"),
            new AuditEntry.Actor(Optional.of(new AccountId("acc_ada")), "ada@example.com", "Ada", Optional.of(new SessionId("ses_a"))),
            Optional.of(new AccountId("acc_bob")), Optional.of(new SessionId("ses_b")), "session.revoked",
            "Signed out Safari on iPhone", Optional.of("83.45.123.78"), "ab".repeat(32), "");

    @Test
    void encodingIsPinned() {
        // Every stored chain depends on these bytes (checked independently against the encoding in ChainHash's
        // Javadoc): a change here needs a new version tag, not a new expected value.
        assertThat(ChainHash.of(ENTRY)).isEqualTo("61c6a0172611c205fc9fa030764a5eca647f8297bf68276d23360ead1c6ed2ab");
    }

    private static final AuditEntry.Seal SEAL = new AuditEntry.Seal(
            "78fba33256f92c0786a933b927a4d03af3b3d5e2f2538132f44bfbc2537abb77", Optional.of("00112233445566778899aabbccddeeff"));
    private static final AuditEntry V2 = new AuditEntry(ENTRY.team(), ENTRY.seq(), ENTRY.at(), ENTRY.actor(), ENTRY.subject(),
            ENTRY.session(), ENTRY.action(), ENTRY.detail(), ENTRY.ip(), ENTRY.prevHash(), "", 2, Optional.of(SEAL));

    private static AuditEntry v2(String ip, Optional<String> salt) {
        return new AuditEntry(V2.team(), V2.seq(), V2.at(), V2.actor(), V2.subject(), V2.session(), V2.action(), V2.detail(),
                Optional.of(ip), V2.prevHash(), "", 2, Optional.of(new AuditEntry.Seal(SEAL.commit(), salt)));
    }

    @Test
    void versionTwoIsPinnedAndReducingItsAddressToTheNetworkLeavesTheHashAsItWas() {
        // Computed independently: SHA-256 over "lanyard-audit-v2", the fields as in version 1 up to detail, then
        // the network "83.45.123.0/24" and the commitment SHA-256(salt ‖ "83.45.123.78") in place of the address.
        assertThat(ChainHash.of(V2)).isEqualTo("c315a3b3ea561a3046926e773c3be691f82b5072d50ec68146fd72dace4f07b2");
        assertThat(ChainHash.sealHolds(V2)).isTrue();

        AuditEntry reduced = v2("83.45.123.0/24", Optional.empty());
        assertThat(ChainHash.of(reduced)).isEqualTo(ChainHash.of(V2));
        assertThat(ChainHash.sealHolds(reduced)).isTrue();

        assertThat(ChainHash.of(v2("83.45.124.0/24", Optional.empty()))).as("another network").isNotEqualTo(ChainHash.of(V2));
        assertThat(ChainHash.sealHolds(v2("83.45.123.79", SEAL.salt()))).as("another address of the network").isFalse();
        assertThat(ChainHash.sealHolds(v2("83.45.123.78", Optional.empty()))).as("the address without its salt").isFalse();
        assertThat(ChainHash.sealHolds(v2("83.45.123.0/24", SEAL.salt()))).as("a network with a salt").isFalse();
        assertThat(ChainHash.sealHolds(v2("83.45.123.78", Optional.of("zz")))).as("a salt that is no hex").isFalse();
    }

    private static final String SIX_TO_FOUR = "2002:532d:7b4e::1";
    private static final String SIX_TO_FOUR_COMMIT = "0ed024b9f8da519737ea25444ac9bda98c0dca19f5319d0bbd338c1b9d7c6f36";

    private static AuditEntry sixToFour(int version, String ip, Optional<String> salt) {
        return new AuditEntry(V2.team(), V2.seq(), V2.at(), V2.actor(), V2.subject(), V2.session(), V2.action(), V2.detail(),
                Optional.of(ip), V2.prevHash(), "", version, Optional.of(new AuditEntry.Seal(SIX_TO_FOUR_COMMIT, salt)));
    }

    @Test
    void versionThreeCoversA6to4AddressesIpv4SlashTwentyFourAndVersionTwoItsSlashFortyEightAsBefore() {
        // Computed independently (a script of its own over the encoding in ChainHash's Javadoc): "lanyard-audit-v3" with
        // the network "2002:532d:7b00::/40", and "lanyard-audit-v2" with "2002:532d:7b4e::/48", the same commitment.
        AuditEntry v3 = sixToFour(3, SIX_TO_FOUR, SEAL.salt());
        assertThat(ChainHash.of(v3)).isEqualTo("96c1c115892b3d48517fce8c08bb092cd33118d7d13fe32fdb94496b6a659bec");
        assertThat(ChainHash.sealHolds(v3)).isTrue();
        AuditEntry v3Reduced = sixToFour(3, "2002:532d:7b00::/40", Optional.empty());
        assertThat(ChainHash.of(v3Reduced)).isEqualTo(ChainHash.of(v3));
        assertThat(ChainHash.sealHolds(v3Reduced)).isTrue();
        assertThat(ChainHash.sealHolds(sixToFour(3, "2002:532d:7b4e::/48", Optional.empty())))
                .as("a version 3 entry reduced only to the /48, which is the whole IPv4 address").isFalse();

        AuditEntry v2 = sixToFour(2, SIX_TO_FOUR, SEAL.salt());
        assertThat(ChainHash.of(v2)).as("entries written before keep verifying")
                .isEqualTo("ab2d18c37ec70300732efe31254f64166b10ad1f0ddc314cdd5e4aadfb9a584d");
        assertThat(ChainHash.network(2, SIX_TO_FOUR)).isEqualTo("2002:532d:7b4e::/48");
        AuditEntry v2Reduced = sixToFour(2, "2002:532d:7b4e::/48", Optional.empty());
        assertThat(ChainHash.of(v2Reduced)).isEqualTo(ChainHash.of(v2));
        assertThat(ChainHash.sealHolds(v2Reduced)).isTrue();

        assertThat(ChainHash.network(3, "83.45.123.78")).isEqualTo(ChainHash.network(2, "83.45.123.78"));
        assertThat(ChainHash.network(3, "2a02:1234:abcd:1::5")).isEqualTo(ChainHash.network(2, "2a02:1234:abcd:1::5"));
    }

    @Test
    void aFreshSealCommitsToItsAddressWithASaltOfItsOwn() {
        AuditEntry.Seal one = ChainHash.seal("83.45.123.78");
        AuditEntry.Seal two = ChainHash.seal("83.45.123.78");
        assertThat(one.salt().orElseThrow()).hasSize(32).isNotEqualTo(two.salt().orElseThrow());
        assertThat(one.commit()).isNotEqualTo(two.commit());
        assertThat(ChainHash.sealHolds(new AuditEntry(V2.team(), V2.seq(), V2.at(), V2.actor(), V2.subject(), V2.session(),
                V2.action(), V2.detail(), V2.ip(), V2.prevHash(), "", 2, Optional.of(one)))).isTrue();
    }

    /** An entry written with an address that is a network already (its session's, reduced) is sealed as a reduced one. */
    @Test
    void aNetworkIsSealedWithoutASaltAndHolds() {
        AuditEntry.Seal seal = ChainHash.seal("83.45.123.0/24");
        assertThat(seal.salt()).isEmpty();
        assertThat(ChainHash.sealHolds(new AuditEntry(V2.team(), V2.seq(), V2.at(), V2.actor(), V2.subject(), V2.session(),
                V2.action(), V2.detail(), Optional.of("83.45.123.0/24"), V2.prevHash(), "", 2, Optional.of(seal)))).isTrue();
    }

    @Test
    void everyFieldChangesTheHash() {
        List<UnaryOperator<AuditEntry>> changes = List.of(
                e -> with(e, e.team().value() + "x", e.seq(), e.actor(), e.detail(), e.ip(), e.prevHash()),
                e -> with(e, e.team().value(), e.seq() + 1, e.actor(), e.detail(), e.ip(), e.prevHash()),
                e -> with(e, e.team().value(), e.seq(), new AuditEntry.Actor(Optional.empty(), "ada@example.com", "Ada",
                        e.actor().session()), e.detail(), e.ip(), e.prevHash()),
                e -> with(e, e.team().value(), e.seq(), new AuditEntry.Actor(e.actor().id(), "eve@example.com", "Ada",
                        e.actor().session()), e.detail(), e.ip(), e.prevHash()),
                e -> with(e, e.team().value(), e.seq(), new AuditEntry.Actor(e.actor().id(), e.actor().email(), "Eve",
                        e.actor().session()), e.detail(), e.ip(), e.prevHash()),
                e -> with(e, e.team().value(), e.seq(), new AuditEntry.Actor(e.actor().id(), e.actor().email(),
                        e.actor().name(), Optional.empty()), e.detail(), e.ip(), e.prevHash()),
                e -> with(e, e.team().value(), e.seq(), e.actor(), e.detail() + ".", e.ip(), e.prevHash()),
                e -> with(e, e.team().value(), e.seq(), e.actor(), e.detail(), Optional.empty(), e.prevHash()),
                e -> with(e, e.team().value(), e.seq(), e.actor(), e.detail(), e.ip(), "cd".repeat(32)),
                e -> new AuditEntry(e.team(), e.seq(), e.at().plusMillis(1), e.actor(), e.subject(), e.session(),
                        e.action(), e.detail(), e.ip(), e.prevHash(), ""),
                e -> new AuditEntry(e.team(), e.seq(), e.at(), e.actor(), Optional.empty(), e.session(),
                        e.action(), e.detail(), e.ip(), e.prevHash(), ""),
                e -> new AuditEntry(e.team(), e.seq(), e.at(), e.actor(), e.subject(), Optional.empty(),
                        e.action(), e.detail(), e.ip(), e.prevHash(), ""),
                e -> new AuditEntry(e.team(), e.seq(), e.at(), e.actor(), e.subject(), e.session(),
                        "session.signed-out", e.detail(), e.ip(), e.prevHash(), ""));

        for (UnaryOperator<AuditEntry> change : changes) {
            assertThat(ChainHash.of(change.apply(ENTRY))).isNotEqualTo(ChainHash.of(ENTRY));
        }
    }

    @Test
    void fieldBoundariesAreUnambiguous() {
        AuditEntry ab = with(ENTRY, "t", 1, new AuditEntry.Actor(Optional.empty(), "ab", "c", Optional.empty()), "", Optional.empty(), "");
        AuditEntry bc = with(ENTRY, "t", 1, new AuditEntry.Actor(Optional.empty(), "a", "bc", Optional.empty()), "", Optional.empty(), "");

        assertThat(ChainHash.of(ab)).isNotEqualTo(ChainHash.of(bc));
    }

    @Test
    void missingDiffersFromEmpty() {
        AuditEntry missing = with(ENTRY, "t", 1, new AuditEntry.Actor(Optional.empty(), "", "", Optional.empty()), "", Optional.empty(), "");
        AuditEntry empty = with(ENTRY, "t", 1, new AuditEntry.Actor(Optional.of(new AccountId("")), "", "", Optional.empty()), "",
                Optional.empty(), "");

        assertThat(ChainHash.of(missing)).isNotEqualTo(ChainHash.of(empty));
    }

    private static AuditEntry with(AuditEntry e, String team, long seq, AuditEntry.Actor actor, String detail,
                                   Optional<String> ip, String prevHash) {
        return new AuditEntry(new TeamId(team), seq, e.at(), actor, e.subject(), e.session(), e.action(), detail, ip, prevHash, "");
    }
}
