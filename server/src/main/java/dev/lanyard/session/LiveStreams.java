package dev.lanyard.session;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import dev.lanyard.account.AccountId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The Server-Sent Event streams this node holds for open pages, by session and by account; what they hear when
 * sessions start and end is {@link LiveSessions}'.
 *
 * <p>Streams are capped (docs/decisions/0056-live-streams-capped.md): per session and per account a new
 * stream closes the oldest, whose page hears {@code replaced} and stops listening; past the node's
 * ceiling a new page gets none. A stream counts from the moment it is admitted until the container reports
 * it completed, so the ceiling holds what the server really holds.
 *
 * <p>A page reads its list before its stream opens, and what changes in between reaches no stream of it. So this node
 * remembers for a minute when it told each account's pages "changed" (whether or not any page listened), and a page
 * whose stream opens naming when it read its list hears "changed" at once if its account changed since, or if this node
 * cannot know (the list is older than that minute, or than the moment this node last began listening).
 */
@Component
class LiveStreams {
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
    /** What a tab id may be: tab.js makes 16 hex digits. */
    private static final Pattern TAB = Pattern.compile("[A-Za-z0-9-]{1,40}");
    private static final Logger log = LoggerFactory.getLogger(LiveStreams.class);

    private final Map<AccountId, Set<LiveStream>> byAccount = new ConcurrentHashMap<>();
    private final Map<SessionId, Set<LiveStream>> bySession = new ConcurrentHashMap<>();
    /** Guards admission and removal, so the caps and the count agree; sends happen outside it. */
    private final Object admission = new Object();
    private int held;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong beats = new AtomicLong();
    private final LiveSettings settings;
    private final Clock clock;

    /** How long this node remembers when an account's pages were told "changed". */
    static final Duration REMEMBERED = Duration.ofMinutes(1);
    /**
     * How far two nodes' clocks may differ (a page may read its list on one node and open its stream on another): a
     * change told this long before the list was read counts as after it, which costs the page one refresh at most.
     */
    static final long SKEW_MILLIS = 5_000;
    /** The data of the "changed" a page hears when its stream opens after a change it may not show. */
    static final String MISSED = "sessions";
    /** This node's own mark on the lists it serves ({@code data-listed-by}): a stream opening here with it needs no margin. */
    private final String node = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    /** When this node last told each account's pages "changed" (epoch ms), for {@link #REMEMBERED}. */
    private final Map<AccountId, Long> changedAt = new ConcurrentHashMap<>();
    /** When sessions of accounts this node did not read ended (no page was open here to tell), epoch ms. */
    private volatile long unreadChangeAt = Long.MIN_VALUE;
    /** Since when this node has heard every change (epoch ms): it started, or began listening again after a break. */
    private volatile long heardSince;

    LiveStreams(LiveSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.heardSince = clock.millis();
    }

    /**
     * A stream for the page of {@code current} in browser tab {@code tab}: first closing the streams of that tab's
     * earlier pages (a page left for another, whose stream the server would otherwise count as open until a heartbeat
     * fails to reach it), then the oldest of its session's or account's when they are at their cap; empty when the
     * node already holds {@link LiveSettings#maxStreams()} and none of them would make room. {@code listedAt}: when the
     * page read the list it shows (epoch ms, {@code null} when it shows none), and {@code listedBy} the node that read it
     * ({@link #node()}): it hears "changed" after "ready" when its account may have changed since.
     */
    Optional<SseEmitter> subscribe(CurrentSession current, String tab, Long listedAt, String listedBy) {
        String tabId = tab != null && TAB.matcher(tab).matches() ? tab : "";
        SseEmitter emitter = new SseEmitter(settings.timeout().toMillis());
        LiveStream stream = new LiveStream(current.id(), current.account().id(), tabId, emitter, sequence.incrementAndGet(), beats.get());
        Map<LiveStream, Replaced> replaced = new LinkedHashMap<>(2);
        synchronized (admission) {
            Set<LiveStream> sameSession = bySession.get(stream.session);
            if (!tabId.isEmpty() && sameSession != null)
                sameSession.stream().filter(s -> s.open() && s.tab.equals(tabId)).forEach(s -> replaced.put(s, Replaced.TAB));
            oldestOpen(sameSession, settings.perSession(), replaced.keySet()).ifPresent(s -> replaced.put(s, Replaced.SESSION));
            oldestOpen(byAccount.get(stream.account), settings.perAccount(), replaced.keySet()).ifPresent(s -> replaced.put(s, Replaced.ACCOUNT));
            // A replacement does not add to what the node holds, so a member at their own cap is never refused.
            if (held - replaced.size() >= settings.maxStreams()) return Optional.empty();
            replaced.keySet().removeIf(s -> !s.close(beats.get()));
            byAccount.computeIfAbsent(stream.account, k -> ConcurrentHashMap.newKeySet()).add(stream);
            bySession.computeIfAbsent(stream.session, k -> ConcurrentHashMap.newKeySet()).add(stream);
            held++;
        }
        emitter.onCompletion(() -> forget(stream));
        emitter.onTimeout(() -> end(stream));
        emitter.onError(e -> end(stream));
        replaced.forEach((old, why) -> {
            // The retry field holds back a page whose script predates REPLACED: its EventSource waits that long.
            send(old, SseEmitter.event().reconnectTime(settings.backoff().toMillis()).name(REPLACED)
                    .data(Map.of("reason", why.code, "message", why.message)));
            old.complete();
        });
        send(stream, SseEmitter.event().name("ready").data("ok"));
        // After the stream is in byAccount: a change told from now on reaches it, one told before is in changedAt.
        if (listedAt != null && mayHaveChanged(stream.account, listedAt, node.equals(listedBy)))
            send(stream, SseEmitter.event().name("changed").data(MISSED));
        return Optional.of(emitter);
    }

    /** The oldest open stream of {@code set} when its open ones, less those already being replaced, fill {@code cap}. */
    private static Optional<LiveStream> oldestOpen(Set<LiveStream> set, int cap, Set<LiveStream> replaced) {
        if (set == null) return Optional.empty();
        List<LiveStream> open = set.stream().filter(s -> s.open() && !replaced.contains(s)).toList();
        if (open.size() < cap) return Optional.empty();
        return open.stream().min(Comparator.comparingLong(s -> s.opened));
    }

    /** Whether no account has a stream here. */
    boolean none() {
        return byAccount.isEmpty();
    }

    /** The sessions with a stream here, as they are now. */
    List<SessionId> sessions() {
        return List.copyOf(bySession.keySet());
    }

    /**
     * Tells each page of {@code session} {@code event} with {@code data} (sent as JSON) and closes its stream. A stream
     * may be closing at the same moment (timeout, the page going away, replaced): only whoever marks it closing tells the page.
     */
    void close(SessionId session, String event, Object data) {
        for (LiveStream s : bySession.getOrDefault(session, Set.of())) {
            if (!s.close(beats.get())) continue;
            send(s, SseEmitter.event().name(event).data(data));
            s.complete();
        }
    }

    /** The mark this node puts on the lists it serves ({@code data-listed-by}). */
    String node() {
        return node;
    }

    /**
     * Whether {@code account}'s sessions may have changed since {@code listedAt} (epoch ms): told "changed" here since, or at a
     * time this node cannot vouch for. A list read on another node ({@code here} false) is taken as read
     * {@link #SKEW_MILLIS} earlier, for the two clocks; one read here needs no margin: a change committed before the list
     * was read is in it, and one committed after is told after. (Without it, every page right after a sign-in refreshed.)
     */
    boolean mayHaveChanged(AccountId account, long listedAt, boolean here) {
        long from = here ? listedAt : listedAt - SKEW_MILLIS;
        if (from < heardSince || from < clock.millis() - REMEMBERED.toMillis()) return true;
        Long at = changedAt.get(account);
        return (at != null && at >= from) || unreadChangeAt >= from;
    }

    /** Sessions ended whose accounts this node did not read, since none of its pages was open: any page opening now may be one of theirs. */
    void changedUnread() {
        unreadChangeAt = clock.millis();
    }

    /** This node began listening again (or for the first time): what changed before now may not have been heard. */
    void heardFromNow() {
        heardSince = clock.millis();
    }

    /**
     * Tells each open page of {@code account} "changed" with {@code data}, sent as JSON: its list refreshes. Remembered
     * first, so a page whose stream is being admitted meanwhile hears it when its stream opens ({@link #subscribe}).
     */
    void changed(AccountId account, Object data) {
        changedAt.merge(account, clock.millis(), Math::max);
        for (LiveStream s : byAccount.getOrDefault(account, Set.of())) {
            if (s.open()) send(s, SseEmitter.event().name("changed").data(data));
        }
    }

    /** Tells every open page here "changed" with {@code data}, sent as JSON. */
    void changedEveryone(Object data) {
        byAccount.keySet().forEach(account -> changed(account, data));
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
        long forgotten = clock.millis() - REMEMBERED.toMillis();
        changedAt.values().removeIf(at -> at < forgotten);
        long lifetime = settings.timeout().toMillis() / settings.heartbeat().toMillis() + 2;
        for (Set<LiveStream> set : bySession.values()) {
            for (LiveStream s : set) {
                if (s.open() && beat - s.openedAtBeat <= lifetime) {
                    send(s, SseEmitter.event().comment("♥"));
                } else if ((!s.open() && s.closingSince() < beat - 1) || beat - s.openedAtBeat > lifetime) {
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
        return (int) bySession.getOrDefault(session, Set.of()).stream().filter(LiveStream::open).count();
    }

    /** Streams of {@code account} still listening (not told to close). */
    int listening(AccountId account) {
        return (int) byAccount.getOrDefault(account, Set.of()).stream().filter(LiveStream::open).count();
    }

    private void send(LiveStream s, SseEmitter.SseEventBuilder event) {
        try {
            s.emitter.send(event);
        } catch (IOException | IllegalStateException gone) {
            // The page went away, or the stream is already complete: release the request, not just the index entry.
            end(s);
        }
    }

    /** Marks the stream closing and completes it; its index entry goes when the container reports it completed. */
    private void end(LiveStream s) {
        s.close(beats.get());
        s.complete();
    }

    /** Takes the stream out of both indexes and the count; repeating it changes nothing. */
    private void forget(LiveStream s) {
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
