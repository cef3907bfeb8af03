package dev.lanyard.account;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * How long recording a failed sign-in for an existing email took (its audit entry is written before the
 * answer, about 2 ms on SQLite), so that a failed sign-in for an unknown email, which records nothing,
 * takes as long: it waits for one of the last {@value #SAMPLES} recordings' durations, chosen at random,
 * less what it spent itself. Both kinds of failure then take the same time in distribution, and the time
 * of a wrong password does not tell whether the email has an account (decision 53, bench/enumeration.sh).
 * Before any recording there is nothing to match, and nothing is waited for.
 */
final class RecordingTimes {
    static final int SAMPLES = 64;

    private final AtomicLongArray nanos = new AtomicLongArray(SAMPLES);
    private final AtomicLong recorded = new AtomicLong();
    private final LongConsumer waiter;

    RecordingTimes() {
        this(RecordingTimes::park);
    }

    /** {@code waiter} waits the nanoseconds it is given (tests pass one that only notes them). */
    RecordingTimes(LongConsumer waiter) {
        this.waiter = waiter;
    }

    /** A failure for an existing email took {@code spentNanos} to record. */
    void recorded(long spentNanos) {
        nanos.set((int) (recorded.getAndIncrement() % SAMPLES), spentNanos);
    }

    /** A failure for an unknown email spent {@code spentNanos} on what stands for recording: waits the rest. */
    void matchRecording(long spentNanos) {
        long count = Math.min(recorded.get(), SAMPLES);
        if (count == 0) return;
        long rest = nanos.get(ThreadLocalRandom.current().nextInt((int) count)) - spentNanos;
        if (rest > 0) waiter.accept(rest);
    }

    private static void park(long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0 && !Thread.currentThread().isInterrupted(); left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}
