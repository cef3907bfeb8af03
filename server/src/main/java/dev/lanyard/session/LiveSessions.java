package dev.lanyard.session;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.lanyard.account.AccountId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live updates for open pages (PRODUCT.md S6, E1) over Server-Sent Events. Every open page of
 * a member holds one stream. When one of the member's sessions starts or ends anywhere, the
 * member's pages hear {@code changed} and refresh their list (after endings, with the ids that ended, so that the
 * page says which sessions were signed out); the page of the session that ended
 * hears {@code signed-out} with the reason, and its stream closes. Endings on other nodes arrive
 * through {@link SessionBroadcast}.
 *
 * <p>Streams are capped (docs/decisions/0056-live-streams-capped.md): per session and per account a new
 * stream closes the oldest, whose page hears {@code replaced} and stops listening; past the node's
 * ceiling a new page gets none. A stream counts from the moment it is admitted until the container reports
 * it completed, so the ceiling holds what the server really holds.
 */
@Component
class LiveSessions implements SessionBroadcast.Listener {
    /**
     * The event a page hears when a newer page of its tab, session or account took its stream, with why ({@link Replaced});
     * it stops listening and says so, and does not ask again (two pages would take the stream from each other).
     */
    static final String REPLACED = "replaced";

    /** Why a page's stream was taken for a newer page: the code and the words the page shows. */
    enum Replaced {
        TAB("tab", "Live updates stopped in this tab because a copy of this page was opened in another tab."),
        SESSION("session", "Live updates stopped in this tab because this session has more tabs open."),
        ACCOUNT("account", "Live updates stopped in this tab because you have more Lanyard pages open on your devices.");

        final String code;
        final String message;

        Replaced(String code, String message) {
            this.code = code;
            this.message = message;
        }
    }
    /** What a tab id may be: live.js makes 16 hex digits. */
    private static final java.util.regex.Pattern TAB = java.util.regex.Pattern.compile("[A-Za-z0-9-]{1,40}");
    private static final Logger log = LoggerFactory.getLogger(LiveSessions.class);

    /** One open stream. {@code closing} is the heartbeat at which it was told to close, -1 while open. */
    private static final class Subscriber {
        final SessionId session;
        final AccountId account;
        /** The browser tab's own id (its script's, kept in the tab's sessionStorage), "" when it sent none. */
        final String tab;
        final SseEmitter emitter;
        final long opened;
        final long openedAtBeat;
        private final AtomicLong closingSince = new AtomicLong(-1);
        private final AtomicBoolean completed = new AtomicBoolean();

        Subscriber(SessionId session, AccountId account, String tab, SseEmitter emitter, long opened, long openedAtBeat) {
            this.session = session;
            this.account = account;
            this.tab = tab;
            this.emitter = emitter;
            this.opened = opened;
            this.openedAtBeat = openedAtBeat;
        }

        boolean open() {
            return closingSince.get() < 0;
        }

        /** Marks it closing; true only for the call that did, so only one tells the page why. */
        boolean close(long beat) {
            return closingSince.compareAndSet(-1, beat);
        }
    }

    private final Map<AccountId, Set<Subscriber>> byAccount = new ConcurrentHashMap<>();
    private final Map<SessionId, Set<Subscriber>> bySession = new ConcurrentHashMap<>();
    /** Guards admission and removal, so the caps and the count agree; sends happen outside it. */
    private final Object admission = new Object();
    private int held;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong beats = new AtomicLong();
    private final SessionStore store;
    private final LiveSettings settings;

    LiveSessions(SessionBroadcast broadcast, SessionStore store, LiveSettings settings) {
        this.store = store;
        this.settings = settings;
        broadcast.register(this);
    }

    /**
     * A stream for the page of {@code current} in browser tab {@code tab}: first closing the streams of that tab's
     * earlier pages (a page left for another, whose stream the server would otherwise count as open until a heartbeat
     * fails to reach it), then the oldest of its session's or account's when they are at their cap; empty when the
     * node already holds {@link LiveSettings#maxStreams()} and none of them would make room.
     */
    Optional<SseEmitter> subscribe(CurrentSession current, String tab) {
        String tabId = tab != null && TAB.matcher(tab).matches() ? tab : "";
        SseEmitter emitter = new SseEmitter(settings.timeout().toMillis());
        Subscriber subscriber = new Subscriber(current.id(), current.account().id(), tabId, emitter, sequence.incrementAndGet(), beats.get());
        Map<Subscriber, Replaced> replaced = new LinkedHashMap<>(2);
        synchronized (admission) {
            Set<Subscriber> sameSession = bySession.get(subscriber.session);
            if (!tabId.isEmpty() && sameSession != null)
                sameSession.stream().filter(s -> s.open() && s.tab.equals(tabId)).forEach(s -> replaced.put(s, Replaced.TAB));
            oldestOpen(sameSession, settings.perSession(), replaced.keySet()).ifPresent(s -> replaced.put(s, Replaced.SESSION));
            oldestOpen(byAccount.get(subscriber.account), settings.perAccount(), replaced.keySet()).ifPresent(s -> replaced.put(s, Replaced.ACCOUNT));
            // A replacement does not add to what the node holds, so a member at their own cap is never refused.
            if (held - replaced.size() >= settings.maxStreams()) return Optional.empty();
            replaced.keySet().removeIf(s -> !s.close(beats.get()));
            byAccount.computeIfAbsent(subscriber.account, k -> ConcurrentHashMap.newKeySet()).add(subscriber);
            bySession.computeIfAbsent(subscriber.session, k -> ConcurrentHashMap.newKeySet()).add(subscriber);
            held++;
        }
        emitter.onCompletion(() -> forget(subscriber));
        emitter.onTimeout(() -> end(subscriber));
        emitter.onError(e -> end(subscriber));
        replaced.forEach((old, why) -> {
            // The retry field holds back a page whose script predates REPLACED: its EventSource waits that long.
            send(old, SseEmitter.event().reconnectTime(settings.backoff().toMillis()).name(REPLACED)
                    .data(Map.of("reason", why.code, "message", why.message)));
            complete(old);
        });
        send(subscriber, SseEmitter.event().name("ready").data("ok"));
        return Optional.of(emitter);
    }

    /** The oldest open stream of {@code set} when its open ones, less those already being replaced, fill {@code cap}. */
    private static Optional<Subscriber> oldestOpen(Set<Subscriber> set, int cap, Set<Subscriber> replaced) {
        if (set == null) return Optional.empty();
        List<Subscriber> open = set.stream().filter(s -> s.open() && !replaced.contains(s)).toList();
        if (open.size() < cap) return Optional.empty();
        return open.stream().min(Comparator.comparingLong(s -> s.opened));
    }

    @Override
    public void ended(List<SessionId> ids, boolean local) {
        if (byAccount.isEmpty()) return;
        // Every ended page first hears that it was signed out; then each account's other pages
        // refresh once, however many of its sessions ended together.
        Set<AccountId> accounts = new HashSet<>();
        // One read for the whole batch, not one per session: a team sign-out ends thousands at once.
        Map<SessionId, Session> rows = new HashMap<>();
        store.findAnyOwner(ids).forEach(row -> rows.put(row.id(), row));
        signOut(ids, rows, accounts);
        Map<AccountId, List<String>> endedOf = new HashMap<>();
        rows.values().forEach(row -> endedOf.computeIfAbsent(row.account(), a -> new ArrayList<>()).add(row.id().value()));
        accounts.forEach(account -> changed(account, Map.of(ENDED, endedOf.getOrDefault(account, List.of()))));
    }

    /**
     * The key of a "changed" event's data after endings: the ids of the account's sessions that ended. The page says a
     * session was signed out only for a card of one of these (a card a new sign-in pushed onto the next page did not end).
     */
    static final String ENDED = "ended";

    /**
     * This node did not listen for a while (its listening connection failed): what ended or started meanwhile was
     * never announced to it. Reads the sessions of the open pages again (one read for them all): the page of each one
     * that ended hears {@code signed-out} with its reason, and every other open page {@code changed} (its list
     * refreshes itself as background, not as the member's activity).
     */
    @Override
    public void relistened() {
        List<SessionId> open = List.copyOf(bySession.keySet());
        if (open.isEmpty()) return;
        Map<SessionId, Session> rows = new HashMap<>();
        store.findAnyOwner(open).forEach(row -> {
            if (row.ending().isPresent()) rows.put(row.id(), row);
        });
        signOut(List.copyOf(rows.keySet()), rows, new HashSet<>());
        // Every open page of the node refreshes: "resync" lets each wait a moment of its own, so that a database
        // that comes and goes does not bring every page's list query at once (review of this change).
        byAccount.keySet().forEach(account -> changed(account, RESYNC));
    }

    /** The data of a "changed" event sent to every page after this node listens again: the page spreads its refresh out. */
    static final String RESYNC = "resync";

    /** Tells the pages of {@code ids} that they were signed out, with the reason of their {@code rows}; adds their accounts. */
    private void signOut(List<SessionId> ids, Map<SessionId, Session> rows, Set<AccountId> accounts) {
        for (SessionId id : ids) {
            Set<Subscriber> own = bySession.getOrDefault(id, Set.of());
            Optional<Session> session = Optional.ofNullable(rows.get(id));
            session.ifPresent(x -> accounts.add(x.account()));
            for (Subscriber s : own) {
                // The stream may be closing at the same moment (timeout, the page going away, replaced):
                // only whoever marks it closing tells the page.
                if (!s.close(beats.get())) continue;
                EndReason reason = session.flatMap(Session::ending).map(Session.Ending::reason).orElse(EndReason.REVOKED);
                send(s, SseEmitter.event().name("signed-out")
                        .data(Map.of("reason", reason.code(), "message", reason.notice())));
                complete(s);
            }
        }
    }

    @Override
    public void started(AccountId account) {
        changed(account, "sessions");
    }

    /** {@code what}: "sessions", {@link #RESYNC}, or the sessions that ended ({@link #ENDED}), sent as JSON. */
    private void changed(AccountId account, Object what) {
        for (Subscriber s : byAccount.getOrDefault(account, Set.of())) {
            if (s.open()) send(s, SseEmitter.event().name("changed").data(what));
        }
    }

    /**
     * Keeps idle streams open through proxies and finds the ones whose page has gone: writing to a closed
     * connection fails (the first write after the page went away may still be taken by the network, the
     * next is not), and a failed write completes the stream. A stream the container has not reported
     * completed one heartbeat after it was told to close, or that outlived its timeout, stops being counted.
     */
    @Scheduled(fixedRateString = "${lanyard.live.heartbeat:15s}", initialDelayString = "${lanyard.live.heartbeat:15s}")
    void heartbeat() {
        long beat = beats.incrementAndGet();
        long lifetime = settings.timeout().toMillis() / settings.heartbeat().toMillis() + 2;
        for (Set<Subscriber> set : bySession.values()) {
            for (Subscriber s : set) {
                if (s.open() && beat - s.openedAtBeat <= lifetime) {
                    send(s, SseEmitter.event().comment("♥"));
                } else if ((!s.open() && s.closingSince.get() < beat - 1) || beat - s.openedAtBeat > lifetime) {
                    log.debug("A live stream was not reported completed; no longer counted");
                    end(s);
                    forget(s);
                }
            }
        }
    }

    /** Closes the streams first, so a graceful shutdown does not wait on them. */
    @EventListener(ContextClosedEvent.class)
    void closeAll() {
        bySession.values().forEach(set -> set.forEach(this::end));
    }

    /** Streams this node holds: admitted and not yet reported completed by the container. */
    int held() {
        synchronized (admission) {
            return held;
        }
    }

    /** Streams of {@code session} still listening (not told to close). */
    int listening(SessionId session) {
        return (int) bySession.getOrDefault(session, Set.of()).stream().filter(Subscriber::open).count();
    }

    /** Streams of {@code account} still listening (not told to close). */
    int listening(AccountId account) {
        return (int) byAccount.getOrDefault(account, Set.of()).stream().filter(Subscriber::open).count();
    }

    private void send(Subscriber s, SseEmitter.SseEventBuilder event) {
        try {
            s.emitter.send(event);
        } catch (IOException | IllegalStateException gone) {
            // The page went away, or the stream is already complete: release the request, not just the index entry.
            end(s);
        }
    }

    /** Marks the stream closing and completes it; its index entry goes when the container reports it completed. */
    private void end(Subscriber s) {
        s.close(beats.get());
        complete(s);
    }

    /**
     * Completes the page's stream, once. The container may be closing it at the same moment (the page went away,
     * the stream timed out), and then refuses the dispatch that completing asks for: the page is gone either way.
     */
    private void complete(Subscriber s) {
        if (!s.completed.compareAndSet(false, true)) return;
        try {
            s.emitter.complete();
        } catch (IllegalStateException gone) {
            log.trace("The live stream was already closing", gone);
        }
    }

    /** Takes the subscriber out of both indexes and the count; repeating it changes nothing. */
    private void forget(Subscriber s) {
        synchronized (admission) {
            boolean[] removed = new boolean[1];
            bySession.computeIfPresent(s.session, (k, set) -> {
                removed[0] = set.remove(s);
                return set.isEmpty() ? null : set;
            });
            byAccount.computeIfPresent(s.account, (k, set) -> {
                set.remove(s);
                return set.isEmpty() ? null : set;
            });
            if (removed[0]) held--;
        }
    }
}
