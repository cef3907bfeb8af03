package dev.lanyard.account;

import java.time.Duration;
import java.time.Instant;

/** The sign-in throttle's counters, as values ({@link ThrottleCounters} keeps them by key). */
final class ThrottleCounts {
    private ThrottleCounts() {
    }

    /** Failures so far, until when the next attempt must wait, and attempts in flight. */
    record Failures(int count, Instant blockedUntil, int pending) {
        static final Failures NONE = new Failures(0, Instant.EPOCH, 0);

        /**
         * Within the free budget, as many attempts as are left of it may be in flight; past it, one at a
         * time once the wait is over.
         */
        boolean admits(Instant now, LoginThrottle.Rule rule) {
            if (blockedUntil.isAfter(now)) return false;
            return count + pending < rule.free() || pending == 0;
        }

        Failures withPending(int delta) {
            return new Failures(count, blockedUntil, Math.max(0, pending + delta));
        }

        /** One of this node's attempts in flight failed. */
        Failures failed(Instant now, LoginThrottle.Rule rule) {
            return counted(now, rule).withPending(-1);
        }

        /** One more failure, with no attempt in flight here (another node's): past the free budget, each doubles the wait. */
        Failures counted(Instant now, LoginThrottle.Rule rule) {
            int failures = count + 1;
            Instant until = failures < rule.free() ? blockedUntil
                    : later(blockedUntil, now.plusSeconds(Math.min(rule.cap().toSeconds(), 1L << Math.min(failures - rule.free(), 20))));
            return new Failures(failures, until, pending);
        }

        /** The failures forgiven; {@code returned} of the attempts in flight are over. Null when nothing is left. */
        Failures forgiven(int returned) {
            int left = pending - returned;
            return left > 0 ? new Failures(0, Instant.EPOCH, left) : null;
        }

        private static Instant later(Instant a, Instant b) {
            return a.isAfter(b) ? a : b;
        }
    }

    /** The per-email ceiling: failures that drain away at {@link LoginThrottle#EMAIL_CEILING} per window. */
    record Bucket(double level, Instant at, int pending) {
        static final Bucket EMPTY = new Bucket(0, Instant.EPOCH, 0);
        private static final double PER_MILLI = (double) LoginThrottle.EMAIL_CEILING / LoginThrottle.EMAIL_CEILING_WINDOW.toMillis();

        Bucket drained(Instant now) {
            if (!now.isAfter(at)) return this;
            return new Bucket(Math.max(0, level - Duration.between(at, now).toMillis() * PER_MILLI), now, pending);
        }

        boolean admits() {
            return level + pending + 1 <= LoginThrottle.EMAIL_CEILING;
        }

        Bucket withPending(int delta) {
            return new Bucket(level, at, Math.max(0, pending + delta));
        }

        /** One of this node's attempts in flight failed. */
        Bucket failed() {
            return counted().withPending(-1);
        }

        /** One more failure, with no attempt in flight here (another node's). */
        Bucket counted() {
            return new Bucket(level + 1, at, pending);
        }

        /** How long until one more attempt fits. */
        Duration wait(Instant now) {
            double over = level + pending + 1 - LoginThrottle.EMAIL_CEILING;
            return over <= 0 ? Duration.ZERO : Duration.ofMillis((long) Math.ceil(over / PER_MILLI));
        }
    }
}
