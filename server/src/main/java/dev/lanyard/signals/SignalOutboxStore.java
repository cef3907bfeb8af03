package dev.lanyard.signals;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Signals waiting to be delivered. A row is added in the transaction of the change it tells about.
 * Push and back-channel logout rows are claimed by drainers on any node, delivered and marked;
 * a claim holds until {@code claimedUntil}, so a node that dies mid-push lets another retry after
 * that. Poll rows wait until their receiver acknowledges them.
 */
interface SignalOutboxStore {

    /** How a row is delivered. */
    enum Kind {
        /** A SET pushed to a stream's endpoint (RFC 8935). */
        PUSH,
        /** A SET handed out when the stream's receiver polls (RFC 8936). */
        POLL,
        /** A logout token posted to a client's back-channel logout URI. */
        LOGOUT;

        String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Kind of(String code) {
            return valueOf(code.toUpperCase(java.util.Locale.ROOT));
        }
    }

    record NewSignal(Kind kind, Optional<String> streamId, String appId, String target, String jti, String claims) {
    }

    /** A claimed or polled signal; {@code attempts} counts this attempt. */
    record Outgoing(long id, Kind kind, Optional<String> streamId, String appId, String target, String jti, String claims,
                    int attempts) {
    }

    /** Adds signals due at {@code at}. */
    void add(List<NewSignal> signals, Instant at);

    /**
     * Claims up to {@code limit} push or logout signals due at {@code now}, undelivered, not given up, not
     * claimed (or whose claim ran out), not of a paused stream nor of a stream one of whose signals waits for its
     * retry or is claimed for it, counting an attempt on each; returns them, oldest (first made) first. Teams take turns:
     * the claim takes every team's oldest such signal before any team's second, and so on, oldest first within a team. Two callers, on
     * any nodes, never get the same signal while its claim holds, nor, claiming at the same moment, one a retry and the
     * other the SETs of its stream behind it. {@code claim} must be unique.
     *
     * <p>{@code sending} are the ids of the signals this node is sending: no signal is claimed for a receiver they go to
     * (their stream, or a logout token's URI), so a receiver is sent one claim's signals at a time and a stream's SETs
     * go in order while one is still being pushed; and each of them counts as a turn its team has taken, so a team
     * sending many cannot take every thread as it frees (an outside review).
     */
    List<Outgoing> claim(String claim, Instant now, Instant claimedUntil, int limit, java.util.Collection<Long> sending);

    /** {@link #claim(String, Instant, Instant, int, java.util.Collection)} while this node sends nothing. */
    default List<Outgoing> claim(String claim, Instant now, Instant claimedUntil, int limit) {
        return claim(claim, now, claimedUntil, limit, List.of());
    }

    /** Marks the signal delivered and erases its claims; returns 1, or 0 if {@code claim} no longer holds it. */
    int delivered(long id, String claim, Instant at);

    /** Records a failed attempt and when to try again, releasing the claim; returns 1, or 0 if the claim was lost. */
    int failed(long id, String claim, String error, Instant nextAttempt);

    /** Gives the signal up and erases its claims; returns 1, or 0 if the claim was lost. */
    int gaveUp(long id, String claim, String error, Instant at);

    /**
     * Releases a claimed signal that was not tried (an older one of its stream failed first in the same batch), without
     * counting the attempt; returns 1, or 0 if the claim was lost.
     */
    int putBack(long id, String claim);

    /**
     * Gives up, with {@code error}, the stream's push signals made by {@code createdBy}, unclaimed or held by {@code claim}:
     * they waited behind an older one of the stream as long as their own retries would have lasted. Returns how many.
     */
    int gaveUpWith(String streamId, String claim, String error, Instant createdBy, Instant at);

    /** The oldest undelivered signals of a poll stream due at {@code now}, at most {@code limit}. */
    List<Outgoing> pending(String streamId, int limit, Instant now);

    /** Which of these streams have an undelivered signal due at {@code now} (waiting polls look in one statement). */
    java.util.Set<String> withPending(java.util.Collection<String> streamIds, Instant now);

    /** Whether the stream has more than {@code skip} undelivered signals due at {@code now}. */
    boolean more(String streamId, int skip, Instant now);

    /** Marks the stream's signals with these jtis delivered (acknowledged); returns how many changed. Safe to repeat. */
    int acknowledge(String streamId, java.util.Collection<String> jtis, Instant at);

    /**
     * Marks the stream's signal with this jti given up because its receiver refused it ({@code setErrs}, RFC 8936), with
     * {@code error}; returns how many changed. Safe to repeat.
     */
    int refused(String streamId, String jti, String error, Instant at);

    /** The attempts counted for the stream's undelivered signal with this jti (a poll's refusals over), or empty if none is. */
    Optional<Integer> attempts(String streamId, String jti);

    /**
     * Counts an attempt of the stream's undelivered signal with this jti, which its receiver refused for now ({@code setErrs}
     * with a code push retries too), keeps {@code error}, and hands it out again from {@code nextAttempt}; returns how
     * many changed.
     */
    int refusedForNow(String streamId, String jti, String error, Instant nextAttempt);

    /**
     * Changes how the stream's undelivered signals are delivered (its delivery method changed), due at once and with no
     * attempt counted by the other method; returns how many.
     */
    int redeliver(String streamId, Kind kind);

    /** Drops the stream's undelivered signals (stream disabled or deleted); returns how many. */
    int drop(String streamId, Instant at);

    /** Undelivered signals of a stream. */
    long queued(String streamId);

    /** Delivery figures of a stream, for its admins. */
    record Figures(long queued, long failing, long gaveUp) {
    }

    Figures figures(String streamId);

    /** What is still to push (poll signals wait for their receiver, not for Lanyard), for health. */
    record Backlog(long pending, java.util.Optional<Instant> oldest) {
    }

    Backlog backlog();
}
