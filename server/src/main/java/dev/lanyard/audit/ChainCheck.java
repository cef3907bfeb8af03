package dev.lanyard.audit;

import java.util.List;
import java.util.Optional;

import dev.lanyard.account.TeamId;
import dev.lanyard.audit.AuditLog.Problem;
import dev.lanyard.audit.AuditLog.Verification;

/** Recomputing a team's chain for {@link AuditLog#verify}: where it breaks, if it does, and why, phrased for a person. */
class ChainCheck {
    /** How many times a verification starts again when the retention moved the anchor during it. */
    private static final int VERIFY_ATTEMPTS = 3;

    private final AuditStore store;

    ChainCheck(AuditStore store) {
        this.store = store;
    }

    /**
     * Recomputes the team's chain from its first entry up to its head, reading {@link AuditLog#BATCH} rows
     * at a time, and reports the first place where it breaks. The audit retention may remove the oldest
     * entries meanwhile (on any node): a break found while the anchor moved is checked again from the new
     * anchor, so a log being aged is not reported as tampered with.
     */
    Verification verify(TeamId team) {
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
            batch = store.find(all, new AuditStore.SeqRange(expected, upTo), false, AuditLog.BATCH);
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
        } while (batch.size() == AuditLog.BATCH);
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

    /** The end of an {@link AuditAction#OLD_ENTRIES_REMOVED} entry's detail: where the log now starts. */
    static String anchorNote(AuditStore.Anchor anchor) {
        return "The log now starts after entry " + anchor.seq() + ", hash " + anchor.hash() + ".";
    }
}
