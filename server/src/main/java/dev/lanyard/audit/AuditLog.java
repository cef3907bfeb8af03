package dev.lanyard.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
    /** How many times a verification starts again when the retention moved the anchor during it. */
    private static final int VERIFY_ATTEMPTS = 3;
    /** Entries removed per transaction by {@link #removeOlderThan}; a field so that tests can make it small. */
    int removeBatch = 10_000;

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
     * at a time, and reports the first place where it breaks. The audit retention may remove the oldest
     * entries meanwhile (on any node): a break found while the anchor moved is checked again from the new
     * anchor, so a log being aged is not reported as tampered with.
     */
    public Verification verify(TeamId team) {
        for (int attempt = 1; ; attempt++) {
            Optional<AuditStore.Anchor> anchor = store.anchor(team);
            Verification result = verifyFrom(team, anchor);
            if (result instanceof Verification.Intact || attempt == VERIFY_ATTEMPTS || store.anchor(team).equals(anchor)) return result;
        }
    }

    private Verification verifyFrom(TeamId team, Optional<AuditStore.Anchor> anchor) {
        Optional<AuditStore.Head> head = store.head(team);
        long upTo = head.map(AuditStore.Head::seq).orElse(0L);
        long expected = anchor.map(a -> a.seq() + 1).orElse(1L);
        long first = expected;
        String prev = anchor.map(AuditStore.Anchor::hash).orElse(ChainHash.GENESIS);
        AuditQuery all = AuditQuery.all(team);
        List<AuditEntry> batch;
        do {
            batch = store.find(all, new AuditStore.SeqRange(expected, upTo), false, BATCH);
            for (AuditEntry e : batch) {
                long checked = expected - first;
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
                if (!e.addressSealed()) {
                    return new Verification.Broken(checked, e.seq(), Problem.HASH_MISMATCH,
                            "Entry " + e.seq() + " was changed after it was written: its address is not the one it was written with.");
                }
                prev = e.hash();
                expected++;
            }
        } while (batch.size() == BATCH);
        long checked = expected - first;
        if (expected - 1 < upTo) {
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
        if (anchor.isPresent()) {
            // The anchor is where the retention left the chain; the entry that moved it there names it. An
            // anchor moved further by hand (entries deleted from the start) has no such entry.
            AuditQuery removals = new AuditQuery(team, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.of(AuditAction.OLD_ENTRIES_REMOVED.code()), Optional.empty(), Optional.empty());
            List<AuditEntry> newest = store.find(removals, new AuditStore.SeqRange(first, upTo), true, 1);
            if (newest.isEmpty() || !newest.get(0).detail().endsWith(anchorNote(anchor.get()))) {
                return new Verification.Broken(checked, first, Problem.GAP, "The log starts after entry " + (first - 1)
                        + ", but no entry of the audit retention says it removed the entries up to there.");
            }
        }
        return new Verification.Intact(checked, first);
    }

    /**
     * Removes each team's entries older than {@code retention} (the audit retention), oldest first, at
     * most {@link #removeBatch} per transaction. Each transaction moves the team's {@linkplain
     * AuditStore.Anchor anchor} to the last entry it removed and appends an entry that says so and names
     * the anchor, which {@link #verify} checks: the chain still verifies from the anchor on, and an
     * anchor moved by anything else breaks it. Safe on several nodes at once. Returns how many entries
     * were removed.
     */
    public long removeOlderThan(java.time.Duration retention, Instant now) {
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
                        record(new AuditEntry.Draft(team, now, AuditEntry.Actor.SYSTEM, Optional.empty(), Optional.empty(),
                                AuditAction.OLD_ENTRIES_REMOVED, "Removed " + n + (n == 1 ? " entry" : " entries")
                                + " older than " + age + " (the audit retention). " + anchorNote(to), Optional.empty()));
                    }
                    return n;
                });
                if (done == null || done == 0) break; // Another node removed them first.
                removed += done;
            }
        }
        return removed;
    }

    /** The end of an {@link AuditAction#OLD_ENTRIES_REMOVED} entry's detail: where the log now starts. */
    private static String anchorNote(AuditStore.Anchor anchor) {
        return "The log now starts after entry " + anchor.seq() + ", hash " + anchor.hash() + ".";
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
