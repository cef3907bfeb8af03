package dev.lanyard.audit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import dev.lanyard.account.TeamId;

/**
 * Persistence of the audit chains. It can insert entries and move heads. It changes an entry in one
 * way only, replacing a full address with its network ({@link #reduceAddresses}, which the entry's
 * seal allows), and deletes entries in one way only, a team's oldest up to a new
 * {@linkplain Anchor anchor} ({@link #removeUpTo}); docs/decisions/0049.
 */
interface AuditStore {

    /** The newest entry of a team's chain: its seq, hash and time. */
    record Head(long seq, String hash, Instant at) {
    }

    /**
     * Where a team's chain starts once its oldest entries were removed: the last removed entry's seq,
     * hash and time. The first remaining entry must follow it.
     */
    record Anchor(long seq, String hash, Instant at) {
    }

    /** A closed range of seq numbers. */
    record SeqRange(long low, long high) {
        static final SeqRange ALL = new SeqRange(1, Long.MAX_VALUE);

        boolean isEmpty() {
            return low > high;
        }
    }

    Optional<Head> head(TeamId team);

    /**
     * Creates the head of a team that has none yet. Returns 1, or 0 if another transaction created
     * it first; then nothing changed and the caller reads the head again. Safe to repeat.
     */
    int createHead(TeamId team, Head head);

    /**
     * Moves the team's head from {@code fromSeq} to {@code to}. Returns 1, or 0 if the head is no
     * longer at {@code fromSeq} (another transaction appended); then nothing changed.
     */
    int moveHead(TeamId team, long fromSeq, Head to);

    /** Inserts linked entries. Not repeatable: a (team, seq) pair exists once. */
    void insert(List<AuditEntry> entries);

    /**
     * Entries that match {@code query} with seq within {@code range}, newest first or oldest first,
     * at most {@code limit}. Each query is one range scan of an index that ends in seq.
     */
    List<AuditEntry> find(AuditQuery query, SeqRange range, boolean newestFirst, int limit);

    /** The seq of the team's first entry at or after {@code at}. */
    OptionalLong firstSeqFrom(TeamId team, Instant at);

    /** The seq of the team's last entry before {@code at}. */
    OptionalLong lastSeqBefore(TeamId team, Instant at);

    /** Where the team's chain starts, if its oldest entries were ever removed. */
    Optional<Anchor> anchor(TeamId team);

    /** Every team that has a chain. */
    List<TeamId> teams();

    /**
     * Removes the team's entries up to and including {@code to.seq()} and moves its anchor there, in
     * the caller's transaction. Returns how many entries were removed. An anchor never moves back: a
     * {@code to} at or before the current anchor changes nothing and returns 0. Safe to repeat.
     */
    int removeUpTo(TeamId team, Anchor to);

    /**
     * Replaces the full address of at most {@code limit} version 2 or 3 entries written before
     * {@code before} with its network, and drops the salt that sealed it. Returns how many changed
     * (fewer than {@code limit}: no more are due, or another node reduced some first). Safe to repeat.
     */
    int reduceAddresses(Instant before, int limit);
}
