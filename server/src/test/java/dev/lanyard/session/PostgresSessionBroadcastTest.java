package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.PostgresDatabase;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What this node's listeners hear over PostgreSQL's NOTIFY: other nodes' news once, and their
 * own node's news once too (after the commit), not again when PostgreSQL delivers it back.
 */
@LanyardSpringTest(database = PostgresDatabase.class)
class PostgresSessionBroadcastTest {
    @Autowired
    SessionBroadcast broadcast;
    @Autowired
    Sessions sessions;
    @Autowired
    Accounts accounts;
    @Autowired
    JdbcClient jdbc;

    private final BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    private final SessionBroadcast.Listener listener = new SessionBroadcast.Listener() {
        @Override
        public void ended(List<SessionId> ids, boolean local) {
            ids.forEach(id -> heard.add("ended " + id.value() + (local ? " here" : " elsewhere")));
        }

        @Override
        public void started(AccountId account) {
            heard.add("started " + account.value());
        }
    };

    @BeforeEach
    void listen() {
        broadcast.register(listener);
    }

    @AfterEach
    void stopListening() {
        broadcast.unregister(listener);
    }

    /** As another node would announce it; PostgreSQL delivers notifications in the order they commit. */
    private void fromAnotherNode(String payload) {
        jdbc.sql("SELECT pg_notify(:channel, :payload)").param("channel", SessionBroadcast.CHANNEL)
                .param("payload", "othernode|" + payload).query((rs, n) -> 1).list();
    }

    /** Everything heard until the marker, which comes after whatever was sent before it. */
    private List<String> heardUntil(String marker) throws InterruptedException {
        fromAnotherNode("started:" + marker);
        List<String> all = new ArrayList<>();
        String next;
        while ((next = heard.poll(10, TimeUnit.SECONDS)) != null) {
            if (next.equals("started " + marker)) return all;
            all.add(next);
        }
        throw new AssertionError("the marker never came back; heard " + all);
    }

    @Test
    void ownNewSessionIsHeardOnceNotAgainFromPostgres() throws Exception {
        Account alice = accounts.signUp(TestAccounts.alice());

        sessions.start(new NewSession(alice.id(), TestSessions.madrid(), AppType.WEB, false));

        assertThat(heardUntil("acc_marker_1")).containsExactly("started " + alice.id().value());
    }

    @Test
    void ownEndingIsHeardOnceNotAgainFromPostgres() throws Exception {
        Account alice = accounts.signUp(TestAccounts.alice());
        Sessions.Started phone = sessions.start(new NewSession(alice.id(), TestSessions.madrid(), AppType.WEB, false));
        heardUntil("acc_marker_2");

        sessions.logout(new CurrentSession(phone.session().id(), alice, AppType.WEB));

        assertThat(heardUntil("acc_marker_3")).containsExactly("ended " + phone.session().id().value() + " here");
    }

    @Autowired
    NodeCaches caches;
    @Autowired
    SessionCache cache;
    @Autowired
    javax.sql.DataSource dataSource;

    /**
     * A cache of another module hears another node's change on the session channel and acknowledges it as an ending
     * is acknowledged; its own node's change reaches it after the commit; it is cleared with the validation cache.
     */
    @Test
    void aRegisteredCacheForgetsWhatAnyNodeChangedAndIsClearedWithTheValidationCache() throws Exception {
        BlockingQueue<String> cached = new LinkedBlockingQueue<>();
        caches.register("test-tokens", new NodeCaches.Cached() {
            @Override
            public void forget(List<String> keys) {
                cached.add("forget " + String.join(",", keys));
            }

            @Override
            public void clear() {
                cached.add("clear");
            }
        });
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            st.execute("LISTEN " + SessionBroadcast.CHANNEL);
            fromAnotherNode("ended:7:forget:test-tokens:h1,h2");
            assertThat(cached.poll(10, TimeUnit.SECONDS)).isEqualTo("forget h1,h2");
            String ack = broadcast.node() + "|ack:othernode:7";
            boolean acknowledged = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!acknowledged && System.nanoTime() < deadline) {
                org.postgresql.PGNotification[] notes = c.unwrap(org.postgresql.PGConnection.class).getNotifications(200);
                if (notes != null) for (var note : notes) acknowledged |= note.getParameter().equals(ack);
            }
            assertThat(acknowledged).as("acknowledged as an ending").isTrue();
            st.execute("UNLISTEN *");
        }

        caches.forget("test-tokens", List.of("h3"));
        assertThat(cached.poll(10, TimeUnit.SECONDS)).isEqualTo("forget h3");
        fromAnotherNode("forget:unknown-cache:h4");
        heardUntil("acc_marker_5");
        assertThat(cached).as("not another cache's, not its own again from PostgreSQL").isEmpty();

        cache.clear();
        assertThat(cached.poll(10, TimeUnit.SECONDS)).isEqualTo("clear");
    }

    /** A node that crashed never deleted its row: it goes a day after its lease ran out, when a node (re)joins (outside QA). */
    @Test
    void aCrashedNodesRowIsForgottenADayAfterItsLeaseRanOut() {
        for (String[] row : new String[][] {{"crashed", "2 days"}, {"restarting", "1 hour"}}) {
            jdbc.sql("INSERT INTO session_nodes (node, listening_snapshot, trusted_until, backend_pid) VALUES (:node, pg_current_snapshot(),"
                    + " clock_timestamp() - CAST(:ago AS interval), 1)").param("node", row[0]).param("ago", row[1]).update();
        }
        try {
            // This node's row may be away for a moment (rejoining after an earlier test ended its listener): wait for it.
            int listener = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> jdbc.sql(
                    "SELECT backend_pid FROM session_nodes WHERE node = :node").param("node", broadcast.node())
                    .query(Integer.class).optional(), java.util.Optional::isPresent).get();
            jdbc.sql("SELECT pg_terminate_backend(:pid)").param("pid", listener).query((rs, n) -> 1).list();

            // Another context's node on the same database may forget the crashed row first: wait for this node's own
            // rejoin too (a new listening backend), so that the next test's notifications are not sent while it is away.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> jdbc.sql(
                    "SELECT COUNT(*) FROM session_nodes WHERE node = 'crashed'").query(Integer.class).single() == 0
                    && jdbc.sql("SELECT backend_pid FROM session_nodes WHERE node = :node").param("node", broadcast.node())
                            .query(Integer.class).optional().filter(pid -> pid != listener).isPresent());
            assertThat(jdbc.sql("SELECT COUNT(*) FROM session_nodes WHERE node = 'restarting'").query(Integer.class).single())
                    .as("a lease that ran out lately is kept").isEqualTo(1);
        } finally {
            jdbc.sql("DELETE FROM session_nodes WHERE node IN ('crashed', 'restarting')").update();
        }
    }

    @Test
    void anotherNodesNewsIsHeard() throws Exception {
        fromAnotherNode("started:acc_someone");
        fromAnotherNode("ses_other1,ses_other2");

        assertThat(heardUntil("acc_marker_4")).containsExactly("started acc_someone",
                "ended ses_other1 elsewhere", "ended ses_other2 elsewhere");
    }
}
