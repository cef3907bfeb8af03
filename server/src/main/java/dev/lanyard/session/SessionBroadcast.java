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

import dev.lanyard.ops.DatabaseKind;

/**
 * Makes an ending hold on every node at once. Locally the cache evicts right after the commit;
 * on PostgreSQL the ending transaction also sends {@code NOTIFY}, which PostgreSQL delivers to
 * every node when (and only if) it commits. Each node listens on a connection of its own; until
 * that connection is up, and whenever it is down, the node does not trust its cache and reads
 * every check from the database, and it clears the cache once it hears again.
 *
 * <p>An ending returns only once every other node has dropped the session (decision 0021): they
 * acknowledge it, and a node that falls silent stops trusting its cache when its lease in
 * {@code session_nodes} runs out, which is as long as the ending waits for it.
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
    /** The last part of an ending that waits for acknowledgements: {@code ended:SEQ:ids}. */
    private static final String ENDED_PREFIX = "ended:";
    /** An acknowledgement: {@code ack:NODE:SEQ}, sent once the ending is evicted. */
    private static final String ACK_PREFIX = "ack:";
    /**
     * What another module's cache must forget ({@link NodeCaches}): {@code forget:NAME:keys}, its last part sent as an
     * ending's is ({@code ended:SEQ:forget:NAME:keys}), so it is acknowledged and waited for alike.
     */
    private static final String FORGET_PREFIX = "forget:";
    /**
     * What another module tells the other nodes after the fact ({@link NodeNews}): {@code news:NAME:messages}, sent
     * outside any transaction, neither acknowledged nor waited for.
     */
    static final String NEWS_PREFIX = "news:";
    /**
     * How long a node's cache stays trusted without renewing its lease in {@code session_nodes}
     * (decision 0021). A node that ends a session waits at most this long for a node that has
     * gone silent.
     */
    static final java.time.Duration LEASE = java.time.Duration.ofSeconds(3);
    /** The lease is renewed this often. */
    private static final long RENEW_EVERY = java.time.Duration.ofMillis(750).toNanos();
    /** Taken off the lease on this node's side, for clock drift between here and PostgreSQL. */
    private static final long LEASE_MARGIN = java.time.Duration.ofMillis(500).toNanos();
    /** How long an ending waits before it reads again who is left to hear it. */
    private static final long RECHECK = java.time.Duration.ofMillis(50).toNanos();
    /** An ending never waits longer than this (a node that renews its lease and never acknowledges). */
    private static final long MAX_WAIT = LEASE.multipliedBy(2).toNanos();
    /**
     * How long a statement on {@code session_nodes} may take (a lease's renewal, a node joining, an ending reading who
     * must hear it), in seconds: past it PostgreSQL cancels it (a lock held on the table). Well under the lease, so a
     * node whose renewal cannot go through notices it and tries again on a new connection before its lease runs out.
     */
    static final int STATEMENT_TIMEOUT_SECONDS = 1;
    /**
     * How long the listening connection waits for any answer from PostgreSQL: past it the connection is given up (a
     * backend or a network that stopped answering, where a cancel request cannot help; without it a dead TCP peer
     * holds the listening thread until the kernel gives up, about 15 minutes). Longer than a statement's own timeout,
     * so a statement that waits for a lock is cancelled, not its connection dropped.
     */
    static final int NETWORK_TIMEOUT_MILLIS = 2000;
    /** Every notification starts with the sending node's id and this separator. */
    private static final char FROM = '|';
    /** This node, so that it can tell its own notifications when PostgreSQL delivers them back. */
    private final String node = Long.toHexString(new java.security.SecureRandom().nextLong());
    private final List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The caches of other modules ({@link NodeCaches}), by name: each forgets the keys it is given. */
    private final java.util.Map<String, java.util.function.Consumer<List<String>>> forgetters = new java.util.concurrent.ConcurrentHashMap<>();
    /** Who hears the news of each name ({@link NodeNews}): it is given the messages of one notification. */
    private final java.util.Map<String, java.util.function.Consumer<List<String>>> newsListeners = new java.util.concurrent.ConcurrentHashMap<>();

    private final JdbcClient jdbc;
    /** {@link #jdbc} with {@link #STATEMENT_TIMEOUT_SECONDS}, for reading {@code session_nodes} after an ending. */
    private final JdbcClient timed;
    private final DataSource dataSource;
    private final SessionCache cache;
    private final SessionStore store;
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
    /** How many times this node has started listening: a change means it may have missed answers meanwhile. */
    private final java.util.concurrent.atomic.AtomicLong listenings = new java.util.concurrent.atomic.AtomicLong();
    /** Numbers this node's endings that wait for the other nodes. */
    private final java.util.concurrent.atomic.AtomicLong endings = new java.util.concurrent.atomic.AtomicLong();
    /** The nodes that acknowledged each ending still waited for, by its number. */
    private final java.util.concurrent.ConcurrentHashMap<Long, java.util.Set<String>> acks = new java.util.concurrent.ConcurrentHashMap<>();

    SessionBroadcast(JdbcClient jdbc, DataSource dataSource, SessionCache cache, SessionStore store,
                     org.springframework.context.ApplicationEventPublisher events, Clock clock) {
        this.store = store;
        this.events = events;
        this.jdbc = jdbc;
        org.springframework.jdbc.core.JdbcTemplate template = new org.springframework.jdbc.core.JdbcTemplate(dataSource);
        template.setQueryTimeout(STATEMENT_TIMEOUT_SECONDS);
        this.timed = JdbcClient.create(template);
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

    /** This node's id, as other nodes see it in notifications and in {@code session_nodes}. */
    String node() {
        return node;
    }

    boolean clustered() {
        return postgres;
    }

    @EventListener(ApplicationReadyEvent.class)
    void startListening() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            postgres = DatabaseKind.postgres(c);
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

    /**
     * Forgets the team's cached sessions here and on the other nodes (a new policy, a member's role or high-security
     * switch): the other nodes as they hear the commit of the caller's transaction, this node after it. Returns, after
     * the commit, once every other node that may hold them has forgotten them, as an ending does (decision 0021), so a
     * request to any node that starts after the change returned is checked under the new policy or role.
     */
    void teamChanged(dev.lanyard.account.TeamId team) {
        Runnable here = () -> cache.evictTeam(team);
        if (!postgres) {
            afterCommit(here);
            return;
        }
        acknowledged(List.of(TEAM_PREFIX + team.value()), here, null);
    }

    /**
     * Announces sessions of {@code owner} that just ended: one {@link SessionsEnded} for them all, in
     * the caller's transaction (the audit log and signals listen); a notification to the other
     * nodes; and, after the commit, eviction here and the live-page listeners. Every way a session
     * ends comes through here.
     */
    void ended(List<SessionId> ids, dev.lanyard.account.AccountId owner, Session.Ending ending) {
        java.util.Map<SessionId, dev.lanyard.account.AccountId> owners = new java.util.LinkedHashMap<>();
        ids.forEach(id -> owners.put(id, owner));
        ended(owners, ending);
    }

    /**
     * {@link #ended(List, dev.lanyard.account.AccountId, Session.Ending)} for sessions of several
     * owners ended alike (a batch of the sweep, of a team sign-out): one event, one read of the rows,
     * one notification and one wait for the other nodes for the whole batch, not one per session.
     */
    void ended(java.util.Map<SessionId, dev.lanyard.account.AccountId> owners, Session.Ending ending) {
        ended(owners, ending, null);
    }

    /**
     * {@link #ended(java.util.Map, Session.Ending)} for one batch of several: instead of waiting for
     * the other nodes after this batch's commit, adds that wait to {@code waits}, which the caller
     * runs after its last batch and before it returns (a team sign-out, the sweep). The other nodes
     * drop each batch as soon as it commits all the same; the caller waits for their
     * acknowledgements once, most of them already in, instead of one round trip per batch.
     */
    void ended(java.util.Map<SessionId, dev.lanyard.account.AccountId> owners, Session.Ending ending, List<Runnable> waits) {
        if (owners.isEmpty()) return;
        // One event and one read for the whole batch: its listeners write in batches (audit, signals).
        announce(List.copyOf(owners.keySet()), store.findAnyOwner(owners.keySet()), ending, waits);
    }

    /**
     * {@link #ended(java.util.Map, Session.Ending, List)} for rows the ending statement returned as
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
            tell(l -> l.ended(ids, true));
        };
        if (!postgres) {
            afterCommit(here);
            return;
        }
        acknowledged(payloads(ids.stream().map(SessionId::value).toList()), here, waits);
    }

    /**
     * Sends {@code parts} to the other nodes, the last asking for acknowledgements; after the commit runs {@code here}
     * and waits for the other nodes (or adds that wait to {@code waits}, which the caller runs).
     */
    private void acknowledged(List<String> parts, Runnable here, List<Runnable> waits) {
        long number = endings.incrementAndGet();
        parts.subList(0, parts.size() - 1).forEach(this::notify);
        // The last part asks for acknowledgements; the id of the transaction that sends it tells,
        // against a node's listening snapshot, whether that node can have missed it.
        String xid = jdbc.sql("SELECT pg_notify(:channel, :payload) AS sent, pg_current_xact_id()::text AS xid")
                .param("channel", CHANNEL)
                .param("payload", node + FROM + ENDED_PREFIX + number + ":" + parts.get(parts.size() - 1))
                .query((rs, n) -> rs.getString("xid")).single();
        acks.put(number, java.util.concurrent.ConcurrentHashMap.newKeySet());
        Runnable await = () -> {
            try {
                awaitOtherNodes(number, xid);
            } finally {
                acks.remove(number);
            }
        };
        Runnable done = () -> {
            boolean deferred = false;
            try {
                here.run();
                if (waits != null) {
                    waits.add(await);
                    deferred = true;
                }
            } finally {
                if (!deferred) await.run();
            }
        };
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    done.run();
                }

                @Override
                public void afterCompletion(int status) {
                    // A deferred wait still needs the acknowledgements heard meanwhile.
                    if (waits == null || status != STATUS_COMMITTED) acks.remove(number);
                }
            });
        } else {
            done.run();
        }
    }

    /** Registers the cache {@code name} of another module ({@link NodeCaches}); once per name. */
    void forgetter(String name, java.util.function.Consumer<List<String>> forget) {
        if (forgetters.putIfAbsent(name, forget) != null) throw new IllegalStateException("Two caches named " + name);
    }

    /**
     * Makes the cache {@code name} forget {@code keys} on every node, as an ending is heard: on the other nodes when
     * they hear the commit, here after it; then waits, as an ending does, until every other node that may hold them
     * has forgotten them (decision 0021). In the caller's transaction, if any.
     */
    void forget(String name, List<String> keys) {
        if (keys.isEmpty()) return;
        java.util.function.Consumer<List<String>> mine = forgetters.get(name);
        Runnable here = () -> {
            if (mine != null) mine.accept(keys);
        };
        if (!postgres) {
            afterCommit(here);
            return;
        }
        acknowledged(payloads(keys).stream().map(p -> FORGET_PREFIX + name + ":" + p).toList(), here, null);
    }

    /** Registers who hears the news of {@code name} from the other nodes ({@link NodeNews}); once per name. */
    void newsListener(String name, java.util.function.Consumer<List<String>> listener) {
        if (newsListeners.putIfAbsent(name, listener) != null) throw new IllegalStateException("Two listeners to the news " + name);
    }

    /** Sends {@code payload} ({@code news:NAME:messages}) to the other nodes now, in the caller's transaction if any. */
    void sendNews(String payload) {
        notify(payload);
    }

    /** Whether this node has listened at least once since it started. */
    boolean listenedOnce() {
        return listenings.get() > 0;
    }

    /** {@code NAME:messages} heard from another node: its listener hears them; one that fails is logged and skipped. */
    private void news(String payload) {
        int colon = payload.indexOf(':');
        if (colon < 0) return;
        java.util.function.Consumer<List<String>> listener = newsListeners.get(payload.substring(0, colon));
        if (listener == null) return;
        try {
            listener.accept(Arrays.stream(payload.substring(colon + 1).split(",")).filter(s -> !s.isBlank()).toList());
        } catch (RuntimeException e) {
            log.warn("A listener failed to hear another node's news: {}", e.getClass().getName());
        }
    }

    /** {@code NAME:keys} heard from another node: that cache forgets them; one that fails is cleared, with every other. */
    private void forgotten(String payload) {
        int colon = payload.indexOf(':');
        if (colon < 0) return;
        java.util.function.Consumer<List<String>> forget = forgetters.get(payload.substring(0, colon));
        if (forget == null) return;
        try {
            forget.accept(Arrays.stream(payload.substring(colon + 1).split(",")).filter(s -> !s.isBlank()).toList());
        } catch (RuntimeException e) {
            log.warn("A cache failed to forget what another node changed; clearing every cache: {}", e.toString());
            cache.clear();
        }
    }

    /**
     * Returns once every other node that may serve this ending's sessions from its cache has
     * dropped them (decision 0021): each node whose lease is current and whose listening snapshot
     * does not hold the ending's transaction (so it listens since before the commit and will hear
     * it) must acknowledge it; a node that goes silent is waited for until its lease runs out,
     * after which it does not trust its cache. Reads {@code clock_timestamp()}: after the commit,
     * the transaction's own time is past.
     */
    private void awaitOtherNodes(long number, String xid) {
        long start = System.nanoTime();
        long listened = listenings.get();
        java.util.Set<String> heard = acks.get(number);
        try {
            while (true) {
                java.util.Set<String> waiting = new java.util.HashSet<>(timed.sql("""
                                SELECT node FROM session_nodes
                                WHERE node <> :node AND trusted_until > clock_timestamp()
                                  AND NOT pg_visible_in_snapshot(CAST(:xid AS xid8), listening_snapshot)""")
                        .param("node", node).param("xid", xid).query(String.class).list());
                long recheck = System.nanoTime() + RECHECK;
                synchronized (heard) {
                    while (!heard.containsAll(waiting) && System.nanoTime() - recheck < 0) {
                        heard.wait(Math.max(1, (recheck - System.nanoTime()) / 1_000_000));
                    }
                }
                if (heard.containsAll(waiting)) return;
                if (System.nanoTime() - start > MAX_WAIT) {
                    waiting.removeAll(heard);
                    if (!cache.trusted() || listenings.get() != listened) {
                        // Their answers come on this node's listening connection: it was down, or replaced, meanwhile.
                        log.warn("This node may not have heard the other nodes within {} (its listening connection failed or its lease"
                                        + " ran out); {} other node(s) that renew their lease did not seem to acknowledge an ending",
                                java.time.Duration.ofNanos(MAX_WAIT), waiting.size());
                    } else {
                        log.warn("{} other node(s) renew their lease but did not acknowledge an ending within {}", waiting.size(),
                                java.time.Duration.ofNanos(MAX_WAIT));
                    }
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // Who listens is unknown (session_nodes locked, the database unreachable): wait until any lease given before
            // now has run out, within the bound every ending keeps.
            log.warn("Could not read which nodes must hear an ending; waiting out their leases: {}", e.toString());
            try {
                long left = Math.min(LEASE.toNanos(), start + MAX_WAIT - System.nanoTime());
                if (left > 0) TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Another node ({@code from}) says it has dropped the sessions of an ending: {@code NODE:SEQ}. */
    private void acknowledged(String from, String payload) {
        int colon = payload.indexOf(':');
        if (colon < 0 || !payload.substring(0, colon).equals(node)) return;
        java.util.Set<String> heard;
        try {
            heard = acks.get(Long.parseLong(payload.substring(colon + 1)));
        } catch (NumberFormatException e) {
            return;
        }
        if (heard == null) return;
        synchronized (heard) {
            heard.add(from);
            heard.notifyAll();
        }
    }

    /** After the commit, makes this node and the others read these sessions again (renamed, alerts switched). */
    void changed(List<SessionId> ids) {
        if (ids.isEmpty()) return;
        if (postgres) payloads(ids.stream().map(SessionId::value).toList()).forEach(p -> notify(CHANGED_PREFIX + p));
        afterCommit(() -> cache.evict(ids));
    }

    /** Tells this node's and the other nodes' listeners, after the commit, that the account has a new session. */
    void started(dev.lanyard.account.AccountId account) {
        if (postgres) notify(STARTED_PREFIX + account.value());
        afterCommit(() -> tell(l -> l.started(account)));
    }

    /** Who else on this node wants to hear of endings and starts (the live page updates). */
    interface Listener {
        /** {@code local}: ended by this node, which has published the events already. */
        void ended(List<SessionId> ids, boolean local);

        void started(dev.lanyard.account.AccountId account);

        /**
         * This node listens again after its listening connection failed: whatever was announced meanwhile was not
         * heard (the validation cache is cleared), so what listeners keep of the sessions must be read again.
         */
        default void relistened() {
        }
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

    private static List<String> payloads(List<String> ids) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String id : ids) {
            if (current.length() + id.length() + 1 > MAX_PAYLOAD) {
                out.add(current.toString());
                current.setLength(0);
            }
            if (!current.isEmpty()) current.append(',');
            current.append(id);
        }
        if (!current.isEmpty()) out.add(current.toString());
        return out;
    }

    private void listen() {
        while (running) {
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
              try {
                c.setAutoCommit(true);
                // Bounds every wait on this connection, so a hung one is given up within seconds (decision 0021 addendum).
                c.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MILLIS);
                st.setQueryTimeout(STATEMENT_TIMEOUT_SECONDS);
                st.execute("LISTEN " + CHANNEL);
                // Every ending committed after this node's snapshot (taken next) reaches this
                // connection. One committed before it may have been missed: the cache is cleared
                // after it (trustUntil clears an untrusted cache), and its node need not wait for us.
                cache.trust(false);
                long sent = System.nanoTime();
                try (java.sql.PreparedStatement join = c.prepareStatement("""
                        INSERT INTO session_nodes (node, listening_snapshot, trusted_until, backend_pid)
                        VALUES (?, pg_current_snapshot(), clock_timestamp() + CAST(? AS interval), pg_backend_pid())
                        ON CONFLICT (node) DO UPDATE SET listening_snapshot = excluded.listening_snapshot,
                                                         trusted_until = excluded.trusted_until,
                                                         backend_pid = excluded.backend_pid""")) {
                    join.setQueryTimeout(STATEMENT_TIMEOUT_SECONDS);
                    join.setString(1, node);
                    join.setString(2, LEASE.toMillis() + " milliseconds");
                    join.executeUpdate();
                }
                // A node that crashed never deletes its row (a clean stop does): rows whose lease ran out a day ago go,
                // so that session_nodes lists the nodes there are (outside QA). Expired leases count for nothing anyway.
                try (Statement forget = c.createStatement()) {
                    forget.setQueryTimeout(STATEMENT_TIMEOUT_SECONDS);
                    forget.executeUpdate("DELETE FROM session_nodes WHERE trusted_until < clock_timestamp() - INTERVAL '1 day'");
                }
                cache.trustUntil(sent + LEASE.toNanos() - LEASE_MARGIN);
                long renewed = sent;
                state = new State(true, state.failures(), state.lastFailure(), state.lastFailureAt());
                // Endings and starts committed while this node did not listen were not heard: open pages read theirs
                // again (what committed before the snapshot just taken is in the database; what commits after, it hears).
                if (listenings.getAndIncrement() > 0) handOff(Listener::relistened);
                PGConnection pg = c.unwrap(PGConnection.class);
                try (java.sql.PreparedStatement renew = c.prepareStatement(
                        "UPDATE session_nodes SET trusted_until = clock_timestamp() + CAST(? AS interval) WHERE node = ?");
                     java.sql.PreparedStatement ack = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                    renew.setQueryTimeout(STATEMENT_TIMEOUT_SECONDS);
                    ack.setQueryTimeout(STATEMENT_TIMEOUT_SECONDS);
                    renew.setString(1, LEASE.toMillis() + " milliseconds");
                    renew.setString(2, node);
                    ack.setString(1, CHANNEL);
                    while (running) {
                        if (System.nanoTime() - renewed > RENEW_EVERY) {
                            long at = System.nanoTime();
                            if (renew.executeUpdate() != 1) throw new SQLException("this node's lease is gone");
                            // A lease that ran out meanwhile clears the cache: the others stopped waiting for us.
                            cache.trustUntil(at + LEASE.toNanos() - LEASE_MARGIN);
                            renewed = at;
                        }
                        PGNotification[] notes = pg.getNotifications(250);
                        if (notes == null) {
                            if (!c.isValid(2)) throw new SQLException("listener connection lost");
                            continue;
                        }
                        for (PGNotification note : notes) {
                            String owed = received(note.getParameter());
                            if (owed != null) {
                                ack.setString(2, node + FROM + owed);
                                ack.execute();
                            }
                        }
                    }
                }
              } finally {
                release(st);
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

    /**
     * Readies the listening connection to go back to the pool: it stops listening, or, when it is
     * dead, the pool sees it fail and closes it rather than lend it to a request (a failure inside
     * {@code getNotifications}, on the unwrapped connection, is one the pool never saw).
     */
    private static void release(Statement st) {
        try {
            st.execute("UNLISTEN *");
        } catch (Throwable e) {
            log.debug("The listening connection is gone: {}", e.toString());
        }
    }

    /** Acts on a notification; returns the acknowledgement it asks for, if any, once acted on. */
    private String received(String notification) {
        int from = notification.indexOf(FROM);
        // Our own come back too: this node evicted and told its pages after the commit already, so
        // telling them again would only refresh open pages twice.
        if (from > 0 && notification.substring(0, from).equals(node)) return null;
        String sender = from > 0 ? notification.substring(0, from) : "";
        String payload = notification.substring(from + 1);
        if (payload.startsWith(ACK_PREFIX)) {
            acknowledged(sender, payload.substring(ACK_PREFIX.length()));
            return null;
        }
        if (payload.startsWith(NEWS_PREFIX)) {
            news(payload.substring(NEWS_PREFIX.length()));
            return null;
        }
        String owed = null;
        if (payload.startsWith(ENDED_PREFIX)) {
            String rest = payload.substring(ENDED_PREFIX.length());
            int colon = rest.indexOf(':');
            if (colon > 0) {
                owed = ACK_PREFIX + sender + ":" + rest.substring(0, colon);
                payload = rest.substring(colon + 1);
            }
        }
        if (payload.startsWith(TEAM_PREFIX)) {
            cache.evictTeam(new dev.lanyard.account.TeamId(payload.substring(TEAM_PREFIX.length())));
        } else if (payload.startsWith(STARTED_PREFIX)) {
            var account = new dev.lanyard.account.AccountId(payload.substring(STARTED_PREFIX.length()));
            handOff(l -> l.started(account));
        } else if (payload.startsWith(CHANGED_PREFIX)) {
            cache.evict(ids(payload.substring(CHANGED_PREFIX.length())));
        } else if (payload.startsWith(FORGET_PREFIX)) {
            forgotten(payload.substring(FORGET_PREFIX.length()));
        } else {
            List<SessionId> ids = ids(payload);
            cache.evict(ids);
            handOff(l -> l.ended(ids, false));
        }
        return owed;
    }

    /** Tells the listeners on the handler thread. */
    private void handOff(java.util.function.Consumer<Listener> news) {
        handlers.execute(() -> tell(news));
    }

    /**
     * Tells every listener; one that fails (even with an Error) does not stop the others, nor fail the
     * request whose transaction already committed what they hear of (a live page's stream closing as a
     * session ends must not answer its sign-out with an error).
     */
    private void tell(java.util.function.Consumer<Listener> news) {
        listeners.forEach(l -> {
            try {
                news.accept(l);
            } catch (Throwable e) {
                log.warn("A session listener failed: {}", e.toString());
            }
        });
    }

    private static List<SessionId> ids(String payload) {
        return Arrays.stream(payload.split(",")).filter(s -> !s.isBlank()).map(SessionId::new).toList();
    }

    @PreDestroy
    void stop() {
        running = false;
        if (listener != null) {
            listener.interrupt();
            try {
                listener.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (postgres) {
            // Gone: the others need not wait for this node's lease to run out.
            try {
                jdbc.sql("DELETE FROM session_nodes WHERE node = :node").param("node", node).update();
            } catch (RuntimeException e) {
                log.debug("Could not remove this node's lease: {}", e.toString());
            }
        }
        if (listener != null) listener.interrupt();
        handlers.shutdownNow();
    }
}
