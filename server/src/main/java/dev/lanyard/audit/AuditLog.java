package dev.lanyard.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Consumer;

import dev.lanyard.account.TeamId;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The audit log (PRODUCT.md T6): one append-only hash chain per team (docs/decisions/0010-audit-log.md).
 *
 * <p>{@link #record} writes in the caller's transaction, so an entry commits if and only if the
 * change it describes commits. The entries of a transaction are linked into their chains just
 * before it commits: the head row of a team is then locked only for the last moment of the
 * transaction, once per team however many entries it wrote, and always in the same team order.
 * Without a transaction (a failed sign-in) the entry is written in one of its own.
 *
 * <p>There is no method to change or delete an entry.
 */
@Service
public class AuditLog {
    static final int MAX_PAGE = 100;
    /** Rows read per query when verifying or exporting. */
    static final int BATCH = 1000;
    private static final int MAX_ATTEMPTS = 100;

    private final AuditStore store;
    private final TransactionTemplate transactions;

    AuditLog(AuditStore store, PlatformTransactionManager transactions) {
        this.store = store;
        this.transactions = new TransactionTemplate(transactions);
    }

    /** A page of entries and the cursor (a seq) of the next, older page, if any. */
    public record Page(List<AuditEntry> items, Optional<Long> nextCursor) {
    }

    /** The result of recomputing a team's chain. */
    public sealed interface Verification {
        /** Entries checked before the first problem, or all of them. */
        long checked();

        record Intact(long checked) implements Verification {
        }

        /**
         * @param at     the seq where the chain breaks: the edited entry, or the first missing one
         * @param detail what is wrong there, phrased for a person
         */
        record Broken(long checked, long at, Problem problem, String detail) implements Verification {
        }
    }

    public enum Problem {
        /** The entry's content does not match its hash: it was edited. */
        HASH_MISMATCH("hash-mismatch"),
        /** The entry does not point to the hash of the entry before it: one of them was replaced. */
        PREV_HASH_MISMATCH("prev-hash-mismatch"),
        /** An entry is missing: it was deleted. */
        GAP("gap"),
        /** The newest entries do not end where the chain head says: entries were deleted or added at the end. */
        HEAD_MISMATCH("head-mismatch");

        private final String code;

        Problem(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /** Writes an entry in the current transaction (or in one of its own when there is none). */
    public void record(AuditEntry.Draft draft) {
        if (TransactionSynchronizationManager.isActualTransactionActive()
                && TransactionSynchronizationManager.isSynchronizationActive()) {
            Pending pending = (Pending) TransactionSynchronizationManager.getResource(this);
            if (pending == null) {
                pending = new Pending();
                TransactionSynchronizationManager.bindResource(this, pending);
                TransactionSynchronizationManager.registerSynchronization(pending);
            }
            pending.drafts.add(draft);
        } else {
            transactions.executeWithoutResult(tx -> append(List.of(draft)));
        }
    }

    /** Drafts of one transaction, linked into their chains when it is about to commit. */
    private final class Pending implements TransactionSynchronization {
        final List<AuditEntry.Draft> drafts = new ArrayList<>();

        @Override
        public void beforeCommit(boolean readOnly) {
            append(drafts);
            drafts.clear();
        }

        @Override
        public void suspend() {
            TransactionSynchronizationManager.unbindResource(AuditLog.this);
        }

        @Override
        public void resume() {
            TransactionSynchronizationManager.bindResource(AuditLog.this, this);
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(AuditLog.this);
        }
    }

    /** Links the drafts into their teams' chains; must run in a transaction. Teams in id order, so no two transactions wait on each other's heads. */
    List<AuditEntry> append(List<AuditEntry.Draft> drafts) {
        Map<String, List<AuditEntry.Draft>> byTeam = new TreeMap<>();
        for (AuditEntry.Draft draft : drafts) byTeam.computeIfAbsent(draft.team().value(), t -> new ArrayList<>()).add(draft);
        List<AuditEntry> appended = new ArrayList<>(drafts.size());
        byTeam.forEach((team, teamDrafts) -> appended.addAll(append(new TeamId(team), teamDrafts)));
        return appended;
    }

    private List<AuditEntry> append(TeamId team, List<AuditEntry.Draft> drafts) {
        for (int attempt = 1; ; attempt++) {
            Optional<AuditStore.Head> head = store.head(team);
            long seq = head.map(AuditStore.Head::seq).orElse(0L);
            String prev = head.map(AuditStore.Head::hash).orElse(ChainHash.GENESIS);
            Instant floor = head.map(AuditStore.Head::at).orElse(Instant.EPOCH);
            List<AuditEntry> linked = new ArrayList<>(drafts.size());
            for (AuditEntry.Draft draft : drafts) {
                // Times never go backwards along a chain (another node's clock, a transaction that
                // committed later): a time range is then a seq range, which the indexes serve.
                floor = draft.at().isBefore(floor) ? floor : draft.at();
                AuditEntry entry = draft.link(++seq, floor, prev);
                linked.add(entry);
                prev = entry.hash();
            }
            AuditEntry last = linked.get(linked.size() - 1);
            AuditStore.Head moved = new AuditStore.Head(last.seq(), last.hash(), last.at());
            int changed = head.isPresent() ? store.moveHead(team, head.get().seq(), moved) : store.createHead(team, moved);
            if (changed == 1) {
                store.insert(linked);
                return linked;
            }
            if (attempt == MAX_ATTEMPTS)
                throw new IllegalStateException("Could not append to the audit chain of " + team + " after " + attempt + " attempts");
        }
    }

    /**
     * Recomputes the team's chain from its first entry up to its head, reading {@link #BATCH} rows
     * at a time, and reports the first place where it breaks.
     */
    public Verification verify(TeamId team) {
        Optional<AuditStore.Head> head = store.head(team);
        long upTo = head.map(AuditStore.Head::seq).orElse(0L);
        long expected = 1;
        String prev = ChainHash.GENESIS;
        AuditQuery all = AuditQuery.all(team);
        List<AuditEntry> batch;
        do {
            batch = store.find(all, new AuditStore.SeqRange(expected, upTo), false, BATCH);
            for (AuditEntry e : batch) {
                long checked = expected - 1;
                if (e.seq() != expected) {
                    return new Verification.Broken(checked, expected, Problem.GAP, e.seq() == expected + 1
                            ? "Entry " + expected + " is missing."
                            : "Entries " + expected + " to " + (e.seq() - 1) + " are missing.");
                }
                if (!e.prevHash().equals(prev)) {
                    return new Verification.Broken(checked, e.seq(), Problem.PREV_HASH_MISMATCH,
                            "Entry " + e.seq() + " does not follow entry " + (e.seq() - 1) + ": one of them was replaced.");
                }
                if (!e.expectedHash().equals(e.hash())) {
                    return new Verification.Broken(checked, e.seq(), Problem.HASH_MISMATCH,
                            "Entry " + e.seq() + " was changed after it was written: its content does not match its hash.");
                }
                prev = e.hash();
                expected++;
            }
        } while (batch.size() == BATCH);
        long checked = expected - 1;
        if (checked < upTo) {
            return new Verification.Broken(checked, expected, Problem.GAP,
                    "Entries " + expected + " to " + upTo + " are missing: the chain head is at " + upTo + ".");
        }
        if (head.isPresent() && !head.get().hash().equals(prev)) {
            return new Verification.Broken(checked, upTo, Problem.HEAD_MISMATCH,
                    "Entry " + upTo + " is not the one the chain head recorded.");
        }
        List<AuditEntry> beyond = store.find(all, new AuditStore.SeqRange(upTo + 1, Long.MAX_VALUE), false, 1);
        if (!beyond.isEmpty()) {
            long stray = beyond.get(0).seq();
            // Appended since the head was read, or written past the head by hand?
            if (store.head(team).map(AuditStore.Head::seq).orElse(0L) < stray) {
                return new Verification.Broken(checked, stray, Problem.HEAD_MISMATCH,
                        "Entry " + stray + " lies beyond the chain head (" + upTo + "): it was not written by Lanyard.");
            }
        }
        return new Verification.Intact(checked);
    }

    /** Entries that match the query, newest first, {@code limit} (1 to {@link #MAX_PAGE}) at a time, older than the cursor. */
    public Page page(AuditQuery query, int limit, Optional<Long> cursor) {
        int size = Math.max(1, Math.min(limit, MAX_PAGE));
        AuditStore.SeqRange range = range(query);
        if (cursor.isPresent()) range = new AuditStore.SeqRange(range.low(), Math.min(range.high(), cursor.get() - 1));
        List<AuditEntry> rows = store.find(query, range, true, size + 1);
        Optional<Long> next = rows.size() > size ? Optional.of(rows.get(size - 1).seq()) : Optional.empty();
        return new Page(List.copyOf(rows.subList(0, Math.min(size, rows.size()))), next);
    }

    /**
     * Hands every entry that matches the query to {@code sink}, oldest first, reading {@link #BATCH}
     * rows per query and holding no connection while the sink writes. Entries appended meanwhile
     * are left out: the export ends at the head as it was when it began.
     */
    public void export(AuditQuery query, Consumer<AuditEntry> sink) {
        long head = store.head(query.team()).map(AuditStore.Head::seq).orElse(0L);
        AuditStore.SeqRange range = range(query);
        long low = range.low();
        long high = Math.min(range.high(), head);
        List<AuditEntry> batch;
        do {
            batch = store.find(query, new AuditStore.SeqRange(low, high), false, BATCH);
            batch.forEach(sink);
            if (!batch.isEmpty()) low = batch.get(batch.size() - 1).seq() + 1;
        } while (batch.size() == BATCH);
    }

    /** The seq range that a query's time range covers: one index probe at each end. */
    private AuditStore.SeqRange range(AuditQuery query) {
        long low = 1;
        long high = Long.MAX_VALUE;
        if (query.from().isPresent()) {
            OptionalLong first = store.firstSeqFrom(query.team(), query.from().get());
            if (first.isEmpty()) return new AuditStore.SeqRange(1, 0);
            low = first.getAsLong();
        }
        if (query.to().isPresent()) {
            OptionalLong last = store.lastSeqBefore(query.team(), query.to().get());
            if (last.isEmpty()) return new AuditStore.SeqRange(1, 0);
            high = last.getAsLong();
        }
        return new AuditStore.SeqRange(low, high);
    }
}
