package dev.lanyard.session;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * This node's listening connection to PostgreSQL, on a thread of its own (decision 0021): it listens on
 * {@link SessionBroadcast#CHANNEL}, holds this node's lease in {@code session_nodes} and renews it while it hears,
 * gives each notification to {@link HeardNotifications} and sends the acknowledgement it asks for. Until the
 * connection is up, and whenever it is down, the cache is not trusted. The thread survives any throwable: it backs off
 * and listens again, and {@link #state()} tells health what happened.
 */
class ListeningConnection {
    /** Logs as {@link SessionBroadcast}, whose work this is: operators know its lines by that name. */
    private static final Logger log = LoggerFactory.getLogger(SessionBroadcast.class);
    /**
     * How long a node's cache stays trusted without renewing its lease in {@code session_nodes}
     * (decision 0021). A node that ends a session waits at most this long for a node that has
     * gone silent.
     */
    static final Duration LEASE = Duration.ofSeconds(3);
    /** The lease is renewed this often. */
    private static final long RENEW_EVERY = Duration.ofMillis(750).toNanos();
    /** Taken off the lease on this node's side, for clock drift between here and PostgreSQL. */
    private static final long LEASE_MARGIN = Duration.ofMillis(500).toNanos();
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

    private final BroadcastChannel channel;
    private final String node;
    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final SessionCache cache;
    private final Clock clock;
    private volatile boolean running = true;
    private volatile SessionBroadcast.State state = new SessionBroadcast.State(false, 0, Optional.empty(), Optional.empty());
    private Thread listener;
    /** Set before the listening thread starts, which then reads it. */
    private HeardNotifications heard;
    /** How many times this node has started listening: a change means it may have missed answers meanwhile. */
    private final AtomicLong listenings = new AtomicLong();

    ListeningConnection(BroadcastChannel channel, JdbcClient jdbc, DataSource dataSource, SessionCache cache, Clock clock) {
        this.channel = channel;
        this.node = channel.node();
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.cache = cache;
        this.clock = clock;
    }

    SessionBroadcast.State state() {
        return state;
    }

    /** How many times this node has started listening since it started. */
    long listenings() {
        return listenings.get();
    }

    /** One node (SQLite): nothing to hear, so it listens as far as health goes and its cache is trusted. */
    void alone() {
        state = new SessionBroadcast.State(true, 0, Optional.empty(), Optional.empty());
        cache.trust(true);
    }

    /** Starts the listening thread, which gives what it hears to {@code heard}. */
    void start(HeardNotifications heard) {
        this.heard = heard;
        listener = new Thread(this::listen, "lanyard-session-listener");
        listener.setDaemon(true);
        listener.start();
    }

    private void listen() {
        while (running) {
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
              try {
                c.setAutoCommit(true);
                // Bounds every wait on this connection, so a hung one is given up within seconds (decision 0021 addendum).
                c.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MILLIS);
                st.setQueryTimeout(STATEMENT_TIMEOUT_SECONDS);
                st.execute("LISTEN " + SessionBroadcast.CHANNEL);
                // Every ending committed after this node's snapshot (taken next) reaches this
                // connection. One committed before it may have been missed: the cache is cleared
                // after it (trustUntil clears an untrusted cache), and its node need not wait for us.
                cache.trust(false);
                long sent = System.nanoTime();
                try (PreparedStatement join = c.prepareStatement("""
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
                state = new SessionBroadcast.State(true, state.failures(), state.lastFailure(), state.lastFailureAt());
                // Endings and starts committed while this node did not listen were not heard: open pages read theirs
                // again (what committed before the snapshot just taken is in the database; what commits after, it hears).
                // The first time too: pages may open between the node's start and its first listening.
                listenings.incrementAndGet();
                heard.relistened();
                PGConnection pg = c.unwrap(PGConnection.class);
                try (PreparedStatement renew = c.prepareStatement(
                        "UPDATE session_nodes SET trusted_until = clock_timestamp() + CAST(? AS interval) WHERE node = ?");
                     PreparedStatement ack = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                    renew.setQueryTimeout(STATEMENT_TIMEOUT_SECONDS);
                    ack.setQueryTimeout(STATEMENT_TIMEOUT_SECONDS);
                    renew.setString(1, LEASE.toMillis() + " milliseconds");
                    renew.setString(2, node);
                    ack.setString(1, SessionBroadcast.CHANNEL);
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
                            String owed = heard.received(note.getParameter());
                            if (owed != null) {
                                ack.setString(2, channel.signed(owed));
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
                state = new SessionBroadcast.State(false, state.failures() + 1,
                        Optional.of(e.getClass().getName() + ": " + e.getMessage()), Optional.of(clock.instant()));
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

    /** Stops the listening thread and, on PostgreSQL ({@code clustered}), gives up this node's lease. */
    void stop(boolean clustered) {
        running = false;
        if (listener != null) {
            listener.interrupt();
            try {
                listener.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (clustered) {
            // Gone: the others need not wait for this node's lease to run out.
            try {
                jdbc.sql("DELETE FROM session_nodes WHERE node = :node").param("node", node).update();
            } catch (RuntimeException e) {
                log.debug("Could not remove this node's lease: {}", e.toString());
            }
        }
        if (listener != null) listener.interrupt();
    }
}
