package dev.lanyard.starter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
    private final Cache<String, Ending> sessions;
    private final Cache<String, Ending> subjects;
    /**
     * The latest ending forgotten to make room (capacity, not retention), or null: a login that began at or before it may
     * be the one that ended, so it is taken as ended (fail closed). Only with more endings than the capacity.
     */
    private final AtomicReference<Instant> forgottenUpTo = new AtomicReference<>();
    /**
     * The latest gap in which endings may have been lost (events Lanyard did not keep, a stream that had to be created or
     * replaced), or null: a login that began in an earlier second than its end is taken as ended (fail closed). The tokens'
     * {@code iat} are in whole seconds, so a login of the gap's own second is told apart by when this app first saw it
     * ({@link #loginSeen}, this app's clock): seen before the gap was noticed (or never seen), it is taken as ended; seen
     * after, it began after the gap, and passes (refusing it would refuse again the person who signs in right after).
     */
    private final AtomicReference<Gap> gap = new AtomicReference<>();
    /** When this app first saw each login ({@code sid} → instant, this app's clock): at sign-in. Bounded as the endings are. */
    private final Cache<String, Instant> firstSeen;
    private final Clock clock;
    /** The most endings of each kind remembered ({@code lanyard.signals.ended-capacity}), named in the log when it is reached. */
    private final long capacity;

    /** A gap: its end in whole seconds (compared with {@code iat}), and when this app noticed it (its own clock). */
    private record Gap(Instant second, Instant noticed) {
        Gap later(Gap other) {
            int bySecond = other.second.compareTo(second);
            if (bySecond != 0) return bySecond > 0 ? other : this;
            return other.noticed.isAfter(noticed) ? other : this;
        }
    }

    /** One ending: when, and what Lanyard told the person about it ({@code reason_user}), if anything. */
    private record Ending(Instant at, String reason) {
    }

    public EndedSessions(Clock clock, Duration retention, long capacity) {
        this.clock = clock;
        this.capacity = capacity;
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.firstSeen = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(retention).maximumSize(capacity).build();
        this.sessions = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(retention).maximumSize(capacity)
                .evictionListener(this::forgotten).build();
        this.subjects = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(retention).maximumSize(capacity)
                .evictionListener(this::forgotten).build();
    }

    private void forgotten(String key, Ending ending, RemovalCause cause) {
        if (cause != RemovalCause.SIZE || ending == null) return;
        Instant before = forgottenUpTo.getAndAccumulate(ending.at(), EndedSessions::later);
        if (before == null) {
            log.warn("More Lanyard sessions ended than this app can remember (lanyard.signals.ended-capacity, now " + capacity
                    + "): logins that began before a forgotten ending are taken as ended, and their users sign in again; "
                    + "raise lanyard.signals.ended-capacity to keep them");
        }
    }

    private static Instant later(Instant old, Instant now) {
        return old == null || now.isAfter(old) ? now : old;
    }

    /** Records that Lanyard session {@code sid} ended at {@code at}. Repeating it keeps the first instant. */
    public void sessionEnded(String sid, Instant at) {
        sessionEnded(sid, at, null);
    }

    /**
     * The same, with what Lanyard told the person ({@code reason_user}; null if nothing), shown on the app's page. Lanyard
     * tells one ending twice, in either order: by back-channel logout, whose token carries no reason, and by Shared
     * Signals, whose event does. So a reason fills in an ending recorded without one; a reason already recorded stays, as
     * does the first instant. An entry forgotten meanwhile (retention, capacity) is not brought back by the reason.
     */
    public void sessionEnded(String sid, Instant at, String reason) {
        Ending told = new Ending(at, blankToNull(reason));
        Ending kept = sessions.asMap().putIfAbsent(sid, told);
        if (kept != null && kept.reason() == null && told.reason() != null) {
            // Replaced only if still the entry read: a reason recorded by another signal meanwhile stays.
            sessions.asMap().replace(sid, kept, new Ending(kept.at(), told.reason()));
        }
    }

    /** Records that every session of {@code sub} that began before {@code at} has ended. Keeps the latest instant. */
    public void everySessionEnded(String sub, Instant at) {
        everySessionEnded(sub, at, null);
    }

    /** The same, with what Lanyard told the person ({@code reason_user}; null if nothing). */
    public void everySessionEnded(String sub, Instant at, String reason) {
        Ending ending = new Ending(at, blankToNull(reason));
        subjects.asMap().merge(sub, ending, (old, now) -> now.at().isAfter(old.at()) ? now : old);
    }

    /**
     * Endings may have been lost up to {@code at} ({@code why} says how, for the log): every login that began before it
     * is taken as ended from now on, and its user signs in again; a login of {@code at}'s own second only if this app saw
     * it first before now, or never (see {@link #gap}). Keeps the latest gap.
     */
    public void everyLoginEndedBefore(Instant at, String why) {
        Instant now = clock.instant();
        Gap noticed = new Gap(at.truncatedTo(ChronoUnit.SECONDS), now.isAfter(at) ? now : at);
        gap.getAndAccumulate(noticed, (old, next) -> old == null ? next : old.later(next));
        log.warn(why + ": Lanyard sessions that ended meanwhile may not have been told to this app, so every login that began "
                + "before " + at + " is taken as ended, and its user signs in again");
    }

    /** The end of the latest gap (whole seconds): every login of an earlier second is taken as ended. */
    Optional<Instant> endedBefore() {
        return Optional.ofNullable(gap.get()).map(Gap::second);
    }

    /**
     * Records that this app saw login {@code sid} now (at sign-in), unless it saw it before: a login of a gap's own second
     * passes only if it was seen after the gap was noticed.
     */
    public void loginSeen(String sid) {
        if (sid != null && !sid.isBlank()) firstSeen.asMap().putIfAbsent(sid, clock.instant());
    }

    /** When Lanyard session {@code sid} ended, if this app was told. */
    public Optional<Instant> endedAt(String sid) {
        return Optional.ofNullable(sessions.getIfPresent(sid)).map(Ending::at);
    }

    /**
     * Whether a login is over: its Lanyard session ({@code sid}, may be null) ended, or its person
     * ({@code sub}, may be null) was signed out everywhere after it began ({@code loggedInAt}).
     */
    public boolean isEnded(String sid, String sub, Instant loggedInAt) {
        return isEnded(sid, sub, loggedInAt, loggedInAt);
    }

    /**
     * Whether a login is over. {@code authenticatedAt} is when its person signed in at Lanyard ({@code auth_time}),
     * compared with a sign-out everywhere; {@code loginAt} is when this login began (its ID token's or access token's
     * {@code iat}, when its Lanyard session began), compared with a gap in which endings may have been lost. Not
     * {@code auth_time} for that: signing in again while Lanyard's browser session lives keeps the same
     * {@code auth_time}, so such a login would be refused forever. Either may be null (taken as ended if it matters).
     */
    public boolean isEnded(String sid, String sub, Instant authenticatedAt, Instant loginAt) {
        if (sid != null && sessions.getIfPresent(sid) != null) return true;
        Instant forgotten = forgottenUpTo.get();
        if (forgotten != null && (loginAt == null || !loginAt.isAfter(forgotten))) return true;
        if (inGap(sid, loginAt)) return true;
        if (sub == null || subjects.estimatedSize() == 0) return false;
        Ending everywhere = subjects.getIfPresent(sub);
        return everywhere != null && (authenticatedAt == null || !authenticatedAt.isAfter(everywhere.at()));
    }

    private boolean inGap(String sid, Instant loginAt) {
        Gap last = gap.get();
        if (last == null) return false;
        if (loginAt == null) return true;
        Instant second = loginAt.truncatedTo(ChronoUnit.SECONDS);
        if (second.isBefore(last.second())) return true;
        if (second.isAfter(last.second())) return false;
        Instant seen = sid == null ? null : firstSeen.getIfPresent(sid);
        return seen == null || !seen.isAfter(last.noticed());
    }

    /** What Lanyard told the person about the ending of this login, if this app was told anything ({@code reason_user}). */
    public Optional<String> reason(String sid, String sub) {
        Ending ending = sid == null ? null : sessions.getIfPresent(sid);
        if (ending == null && sub != null) ending = subjects.getIfPresent(sub);
        return ending == null ? Optional.empty() : Optional.ofNullable(ending.reason());
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    /** How many ended sessions are remembered now (approximately, between clean-ups). */
    public long size() {
        sessions.cleanUp();
        return sessions.estimatedSize();
    }
}
