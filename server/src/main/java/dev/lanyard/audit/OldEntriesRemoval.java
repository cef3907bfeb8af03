package dev.lanyard.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

import dev.lanyard.account.TeamId;
import org.springframework.transaction.support.TransactionTemplate;

/** The audit retention's removals for {@link AuditLog#removeOlderThan} (PRODUCT.md D6, docs/decisions/0049). */
class OldEntriesRemoval {
    private final AuditStore store;
    private final TransactionTemplate transactions;
    /** {@link AuditLog#record}: the entry that says what a removal did commits with it. */
    private final Consumer<AuditEntry.Draft> record;

    OldEntriesRemoval(AuditStore store, TransactionTemplate transactions, Consumer<AuditEntry.Draft> record) {
        this.store = store;
        this.transactions = transactions;
        this.record = record;
    }

    /**
     * Removes each team's entries older than {@code retention} (the audit retention), oldest first, at
     * most {@code removeBatch} per transaction. Each transaction moves the team's {@linkplain
     * AuditStore.Anchor anchor} to the last entry it removed and appends an entry that says so and names
     * the anchor, which {@link AuditLog#verify} checks: the chain still verifies from the anchor on, and an
     * anchor moved by anything else breaks it. Safe on several nodes at once. Returns how many entries
     * were removed.
     */
    long removeOlderThan(Duration retention, Instant now, int removeBatch) {
        Instant before = now.minus(retention);
        String age = retention.toDays() >= 1 && retention.toHoursPart() == 0 && retention.toMinutesPart() == 0
                ? retention.toDays() + (retention.toDays() == 1 ? " day" : " days") : retention.toString();
        long removed = 0;
        for (TeamId team : store.teams()) {
            OptionalLong last = store.lastSeqBefore(team, before);
            if (last.isEmpty()) continue;
            while (true) {
                long from = store.anchor(team).map(AuditStore.Anchor::seq).orElse(0L);
                if (from >= last.getAsLong()) break;
                long upTo = Math.min(last.getAsLong(), from + removeBatch);
                List<AuditEntry> end = store.find(AuditQuery.all(team), new AuditStore.SeqRange(upTo, upTo), false, 1);
                if (end.isEmpty()) break; // Missing: the chain is already broken there, and verify says so.
                AuditStore.Anchor to = new AuditStore.Anchor(upTo, end.get(0).hash(), end.get(0).at());
                Integer done = transactions.execute(tx -> {
                    int n = store.removeUpTo(team, to);
                    if (n > 0) {
                        record.accept(new AuditEntry.Draft(team, now, AuditEntry.Actor.SYSTEM, Optional.empty(), Optional.empty(),
                                AuditAction.OLD_ENTRIES_REMOVED, "Removed " + n + (n == 1 ? " entry" : " entries")
                                + " older than " + age + " (the audit retention). " + ChainCheck.anchorNote(to), Optional.empty()));
                    }
                    return n;
                });
                if (done == null || done == 0) break; // Another node removed them first.
                removed += done;
            }
        }
        return removed;
    }
}
