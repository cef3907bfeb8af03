package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.MigratedDatabases;
import dev.lanyard.account.Role;
import dev.lanyard.account.TeamId;
import dev.lanyard.ops.DatabaseKind;
import dev.lanyard.testsupport.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The listening thread of {@link SessionBroadcast} on a real PostgreSQL, without Spring: it starts
 * distrusted, survives any throwable (and says so in its state), and evicts on its own thread
 * while whatever else a notification causes runs elsewhere.
 */
class PostgresSessionListenerTest {
    /** How long the test waits for the listener to do something before calling it lost. */
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final HikariDataSource database = MigratedDatabases.postgres();
    private final MutableClock clock = new MutableClock(TestSessions.T0);
    private final SessionCache cache = new SessionCache(
            new SessionSettings(null, null, null, 1000L, Duration.ofMinutes(1), null, 0, null), clock);
    private SessionBroadcast broadcast;

    @AfterEach
    void stop() {
        if (broadcast != null) broadcast.stop();
        database.close();
    }

    private SessionBroadcast start(DataSource dataSource) throws SQLException {
        broadcast = new SessionBroadcast(JdbcClient.create(database), dataSource, cache,
                new JdbcSessionStore(JdbcClient.create(database), new org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate(database), new DatabaseKind(database)),
                event -> { }, clock);
        broadcast.startListening();
        return broadcast;
    }

    private void fromAnotherNode(String payload) {
        JdbcClient.create(database).sql("SELECT pg_notify(:channel, :payload)").param("channel", SessionBroadcast.CHANNEL)
                .param("payload", "othernode|" + payload).query((rs, n) -> 1).list();
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("never happened: " + what);
            Thread.sleep(20);
        }
    }

    /** Caches a session with this id, as a check would. */
    private void cached(String id) {
        AccountId owner = new AccountId("acc_listener");
        Session session = TestSessions.of(owner).id(id).build();
        Account account = new Account(owner, new TeamId("team_listener"), "l@example.com", "L", Role.MEMBER, TestSessions.T0);
        cache.get(TestSessions.tokenHash(), hash -> new CachedSession(session, account));
        assertThat(cache.cached(new SessionId(id))).as("cached").isPresent();
    }

    @Test
    void nodeDistrustsItsCacheUntilItListens() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        start(new Faulty(database, 2, () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));

        assertThat(cache.trusted()).as("the listener has no connection yet").isFalse();
        assertThat(broadcast.state().listening()).isFalse();

        release.countDown();
        await("listening", () -> broadcast.state().listening());
        assertThat(cache.trusted()).isTrue();
    }

    @Test
    void listenerSurvivesAnErrorAndSaysSoUntilItListensAgain() throws Exception {
        start(new Faulty(database, 2, () -> {
            throw new StackOverflowError("planted");
        }));

        await("listening after the error", () -> broadcast.state().listening());

        SessionBroadcast.State state = broadcast.state();
        assertThat(state.failures()).isEqualTo(1);
        assertThat(state.lastFailure()).hasValueSatisfying(f -> assertThat(f).contains("StackOverflowError").contains("planted"));
        assertThat(state.lastFailureAt()).contains(clock.instant());
        assertThat(cache.trusted()).isTrue();
        cached("ses_after_error");
        fromAnotherNode("ses_after_error");
        await("evicted", () -> cache.cached(new SessionId("ses_after_error")).isEmpty());
    }

    @Test
    void slowListenerDoesNotHoldUpTheNextEviction() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger failing = new AtomicInteger();
        start(database);
        await("listening", () -> broadcast.state().listening());
        broadcast.register(new SessionBroadcast.Listener() {
            @Override
            public void ended(List<SessionId> ids, boolean local) {
                stuck.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void started(AccountId account) {
                failing.incrementAndGet();
                throw new AssertionError("a listener that fails with an Error");
            }
        });
        fromAnotherNode("started:acc_someone");
        fromAnotherNode("ses_first");
        assertThat(stuck.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("the first ending reached the listener").isTrue();

        cached("ses_second");
        fromAnotherNode("ses_second");

        await("the second ending evicted while the listener is still busy with the first",
                () -> cache.cached(new SessionId("ses_second")).isEmpty());
        assertThat(release.getCount()).as("still busy").isEqualTo(1);
        assertThat(failing).hasValue(1);
        assertThat(broadcast.state().failures()).as("a failing listener is not a failing connection").isZero();
        release.countDown();
    }

    /** Delegates to a data source, except that its {@code nth} connection request first runs {@code fault}. */
    private static final class Faulty implements DataSource {
        private final DataSource target;
        private final int nth;
        private final Runnable fault;
        private final AtomicInteger requests = new AtomicInteger();

        Faulty(DataSource target, int nth, Runnable fault) {
            this.target = target;
            this.nth = nth;
            this.fault = fault;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (requests.incrementAndGet() == nth) fault.run();
            return target.getConnection();
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
