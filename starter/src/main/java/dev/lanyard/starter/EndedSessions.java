package dev.lanyard.starter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * The Lanyard sessions this app has been told have ended ({@code sid} → when), and the people
 * Lanyard signed out everywhere ({@code sub} → when: every login of theirs before that instant is
 * over). Fed by Shared Signals and back-channel logout, read on every request without any call to
 * Lanyard. Bounded: at most {@code capacity} entries of each kind, and an entry is forgotten after
 * {@code retention} — the longest a Lanyard session can last, after which no login it backed can
 * still be valid anyway.
 */
public class EndedSessions {
    private final Cache<String, Instant> sessions;
    private final Cache<String, Instant> subjects;

    public EndedSessions(Clock clock, Duration retention, long capacity) {
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.sessions = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(retention).maximumSize(capacity).build();
        this.subjects = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(retention).maximumSize(capacity).build();
    }

    /** Records that Lanyard session {@code sid} ended at {@code at}. Repeating it keeps the first instant. */
    public void sessionEnded(String sid, Instant at) {
        sessions.asMap().putIfAbsent(sid, at);
    }

    /** Records that every session of {@code sub} that began before {@code at} has ended. Keeps the latest instant. */
    public void everySessionEnded(String sub, Instant at) {
        subjects.asMap().merge(sub, at, (old, now) -> now.isAfter(old) ? now : old);
    }

    /** When Lanyard session {@code sid} ended, if this app was told. */
    public Optional<Instant> endedAt(String sid) {
        return Optional.ofNullable(sessions.getIfPresent(sid));
    }

    /**
     * Whether a login is over: its Lanyard session ({@code sid}, may be null) ended, or its person
     * ({@code sub}, may be null) was signed out everywhere after it began ({@code loggedInAt}).
     */
    public boolean isEnded(String sid, String sub, Instant loggedInAt) {
        if (sid != null && sessions.getIfPresent(sid) != null) return true;
        if (sub == null || subjects.estimatedSize() == 0) return false;
        Instant everywhere = subjects.getIfPresent(sub);
        return everywhere != null && (loggedInAt == null || !loggedInAt.isAfter(everywhere));
    }

    /** How many ended sessions are remembered now (approximately, between clean-ups). */
    public long size() {
        sessions.cleanUp();
        return sessions.estimatedSize();
    }
}
