package dev.lanyard.session;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static dev.lanyard.session.BroadcastChannel.ENDED_PREFIX;
import static dev.lanyard.session.ListeningConnection.LEASE;

/**
 * Endings that return only once every other node has dropped what they end (decision 0021): the last notification of
 * one asks for acknowledgements, which the other nodes send once they have evicted, and this node waits for them
 * after the commit, or for a silent node's lease in {@code session_nodes} to run out.
 */
class EndingAcknowledgements {
    /** Logs as {@link SessionBroadcast}, whose work this is: operators know its lines by that name. */
    private static final Logger log = LoggerFactory.getLogger(SessionBroadcast.class);
    /** How long an ending waits before it reads again who is left to hear it. */
    private static final long RECHECK = Duration.ofMillis(50).toNanos();
    /** An ending never waits longer than this (a node that renews its lease and never acknowledges). */
    private static final long MAX_WAIT = LEASE.multipliedBy(2).toNanos();

    private final BroadcastChannel channel;
    private final String node;
    private final JdbcClient jdbc;
    /** {@link #jdbc} with {@link ListeningConnection#STATEMENT_TIMEOUT_SECONDS}, for reading {@code session_nodes} after an ending. */
    private final JdbcClient timed;
    private final SessionCache cache;
    private final ListeningConnection listening;
    /** Numbers this node's endings that wait for the other nodes. */
    private final AtomicLong endings = new AtomicLong();
    /** The nodes that acknowledged each ending still waited for, by its number. */
    private final ConcurrentHashMap<Long, Set<String>> acks = new ConcurrentHashMap<>();

    EndingAcknowledgements(BroadcastChannel channel, JdbcClient jdbc, DataSource dataSource, SessionCache cache,
                           ListeningConnection listening) {
        this.channel = channel;
        this.node = channel.node();
        this.jdbc = jdbc;
        JdbcTemplate template = new JdbcTemplate(dataSource);
        template.setQueryTimeout(ListeningConnection.STATEMENT_TIMEOUT_SECONDS);
        this.timed = JdbcClient.create(template);
        this.cache = cache;
        this.listening = listening;
    }

    /**
     * Sends {@code parts} to the other nodes, the last asking for acknowledgements; after the commit runs {@code here}
     * and waits for the other nodes (or adds that wait to {@code waits}, which the caller runs).
     */
    void send(List<String> parts, Runnable here, List<Runnable> waits) {
        long number = endings.incrementAndGet();
        parts.subList(0, parts.size() - 1).forEach(channel::send);
        // The last part asks for acknowledgements; the id of the transaction that sends it tells,
        // against a node's listening snapshot, whether that node can have missed it.
        String xid = jdbc.sql("SELECT pg_notify(:channel, :payload) AS sent, pg_current_xact_id()::text AS xid")
                .param("channel", SessionBroadcast.CHANNEL)
                .param("payload", channel.signed(ENDED_PREFIX + number + ":" + parts.get(parts.size() - 1)))
                .query((rs, n) -> rs.getString("xid")).single();
        acks.put(number, ConcurrentHashMap.newKeySet());
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
        long listened = listening.listenings();
        Set<String> heard = acks.get(number);
        try {
            while (true) {
                Set<String> waiting = new HashSet<>(timed.sql("""
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
                    if (!cache.trusted() || listening.listenings() != listened) {
                        // Their answers come on this node's listening connection: it was down, or replaced, meanwhile.
                        log.warn("This node may not have heard the other nodes within {} (its listening connection failed or its lease"
                                        + " ran out); {} other node(s) that renew their lease did not seem to acknowledge an ending",
                                Duration.ofNanos(MAX_WAIT), waiting.size());
                    } else {
                        log.warn("{} other node(s) renew their lease but did not acknowledge an ending within {}", waiting.size(),
                                Duration.ofNanos(MAX_WAIT));
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
    void heard(String from, String payload) {
        int colon = payload.indexOf(':');
        if (colon < 0 || !payload.substring(0, colon).equals(node)) return;
        Set<String> heard;
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
}
