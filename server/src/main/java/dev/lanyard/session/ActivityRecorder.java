package dev.lanyard.session;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Collects activity in memory and writes it in batches: at most one row update per active
 * session per flush interval, never one write per request. Flushed on orderly shutdown.
 */
@Component
class ActivityRecorder {
    private static final Logger log = LoggerFactory.getLogger(ActivityRecorder.class);

    /** One session's activity since the last flush. */
    record Flush(SessionId id, Instant lastActiveAt, long requests, long pages, String lastPage) {
    }

    /** Requests of one session in one hour ({@code hour}: its start). */
    record Hourly(SessionId id, Instant hour, long requests) {
    }

    private static final class Pending {
        long lastActive;
        long requests;
        long pages;
        String lastPage = "";
        /** For API keys only: requests per hour start (epoch ms); a flush rarely sees more than two hours. */
        java.util.TreeMap<Long, Long> hourly;
        /** The hour being counted now, kept out of {@link #hourly} so that counting a request allocates nothing. */
        long hour = -1;
        long hourCount;

        /** Moves the hour being counted into {@link #hourly}; call before reading or merging it. */
        Pending fold() {
            if (hourCount > 0) {
                if (hourly == null) hourly = new java.util.TreeMap<>();
                hourly.merge(hour, hourCount, Long::sum);
            }
            hour = -1;
            hourCount = 0;
            return this;
        }
    }

    private static final long HOUR = java.time.Duration.ofHours(1).toMillis();

    private final ConcurrentHashMap<SessionId, Pending> pending = new ConcurrentHashMap<>();
    private final SessionStore store;

    ActivityRecorder(SessionStore store) {
        this.store = store;
    }

    /** Notes one request of the session; {@code page} is the path of a page view, or empty. */
    void record(SessionId id, Instant at, Optional<String> page) {
        record(id, at, page, false);
    }

    /** As {@link #record(SessionId, Instant, Optional)}; {@code hourly}: also count it in its hour (API keys). */
    void record(SessionId id, Instant at, Optional<String> page, boolean hourly) {
        long millis = at.toEpochMilli();
        pending.compute(id, (key, p) -> {
            if (p == null) p = new Pending();
            if (millis > p.lastActive) p.lastActive = millis;
            p.requests++;
            if (page.isPresent()) {
                p.pages++;
                p.lastPage = page.get();
            }
            if (hourly) {
                long hour = millis - Math.floorMod(millis, HOUR);
                if (hour != p.hour) {
                    p.fold();
                    p.hour = hour;
                }
                p.hourCount++;
            }
            return p;
        });
    }

    /** Hourly counts not yet written for these sessions. */
    List<Hourly> pendingHourly(java.util.Collection<SessionId> ids) {
        List<Hourly> out = new ArrayList<>();
        for (SessionId id : ids) {
            pending.computeIfPresent(id, (key, p) -> {
                if (p.fold().hourly != null) p.hourly.forEach((hour, n) -> out.add(new Hourly(id, Instant.ofEpochMilli(hour), n)));
                return p;
            });
        }
        return out;
    }

    /** Activity not yet written for this session. */
    Optional<Flush> pending(SessionId id) {
        Flush[] snapshot = new Flush[1];
        pending.computeIfPresent(id, (key, p) -> {
            snapshot[0] = new Flush(id, Instant.ofEpochMilli(p.lastActive), p.requests, p.pages, p.lastPage);
            return p;
        });
        return Optional.ofNullable(snapshot[0]);
    }

    /** Session with its unwritten activity added, as the database will have it after the next flush. */
    Session withPending(Session session) {
        return pending(session.id()).map(f -> session.withActivity(
                f.lastActiveAt().isAfter(session.lastActiveAt()) ? f.lastActiveAt() : session.lastActiveAt(),
                new Session.Activity(session.activity().signIns(), session.activity().requests() + f.requests(),
                        session.activity().pages() + f.pages(),
                        f.lastPage().isEmpty() ? session.activity().lastPage() : f.lastPage())))
                .orElse(session);
    }

    /** Writes and forgets everything recorded so far; returns the sessions written. */
    @Scheduled(fixedDelayString = "${lanyard.session.flush-interval:5s}")
    int flush() {
        List<Flush> batch = new ArrayList<>();
        List<Hourly> hourly = new ArrayList<>();
        for (SessionId id : pending.keySet()) {
            Pending p = pending.remove(id);
            if (p == null) continue;
            batch.add(new Flush(id, Instant.ofEpochMilli(p.lastActive), p.requests, p.pages, p.lastPage));
            if (p.fold().hourly != null) p.hourly.forEach((hour, n) -> hourly.add(new Hourly(id, Instant.ofEpochMilli(hour), n)));
        }
        if (batch.isEmpty()) return 0;
        // In id order (String.compareTo, PostgreSQL's COLLATE "C"), the order in which a team sign-out
        // that waits for rows locks them: two transactions that lock the same rows in the same order never deadlock.
        batch.sort(java.util.Comparator.comparing(f -> f.id().value()));
        try {
            store.recordActivity(batch);
        } catch (RuntimeException e) {
            // Put it back so the next flush retries; activity must not be lost to a transient failure.
            batch.forEach(f -> pending.merge(f.id(), toPending(f), ActivityRecorder::combine));
            hourly.forEach(this::putBack);
            log.warn("Could not write activity of {} sessions; will retry: {}", batch.size(), e.toString());
            return 0;
        }
        try {
            store.recordHourly(hourly);
        } catch (RuntimeException e) {
            hourly.forEach(this::putBack);
            log.warn("Could not write {} hourly request counts; will retry: {}", hourly.size(), e.toString());
            return 0;
        }
        return batch.size();
    }

    @PreDestroy
    void flushOnShutdown() {
        flush();
    }

    /** Hourly counts of a failed write, back in memory; adds no request to the session's own counters. */
    private void putBack(Hourly h) {
        pending.compute(h.id(), (key, p) -> {
            if (p == null) p = new Pending();
            if (p.hourly == null) p.hourly = new java.util.TreeMap<>();
            p.hourly.merge(h.hour().toEpochMilli(), h.requests(), Long::sum);
            return p;
        });
    }

    private static Pending toPending(Flush f) {
        Pending p = new Pending();
        p.lastActive = f.lastActiveAt().toEpochMilli();
        p.requests = f.requests();
        p.pages = f.pages();
        p.lastPage = f.lastPage();
        return p;
    }

    private static Pending combine(Pending a, Pending b) {
        a.fold();
        b.fold();
        a.lastActive = Math.max(a.lastActive, b.lastActive);
        a.requests += b.requests;
        a.pages += b.pages;
        if (a.lastPage.isEmpty()) a.lastPage = b.lastPage;
        if (b.hourly != null) {
            if (a.hourly == null) a.hourly = new java.util.TreeMap<>();
            b.hourly.forEach((hour, n) -> a.hourly.merge(hour, n, Long::sum));
        }
        return a;
    }
}
