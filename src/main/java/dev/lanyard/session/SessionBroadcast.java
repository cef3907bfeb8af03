package dev.lanyard.session;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.annotation.PreDestroy;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Makes an ending hold on every node at once. Locally the cache evicts right after the commit;
 * on PostgreSQL the ending transaction also sends {@code NOTIFY}, which PostgreSQL delivers to
 * every node when (and only if) it commits. Each node listens on a connection of its own; until
 * that connection is up, and whenever it is down, the node does not trust its cache and reads
 * every check from the database, and it clears the cache once it hears again.
 *
 * <p>The listening thread survives any throwable (it backs off and listens again; {@link #state()}
 * tells health what happened). It only evicts from the cache, which is memory work; whatever else
 * a notification causes (live pages, which read the database) runs on another thread, in order,
 * so a slow listener never delays the next eviction.
 */
@Component
class SessionBroadcast {
    static final String CHANNEL = "lanyard_session_ended";
    private static final Logger log = LoggerFactory.getLogger(SessionBroadcast.class);
    private static final int MAX_PAYLOAD = 7000;
    private static final int HANDLER_QUEUE = 10_000;
    private static final String TEAM_PREFIX = "team:";
    private static final String STARTED_PREFIX = "started:";
    private static final String CHANGED_PREFIX = "changed:";
    /** Every notification starts with the sending node's id and this separator. */
    private static final char FROM = '|';
    /** This node, so that it can tell its own notifications when PostgreSQL delivers them back. */
    private final String node = Long.toHexString(new java.security.SecureRandom().nextLong());
    private final List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final SessionCache cache;
    private final org.springframework.context.ApplicationEventPublisher events;
    private final Clock clock;
    /** Runs what notifications cause beyond eviction, one at a time, in the order they arrived. */
    private final ThreadPoolExecutor handlers = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(HANDLER_QUEUE), runnable -> {
                Thread thread = new Thread(runnable, "lanyard-session-news");
                thread.setDaemon(true);
                return thread;
            }, (task, executor) -> log.warn("Too many session notifications queued; an open page may miss a refresh"));
    private volatile boolean postgres;
    private volatile boolean running = true;
    private volatile State state = new State(false, 0, Optional.empty(), Optional.empty());
    private Thread listener;

    SessionBroadcast(JdbcClient jdbc, DataSource dataSource, SessionCache cache,
                     org.springframework.context.ApplicationEventPublisher events, Clock clock) {
        this.events = events;
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.cache = cache;
        this.clock = clock;
    }

    /**
     * Whether this node hears the others, for health.
     *
     * @param listening   LISTEN is up (always true on SQLite: one node, nothing to hear)
     * @param failures    how many times the listening connection failed since start
     * @param lastFailure the type and message of the last failure, never a notification's content
     */
    record State(boolean listening, long failures, Optional<String> lastFailure, Optional<Instant> lastFailureAt) {
    }

    State state() {
        return state;
    }

    boolean clustered() {
        return postgres;
    }

    @EventListener(ApplicationReadyEvent.class)
    void startListening() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            postgres = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
        }
        if (!postgres) {
            state = new State(true, 0, Optional.empty(), Optional.empty());
            cache.trust(true);
            return;
        }
        listener = new Thread(this::listen, "lanyard-session-listener");
        listener.setDaemon(true);
        listener.start();
    }

    /** After the commit, forgets the team's cached sessions here and on the other nodes (new policy). */
    void teamChanged(dev.lanyard.account.TeamId team) {
        if (postgres) notify(TEAM_PREFIX + team.value());
        afterCommit(() -> cache.evictTeam(team));
    }

    /**
     * Announces sessions of {@code owner} that just ended: one {@link SessionEvent.Ended} each, in
     * the caller's transaction (the audit log and timeline listen); a notification to the other
     * nodes; and, after the commit, eviction here and the live-page listeners. Every way a session
     * ends comes through here.
     */
    void ended(List<SessionId> ids, dev.lanyard.account.AccountId owner, Session.Ending ending) {
        if (ids.isEmpty()) return;
        ids.forEach(id -> events.publishEvent(new SessionEvent.Ended(id, owner, ending)));
        if (postgres) payloads(ids).forEach(this::notify);
        afterCommit(() -> {
            cache.evict(ids);
            listeners.forEach(l -> l.ended(ids, true));
        });
    }

    /** After the commit, makes this node and the others read these sessions again (renamed, alerts switched). */
    void changed(List<SessionId> ids) {
        if (ids.isEmpty()) return;
        if (postgres) payloads(ids).forEach(p -> notify(CHANGED_PREFIX + p));
        afterCommit(() -> cache.evict(ids));
    }

    /** Tells this node's and the other nodes' listeners, after the commit, that the account has a new session. */
    void started(dev.lanyard.account.AccountId account) {
        if (postgres) notify(STARTED_PREFIX + account.value());
        afterCommit(() -> listeners.forEach(l -> l.started(account)));
    }

    /** Who else on this node wants to hear of endings and starts (the live page updates). */
    interface Listener {
        /** {@code local}: ended by this node, which has published the events already. */
        void ended(List<SessionId> ids, boolean local);

        void started(dev.lanyard.account.AccountId account);
    }

    void register(Listener listener) {
        listeners.add(listener);
    }

    void unregister(Listener listener) {
        listeners.remove(listener);
    }

    private void notify(String payload) {
        jdbc.sql("SELECT pg_notify(:channel, :payload)").param("channel", CHANNEL).param("payload", node + FROM + payload)
                .query((rs, n) -> 1).list();
    }

    private static void afterCommit(Runnable action) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    action.run();
                }
            });
        } else {
            action.run();
        }
    }

    private static List<String> payloads(List<SessionId> ids) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (SessionId id : ids) {
            if (current.length() + id.value().length() + 1 > MAX_PAYLOAD) {
                out.add(current.toString());
                current.setLength(0);
            }
            if (!current.isEmpty()) current.append(',');
            current.append(id.value());
        }
        if (!current.isEmpty()) out.add(current.toString());
        return out;
    }

    private void listen() {
        while (running) {
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
                st.execute("LISTEN " + CHANNEL);
                cache.trust(true);
                state = new State(true, state.failures(), state.lastFailure(), state.lastFailureAt());
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notes = pg.getNotifications(1000);
                    if (notes == null) {
                        if (!c.isValid(2)) throw new SQLException("listener connection lost");
                        continue;
                    }
                    for (PGNotification note : notes) received(note.getParameter());
                }
            } catch (Throwable e) {
                // Any throwable, Errors too: a dead listener thread would leave the cache trusted
                // (or distrusted) forever without a word.
                if (!running) return;
                cache.trust(false);
                state = new State(false, state.failures() + 1, Optional.of(e.getClass().getName() + ": " + e.getMessage()),
                        Optional.of(clock.instant()));
                log.warn("Lost the session invalidation channel; checking every session in the database until it is back: {}", e.toString());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void received(String notification) {
        int from = notification.indexOf(FROM);
        // Our own come back too: this node evicted and told its pages after the commit already, so
        // telling them again would only refresh open pages twice.
        if (from > 0 && notification.substring(0, from).equals(node)) return;
        String payload = notification.substring(from + 1);
        if (payload.startsWith(TEAM_PREFIX)) {
            cache.evictTeam(new dev.lanyard.account.TeamId(payload.substring(TEAM_PREFIX.length())));
        } else if (payload.startsWith(STARTED_PREFIX)) {
            var account = new dev.lanyard.account.AccountId(payload.substring(STARTED_PREFIX.length()));
            handOff(l -> l.started(account));
        } else if (payload.startsWith(CHANGED_PREFIX)) {
            cache.evict(ids(payload.substring(CHANGED_PREFIX.length())));
        } else {
            List<SessionId> ids = ids(payload);
            cache.evict(ids);
            handOff(l -> l.ended(ids, false));
        }
    }

    /** Tells the listeners on the handler thread; one that fails (even with an Error) does not stop the others. */
    private void handOff(java.util.function.Consumer<Listener> news) {
        handlers.execute(() -> listeners.forEach(l -> {
            try {
                news.accept(l);
            } catch (Throwable e) {
                log.warn("A session listener failed: {}", e.toString());
            }
        }));
    }

    private static List<SessionId> ids(String payload) {
        return Arrays.stream(payload.split(",")).filter(s -> !s.isBlank()).map(SessionId::new).toList();
    }

    @PreDestroy
    void stop() {
        running = false;
        if (listener != null) listener.interrupt();
        handlers.shutdownNow();
    }
}
