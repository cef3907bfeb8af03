package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import dev.lanyard.testsupport.PostgresDatabase;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;

/**
 * The sweep and purge on PostgreSQL, and run by several nodes at once: each node runs the same statements on
 * the one database, so four sweeps in four threads, each with its own connection, stand for four nodes.
 */
@LanyardSpringTest(database = PostgresDatabase.class)
class PostgresSessionLifetimesTest extends SessionLifetimesTest {
    private static final int NODES = 4;
    private static final int SESSIONS = 400;

    @Test
    void sweepsOnSeveralNodesAtOnceEndEachExpiredSessionExactlyOnce() throws Exception {
        sweepAwayWhatOtherTestsLeft();
        List<Sessions.Started> expired = IntStream.range(0, SESSIONS).mapToObj(i -> signIn(alice(), false)).toList();
        clock.advance(Duration.ofDays(8));

        List<Integer> ended = onEveryNodeAtOnce(() -> withBatch(25, new CopyOnWriteArrayList<>()).sweep());

        assertThat(ended.stream().mapToInt(Integer::intValue).sum()).as("ended, summed over the nodes").isEqualTo(SESSIONS);
        assertThat(expired).allSatisfy(s -> {
            assertThat(endReason(s)).contains(EndReason.LIFETIME_EXPIRED);
            assertThat(expiryEntries(s)).as("one audit entry of its expiry").isEqualTo(1);
        });
    }

    @Test
    void purgesOnSeveralNodesAtOnceDeleteEveryOldSessionWithoutFailing() throws Exception {
        List<Sessions.Started> old = IntStream.range(0, SESSIONS).mapToObj(i -> signIn(alice(), false)).toList();
        old.forEach(s -> sessions.logout(new CurrentSession(s.session().id(), alice(), AppType.WEB)));
        clock.advance(settings.historyRetention().plusDays(1));

        List<Integer> purged = onEveryNodeAtOnce(() -> withBatch(25, new CopyOnWriteArrayList<>()).purge());

        assertThat(purged.stream().mapToInt(Integer::intValue).sum()).isGreaterThanOrEqualTo(SESSIONS);
        assertThat(old).allSatisfy(s -> {
            assertThat(store.findAnyOwner(s.session().id())).isEmpty();
            assertThat(timelineRows(s)).isZero();
        });
    }

    private int expiryEntries(Sessions.Started started) {
        return jdbc.sql("SELECT COUNT(*) FROM audit_entries WHERE session_id = :id AND action = 'session.expired'")
                .param("id", started.session().id().value()).query(Integer.class).single();
    }

    private static <T> List<T> onEveryNodeAtOnce(Callable<T> work) throws Exception {
        ExecutorService nodes = Executors.newFixedThreadPool(NODES);
        try {
            List<Future<T>> running = nodes.invokeAll(java.util.Collections.nCopies(NODES, work));
            List<T> results = new ArrayList<>();
            for (Future<T> f : running) results.add(f.get());
            return results;
        } finally {
            nodes.shutdownNow();
        }
    }
}
