package dev.lanyard.starter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The Lanyard sessions this app has been told have ended ({@code sid} → when), and the people
 * Lanyard signed out everywhere ({@code sub} → when: every login of theirs before that instant is
 * over). Fed by Shared Signals and back-channel logout, read on every request without any call to
 * Lanyard. Bounded: at most {@code capacity} entries of each kind, and an entry is forgotten after
 * {@code retention} — the longest a Lanyard session can last, after which no login it backed can
 * still be valid anyway.
 */
public class EndedSessions {
    private static final Log log = LogFactory.getLog(EndedSessions.class);
    private final Cache<String, Instant> sessions;
    private final Cache<String, Instant> subjects;
    /**
     * The latest ending forgotten to make room (capacity, not retention), or null: a login that began before it
     * may be the one that ended, so it is taken as ended (fail closed). Only with more endings than the capacity.
     */
    private final AtomicReference<Instant> forgottenUpTo = new AtomicReference<>();

    public EndedSessions(Clock clock, Duration retention, long capacity) {
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.sessions = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(retention).maximumSize(capacity)
                .evictionListener(this::forgotten).build();
        this.subjects = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(retention).maximumSize(capacity)
                .evictionListener(this::forgotten).build();
    }

    private void forgotten(String key, Instant endedAt, RemovalCause cause) {
        if (cause != RemovalCause.SIZE || endedAt == null) return;
        Instant before = forgottenUpTo.getAndAccumulate(endedAt, (old, now) -> old == null || now.isAfter(old) ? now : old);
        if (before == null) {
            log.warn("More Lanyard sessions ended than lanyard.signals can remember (its capacity): logins that began before "
                    + "a forgotten ending are taken as ended, and their users sign in again");
        }
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
        Instant forgotten = forgottenUpTo.get();
        if (forgotten != null && (loggedInAt == null || !loggedInAt.isAfter(forgotten))) return true;
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
