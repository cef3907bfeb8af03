package dev.lanyard.session;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import javax.sql.DataSource;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.TeamId;
import dev.lanyard.ops.DatabaseKind;
import jakarta.annotation.PreDestroy;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static dev.lanyard.session.BroadcastChannel.CHANGED_PREFIX;
import static dev.lanyard.session.BroadcastChannel.FORGET_PREFIX;
import static dev.lanyard.session.BroadcastChannel.STARTED_PREFIX;
import static dev.lanyard.session.BroadcastChannel.TEAM_PREFIX;
import static dev.lanyard.session.BroadcastChannel.payloads;

/**
 * Makes an ending hold on every node at once. Locally the cache evicts right after the commit;
 * on PostgreSQL the ending transaction also sends {@code NOTIFY}, which PostgreSQL delivers to
 * every node when (and only if) it commits. Each node listens on a connection of its own
 * ({@link ListeningConnection}); until that connection is up, and whenever it is down, the node does not trust its
 * cache and reads every check from the database, and it clears the cache once it hears again.
 *
 * <p>An ending returns only once every other node has dropped the session (decision 0021): they
 * acknowledge it, and a node that falls silent stops trusting its cache when its lease in
 * {@code session_nodes} runs out, which is as long as the ending waits for it ({@link EndingAcknowledgements}).
 *
 * <p>Caches of other modules that must drop an entry on every node at once ({@link NodeCaches}: an OAuth
 * access token without a session, an app's registration) are told on the same channel, acknowledged and
 * waited for as an ending is, and cleared whenever the validation cache is.
 *
 * <p>News that other modules tell the other nodes after the fact ({@link NodeNews}: the sign-in throttle's failures,
 * decision 71) goes on the same channel too, neither acknowledged nor waited for.
 *
 * <p>The listening thread survives any throwable (it backs off and listens again; {@link #state()}
 * tells health what happened). It only evicts from the cache, which is memory work; whatever else
 * a notification causes (live pages, which read the database) runs on another thread, in order,
 * so a slow listener never delays the next eviction ({@link HeardNotifications}, {@link LocalListeners}).
 */
@Component
class SessionBroadcast {
    static final String CHANNEL = "lanyard_session_ended";

    private final BroadcastChannel channel;
    private final DataSource dataSource;
    private final SessionCache cache;
    private final SessionStore store;
    private final ApplicationEventPublisher events;
    private final LocalListeners listeners = new LocalListeners();
    private final ModuleReceivers receivers;
    private final ListeningConnection listening;
    private final EndingAcknowledgements acknowledgements;
    private final HeardNotifications heard;
    private volatile boolean postgres;

    SessionBroadcast(JdbcClient jdbc, DataSource dataSource, SessionCache cache, SessionStore store,
                     ApplicationEventPublisher events, Clock clock) {
        this.store = store;
        this.events = events;
        this.channel = new BroadcastChannel(jdbc);
        this.dataSource = dataSource;
        this.cache = cache;
        this.receivers = new ModuleReceivers(cache);
        this.listening = new ListeningConnection(channel, jdbc, dataSource, cache, clock);
        this.acknowledgements = new EndingAcknowledgements(channel, jdbc, dataSource, cache, listening);
        this.heard = new HeardNotifications(channel, cache, acknowledgements, receivers, listeners);
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
        return listening.state();
    }

    /** This node's id, as other nodes see it in notifications and in {@code session_nodes}. */
    String node() {
        return channel.node();
    }

    boolean clustered() {
        return postgres;
    }

    /**
     * First of the start-up listeners: one that ends sessions (a team sign-out a restart cut short, {@link TeamSignOuts})
     * must find this knowing the database, or its endings would not go out to the other nodes.
     */
    @EventListener(ApplicationReadyEvent.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    void startListening() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            postgres = DatabaseKind.postgres(c);
        }
        if (!postgres) {
            listening.alone();
            return;
        }
        listening.start(heard);
    }

    /**
     * Forgets the team's cached sessions here and on the other nodes (a new policy, a member's role or high-security
     * switch): the other nodes as they hear the commit of the caller's transaction, this node after it. Returns, after
     * the commit, once every other node that may hold them has forgotten them, as an ending does (decision 0021), so a
     * request to any node that starts after the change returned is checked under the new policy or role.
     */
    void teamChanged(TeamId team) {
        Runnable here = () -> cache.evictTeam(team);
        if (!postgres) {
            afterCommit(here);
            return;
        }
        acknowledgements.send(List.of(TEAM_PREFIX + team.value()), here, null);
    }

    /**
     * Announces sessions of {@code owner} that just ended: one {@link SessionsEnded} for them all, in
     * the caller's transaction (the audit log and signals listen); a notification to the other
     * nodes; and, after the commit, eviction here and the live-page listeners. Every way a session
     * ends comes through here. Returns the rows the event carries, as they are now (ended).
     */
    List<Session> ended(List<SessionId> ids, AccountId owner, Session.Ending ending) {
        Map<SessionId, AccountId> owners = new LinkedHashMap<>();
        ids.forEach(id -> owners.put(id, owner));
        return ended(owners, ending, null);
    }

    /**
     * {@link #ended(List, AccountId, Session.Ending)} for sessions of several
     * owners ended alike (a batch of the sweep, of a team sign-out): one event, one read of the rows,
     * one notification and one wait for the other nodes for the whole batch, not one per session.
     */
    void ended(Map<SessionId, AccountId> owners, Session.Ending ending) {
        ended(owners, ending, null);
    }

    /**
     * {@link #ended(Map, Session.Ending)} for one batch of several: instead of waiting for
     * the other nodes after this batch's commit, adds that wait to {@code waits}, which the caller
     * runs after its last batch and before it returns (a team sign-out, the sweep). The other nodes
     * drop each batch as soon as it commits all the same; the caller waits for their
     * acknowledgements once, most of them already in, instead of one round trip per batch. Returns the rows the event
     * carries, as they are now (ended).
     */
    List<Session> ended(Map<SessionId, AccountId> owners, Session.Ending ending, List<Runnable> waits) {
        if (owners.isEmpty()) return List.of();
        // One event and one read for the whole batch: its listeners write in batches (audit, signals).
        List<Session> rows = store.findAnyOwner(owners.keySet());
        announce(List.copyOf(owners.keySet()), rows, ending, waits);
        return rows;
    }

    /**
     * {@link #ended(Map, Session.Ending, List)} for rows the ending statement returned as
     * they are now (ended): nothing is read again.
     */
    void endedRows(List<Session> rows, Session.Ending ending, List<Runnable> waits) {
        if (rows.isEmpty()) return;
        announce(rows.stream().map(Session::id).toList(), rows, ending, waits);
    }

    private void announce(List<SessionId> ids, List<Session> rows, Session.Ending ending, List<Runnable> waits) {
        if (!rows.isEmpty()) events.publishEvent(new SessionsEnded(ending, rows));
        Runnable here = () -> {
            cache.evict(ids);
            listeners.tell(l -> l.ended(ids, true));
        };
        if (!postgres) {
            afterCommit(here);
            return;
        }
        acknowledgements.send(payloads(ids.stream().map(SessionId::value).toList()), here, waits);
    }

    /** Registers the cache {@code name} of another module ({@link NodeCaches}); once per name. */
    void forgetter(String name, Consumer<List<String>> forget) {
        receivers.forgetter(name, forget);
    }

    /**
     * Makes the cache {@code name} forget {@code keys} on every node, as an ending is heard: on the other nodes when
     * they hear the commit, here after it; then waits, as an ending does, until every other node that may hold them
     * has forgotten them (decision 0021). In the caller's transaction, if any.
     */
    void forget(String name, List<String> keys) {
        if (keys.isEmpty()) return;
        Optional<Consumer<List<String>>> mine = receivers.forgetter(name);
        Runnable here = () -> mine.ifPresent(forget -> forget.accept(keys));
        if (!postgres) {
            afterCommit(here);
            return;
        }
        acknowledgements.send(payloads(keys).stream().map(p -> FORGET_PREFIX + name + ":" + p).toList(), here, null);
    }

    /** Registers who hears the news of {@code name} from the other nodes ({@link NodeNews}); once per name. */
    void newsListener(String name, Consumer<List<String>> listener) {
        receivers.newsListener(name, listener);
    }

    /** Sends {@code payload} ({@code news:NAME:messages}) to the other nodes now, in the caller's transaction if any. */
    void sendNews(String payload) {
        channel.send(payload);
    }

    /** Whether this node has listened at least once since it started. */
    boolean listenedOnce() {
        return listening.listenings() > 0;
    }

    /** After the commit, makes this node and the others read these sessions again (renamed, alerts switched). */
    void changed(List<SessionId> ids) {
        if (ids.isEmpty()) return;
        if (postgres) payloads(ids.stream().map(SessionId::value).toList()).forEach(p -> channel.send(CHANGED_PREFIX + p));
        afterCommit(() -> cache.evict(ids));
    }

    /** Tells this node's and the other nodes' listeners, after the commit, that the account has a new session. */
    void started(AccountId account) {
        if (postgres) channel.send(STARTED_PREFIX + account.value());
        afterCommit(() -> listeners.tell(l -> l.started(account)));
    }

    /** Who else on this node wants to hear of endings and starts (the live page updates). */
    interface Listener {
        /** {@code local}: ended by this node, which has published the events already. */
        void ended(List<SessionId> ids, boolean local);

        void started(AccountId account);

        /**
         * This node listens, for the first time or again after its listening connection failed: whatever was announced
         * before was not heard (the validation cache is cleared), so what listeners keep of the sessions must be read again.
         */
        default void relistened() {
        }
    }

    void register(Listener listener) {
        listeners.register(listener);
    }

    void unregister(Listener listener) {
        listeners.unregister(listener);
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

    @PreDestroy
    void stop() {
        listening.stop(postgres);
        listeners.shutdown();
    }
}
