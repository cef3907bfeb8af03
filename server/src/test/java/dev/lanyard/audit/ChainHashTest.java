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
