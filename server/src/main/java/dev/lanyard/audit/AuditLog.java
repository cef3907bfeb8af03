package dev.lanyard.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * <p>No method changes or deletes an entry but the two the privacy settings ask for (PRODUCT.md D6,
 * docs/decisions/0049): {@link #reduceAddresses}, which leaves each hash as it was, and
 * {@link #removeOlderThan}, which removes a team's oldest entries and records where its chain now starts.
 */
@Service
public class AuditLog {
    static final int MAX_PAGE = 100;
    /** Rows read per query when verifying or exporting. */
    static final int BATCH = 1000;
    private static final int MAX_ATTEMPTS = 100;
    /** Entries removed per transaction by {@link #removeOlderThan}; a field so that tests can make it small. */
    int removeBatch = 10_000;

    private final AuditStore store;
    private final TransactionTemplate transactions;
    private final ChainCheck chain;
    private final OldEntriesRemoval removal;
    private final AuditReads reads;

    AuditLog(AuditStore store, PlatformTransactionManager transactions) {
        this.store = store;
        this.transactions = new TransactionTemplate(transactions);
        this.chain = new ChainCheck(store);
        this.removal = new OldEntriesRemoval(store, this.transactions, this::record);
        this.reads = new AuditReads(store);
    }

    /** A page of entries and the cursor (a seq) of the next, older page, if any. */
    public record Page(List<AuditEntry> items, Optional<Long> nextCursor) {
    }

    /** The result of recomputing a team's chain. */
    public sealed interface Verification {
        /** Entries checked before the first problem, or all of them. */
        long checked();

        /**
         * @param first the seq the chain starts at: 1, or the first entry after those the audit retention
         *              removed
         */
        record Intact(long checked, long first) implements Verification {
            public Intact(long checked) {
                this(checked, 1);
            }
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
     * at a time, and reports the first place where it breaks ({@link ChainCheck}).
     */
    public Verification verify(TeamId team) {
        return chain.verify(team);
    }

    /**
     * Removes each team's entries older than {@code retention} (the audit retention), oldest first, at
     * most {@link #removeBatch} per transaction, and records each removal ({@link OldEntriesRemoval}). Safe on several
     * nodes at once. Returns how many entries were removed.
     */
    public long removeOlderThan(java.time.Duration retention, Instant now) {
        return removal.removeOlderThan(retention, now, removeBatch);
    }

    /**
     * Replaces the full addresses of entries written before {@code before} with their networks
     * (PRODUCT.md D6), {@link #BATCH} per transaction; entries written before version 2 keep theirs, and version 2 entries are reduced to the network their hash covers.
     * Returns how many entries changed.
     */
    public long reduceAddresses(Instant before) {
        long total = 0;
        int changed;
        do {
            changed = Objects.requireNonNullElse(transactions.execute(tx -> store.reduceAddresses(before, BATCH)), 0);
            total += changed;
        } while (changed == BATCH);
        return total;
    }

    /** Entries that match the query, newest first, {@code limit} (1 to {@link #MAX_PAGE}) at a time, older than the cursor. */
    public Page page(AuditQuery query, int limit, Optional<Long> cursor) {
        return reads.page(query, limit, cursor);
    }

    /**
     * Hands every entry that matches the query to {@code sink}, oldest first, {@link #BATCH} rows per query
     * ({@link AuditReads#export}); entries appended meanwhile are left out.
     */
    public void export(AuditQuery query, Consumer<AuditEntry> sink) {
        reads.export(query, sink);
    }
}
