package dev.lanyard.session;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.lanyard.account.AccountId;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live updates for open pages (PRODUCT.md S6, E1) over Server-Sent Events. Every open page of
 * a member holds one stream. When one of the member's sessions starts or ends anywhere, the
 * member's pages hear {@code changed} and refresh their list; the page of the session that ended
 * hears {@code signed-out} with the reason, and its stream closes. Endings on other nodes arrive
 * through {@link SessionBroadcast}.
 */
@Component
class LiveSessions implements SessionBroadcast.Listener {
    static final Duration STREAM_TIMEOUT = Duration.ofMinutes(30);

    private record Subscriber(SessionId session, AccountId account, SseEmitter emitter) {
    }

    private final Map<AccountId, Set<Subscriber>> byAccount = new ConcurrentHashMap<>();
    private final Map<SessionId, Set<Subscriber>> bySession = new ConcurrentHashMap<>();
    private final SessionStore store;

    LiveSessions(SessionBroadcast broadcast, SessionStore store) {
        this.store = store;
        broadcast.register(this);
    }

    SseEmitter subscribe(CurrentSession current) {
        SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
        Subscriber subscriber = new Subscriber(current.id(), current.account().id(), emitter);
        byAccount.computeIfAbsent(subscriber.account(), k -> ConcurrentHashMap.newKeySet()).add(subscriber);
        bySession.computeIfAbsent(subscriber.session(), k -> ConcurrentHashMap.newKeySet()).add(subscriber);
        Runnable remove = () -> remove(subscriber);
        emitter.onCompletion(remove);
        emitter.onTimeout(remove);
        emitter.onError(e -> remove.run());
        send(subscriber, SseEmitter.event().name("ready").data("ok"));
        return emitter;
    }

    @Override
    public void ended(List<SessionId> ids, boolean local) {
        if (byAccount.isEmpty()) return;
        // Every ended page first hears that it was signed out; then each account's other pages
        // refresh once, however many of its sessions ended together.
        Set<AccountId> accounts = new java.util.HashSet<>();
        // One read for the whole batch, not one per session: a team sign-out ends thousands at once.
        Map<SessionId, Session> rows = new java.util.HashMap<>();
        store.findAnyOwner(ids).forEach(row -> rows.put(row.id(), row));
        for (SessionId id : ids) {
            Set<Subscriber> own = bySession.getOrDefault(id, Set.of());
            Optional<Session> session = Optional.ofNullable(rows.get(id));
            session.ifPresent(x -> accounts.add(x.account()));
            for (Subscriber s : own) {
                // The stream may be closing at the same moment (timeout, the page going away):
                // only whoever takes the subscriber out tells the page.
                if (!remove(s)) continue;
                EndReason reason = session.flatMap(Session::ending).map(Session.Ending::reason).orElse(EndReason.REVOKED);
                send(s, SseEmitter.event().name("signed-out")
                        .data(Map.of("reason", reason.code(), "message", reason.notice())));
                complete(s);
            }
        }
        accounts.forEach(this::changed);
    }

    @Override
    public void started(AccountId account) {
        changed(account);
    }

    private void changed(AccountId account) {
        for (Subscriber s : byAccount.getOrDefault(account, Set.of())) {
            send(s, SseEmitter.event().name("changed").data("sessions"));
        }
    }

    /** Keeps idle streams open through proxies, and finds the ones whose page has gone. */
    @Scheduled(fixedRate = 20_000)
    void heartbeat() {
        byAccount.values().forEach(set -> set.forEach(s -> send(s, SseEmitter.event().comment("♥"))));
    }

    /** Closes the streams first, so a graceful shutdown does not wait on them. */
    @EventListener(ContextClosedEvent.class)
    void closeAll() {
        byAccount.values().forEach(set -> set.forEach(this::complete));
    }

    int subscribers() {
        return byAccount.values().stream().mapToInt(Set::size).sum();
    }

    private void send(Subscriber s, SseEmitter.SseEventBuilder event) {
        try {
            synchronized (s.emitter()) {
                s.emitter().send(event);
            }
        } catch (IOException | IllegalStateException gone) {
            remove(s);
        }
    }

    /**
     * Ends the page's stream. The container may be closing it at the same moment (the page went away,
     * the stream timed out), and then refuses the dispatch that completing asks for: the page is gone.
     */
    private void complete(Subscriber s) {
        try {
            synchronized (s.emitter()) {
                s.emitter().complete();
            }
        } catch (IllegalStateException gone) {
            remove(s);
        }
    }

    /** Takes the subscriber out; true only for the call that actually removed it. */
    private boolean remove(Subscriber s) {
        byAccount.computeIfPresent(s.account(), (k, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set;
        });
        boolean[] removed = new boolean[1];
        bySession.computeIfPresent(s.session(), (k, set) -> {
            removed[0] = set.remove(s);
            return set.isEmpty() ? null : set;
        });
        return removed[0];
    }
}
