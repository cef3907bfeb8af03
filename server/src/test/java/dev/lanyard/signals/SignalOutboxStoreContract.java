package dev.lanyard.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.ops.DatabaseKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/** What every {@link SignalOutboxStore} must do; run against each database by a subclass. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SignalOutboxStoreContract {
    static final Duration CLAIM = Duration.ofMinutes(1);
    private static final String STREAM = "stream-contract";

    HikariDataSource dataSource;
    SignalOutboxStore store;
    JdbcClient jdbc;
    final Instant now = Instant.parse("2026-01-10T09:15:00Z");
    private int sequence;

    abstract HikariDataSource migratedDatabase();

    @BeforeAll
    void openStore() {
        dataSource = migratedDatabase();
        jdbc = JdbcClient.create(dataSource);
        store = new JdbcSignalOutboxStore(jdbc, new DatabaseKind(dataSource));
        for (String team : List.of("team_many", "team_other")) {
            jdbc.sql("INSERT INTO teams (id, name, created_at) VALUES (:id, :id, 0)").param("id", team).update();
        }
        for (String[] app : List.of(new String[] {"app_many_1", "team_many"}, new String[] {"app_many_2", "team_many"},
                new String[] {"app_other", "team_other"})) {
            jdbc.sql("INSERT INTO oauth_clients (id, team_id, client_id, name, redirect_uris, confidential, scopes, created_at, updated_at)"
                            + " VALUES (:id, :team, :id, :id, '', TRUE, 'ssf', 0, 0)")
                    .param("id", app[0]).param("team", app[1]).update();
        }
    }

    @AfterAll
    void closeDatabase() {
        dataSource.close();
    }

    @BeforeEach
    void empty() {
        jdbc.sql("DELETE FROM signal_outbox").update();
    }

    /** Adds a push SET of the app's stream; returns its jti. */
    private String addFor(String app, Optional<String> stream) {
        String jti = "jti-" + (++sequence);
        store.add(List.of(new SignalOutboxStore.NewSignal(SignalOutboxStore.Kind.PUSH, stream, app, "", jti, "{}")), now);
        return jti;
    }

    private String add(SignalOutboxStore.Kind kind, Optional<String> stream) {
        String jti = "jti-" + (++sequence);
        store.add(List.of(new SignalOutboxStore.NewSignal(kind, stream, "app_1", "https://app.example/logout", jti, "{\"jti\":\"" + jti + "\"}")), now);
        return jti;
    }

    @Test
    void pushedSignalIsClaimedOnceAndNeverAgainOnceDelivered() {
        String jti = add(SignalOutboxStore.Kind.LOGOUT, Optional.empty());
        List<SignalOutboxStore.Outgoing> claimed = store.claim("c1", now, now.plus(CLAIM), 10);
        assertThat(claimed).extracting(SignalOutboxStore.Outgoing::jti).containsExactly(jti);
        assertThat(claimed.get(0).attempts()).isEqualTo(1);
        assertThat(claimed.get(0).target()).isEqualTo("https://app.example/logout");
        assertThat(store.claim("c2", now, now.plus(CLAIM), 10)).as("held by its claim").isEmpty();

        assertThat(store.delivered(claimed.get(0).id(), "c1", now)).isEqualTo(1);
        assertThat(store.claim("c3", now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2)), 10)).isEmpty();
        assertThat(jdbc.sql("SELECT claims FROM signal_outbox WHERE jti = :jti").param("jti", jti).query(String.class).single())
                .as("erased once delivered").isEmpty();
    }

    @Test
    void failedSignalWaitsForItsNextAttempt() {
        add(SignalOutboxStore.Kind.LOGOUT, Optional.empty());
        SignalOutboxStore.Outgoing first = store.claim("c1", now, now.plus(CLAIM), 10).get(0);
        assertThat(store.failed(first.id(), "c1", "HTTP 503", now.plusSeconds(2))).isEqualTo(1);
        assertThat(store.claim("c2", now.plusSeconds(1), now.plus(CLAIM), 10)).isEmpty();
        List<SignalOutboxStore.Outgoing> retried = store.claim("c3", now.plusSeconds(2), now.plus(CLAIM), 10);
        assertThat(retried).hasSize(1);
        assertThat(retried.get(0).attempts()).isEqualTo(2);
    }

    /** Decision 84: a stream's SETs go in the order they were made, so a later one waits while an earlier one waits for its retry. */
    @Test
    void aStreamsLaterSignalWaitsBehindAnEarlierOneThatWaitsForItsRetry() {
        String first = add(SignalOutboxStore.Kind.PUSH, Optional.of(STREAM));
        String second = add(SignalOutboxStore.Kind.PUSH, Optional.of(STREAM));
        List<SignalOutboxStore.Outgoing> claimed = store.claim("c1", now, now.plus(CLAIM), 10);
        assertThat(claimed).extracting(SignalOutboxStore.Outgoing::jti).containsExactly(first, second);
        assertThat(store.failed(claimed.get(0).id(), "c1", "HTTP 503", now.plusSeconds(2))).isEqualTo(1);
        assertThat(store.putBack(claimed.get(1).id(), "c1")).isEqualTo(1);
        String logout = add(SignalOutboxStore.Kind.LOGOUT, Optional.empty());
        String otherStream = add(SignalOutboxStore.Kind.PUSH, Optional.of("another-stream"));

        assertThat(store.claim("c2", now.plusSeconds(1), now.plus(CLAIM), 10)).as("the second waits for the first")
                .extracting(SignalOutboxStore.Outgoing::jti).containsExactly(logout, otherStream);
        List<SignalOutboxStore.Outgoing> retried = store.claim("c3", now.plusSeconds(2), now.plus(CLAIM), 10);
        assertThat(retried).as("oldest first, though the second was due before the first's retry")
                .extracting(SignalOutboxStore.Outgoing::jti).containsExactly(first, second);
        assertThat(retried.get(1).attempts()).as("being put back counted no attempt").isEqualTo(1);
    }

    /**
     * An outside review: one team's 30 streams at a receiver that never answers were always claimed ahead of another
     * team's revocation, which waited 23 minutes. Teams take turns in a claim (each team's oldest first), and two apps of
     * one team share its turn; within a team, and so within a stream, signals keep their order (decision 84).
     */
    @Test
    void aTeamWithManySignalsDueCannotFillAClaimAheadOfAnotherTeamsFirst() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            many.add(addFor(i % 2 == 0 ? "app_many_1" : "app_many_2", Optional.of("stream-many-" + (i % 10))));
        }
        String other = addFor("app_other", Optional.of("stream-other"));

        List<SignalOutboxStore.Outgoing> first = store.claim("c1", now, now.plus(CLAIM), 3);
        assertThat(first).as("the other team's first signal takes its turn after the first team's oldest")
                .extracting(SignalOutboxStore.Outgoing::jti).containsExactly(many.get(0), many.get(1), other);
        assertThat(store.claim("c2", now, now.plus(CLAIM), 5)).as("the first team's own signals, still oldest first")
                .extracting(SignalOutboxStore.Outgoing::jti).containsExactlyElementsOf(many.subList(2, 7));
    }

    /** Adds a logout token of the app for its back-channel logout URI {@code target}; returns its jti. */
    private String logoutFor(String app, String target) {
        String jti = "jti-" + (++sequence);
        store.add(List.of(new SignalOutboxStore.NewSignal(SignalOutboxStore.Kind.LOGOUT, Optional.empty(), app, target, jti, "{}")), now);
        return jti;
    }

    /**
     * A node claims again while it is still sending (an outside review: a slow receiver held the next batch's other
     * receivers): nothing for a receiver it is sending to, so a stream's later SETs wait until its earlier ones are
     * pushed (decision 84), and a URI that never answers gets one logout token at a time; and a team's signals being sent
     * count as its turns, so another team's go first.
     */
    @Test
    void aClaimTakesNothingForAReceiverBeingSentToAndCountsWhatATeamIsBeingSentAsItsTurns() {
        String first = addFor("app_many_1", Optional.of("stream-slow"));
        String later = addFor("app_many_1", Optional.of("stream-slow"));
        String elsewhere = addFor("app_many_2", Optional.of("stream-healthy"));
        String otherTeams = addFor("app_other", Optional.of("stream-other"));
        String token = logoutFor("app_other", "https://slow.example/logout");
        String nextToken = logoutFor("app_other", "https://slow.example/logout");

        List<SignalOutboxStore.Outgoing> slow = store.claim("c1", now, now.plus(CLAIM), 1);
        assertThat(slow).extracting(SignalOutboxStore.Outgoing::jti).containsExactly(first);
        List<Long> sending = new ArrayList<>(List.of(slow.get(0).id()));
        List<SignalOutboxStore.Outgoing> next = store.claim("c2", now, now.plus(CLAIM), 1, sending);
        assertThat(next).as("the first team is being sent one: the other's turn comes first, though its signal is younger")
                .extracting(SignalOutboxStore.Outgoing::jti).containsExactly(otherTeams);
        sending.add(next.get(0).id());
        List<SignalOutboxStore.Outgoing> healthy = store.claim("c3", now, now.plus(CLAIM), 1, sending);
        assertThat(healthy).as("each team took a turn: the oldest goes, of another stream than the one being pushed")
                .extracting(SignalOutboxStore.Outgoing::jti).containsExactly(elsewhere);
        sending.add(healthy.get(0).id());
        List<SignalOutboxStore.Outgoing> tokens = store.claim("c4", now, now.plus(CLAIM), 1, sending);
        assertThat(tokens).extracting(SignalOutboxStore.Outgoing::jti).containsExactly(token);
        sending.add(tokens.get(0).id());

        assertThat(store.claim("c5", now, now.plus(CLAIM), 10, sending)).as("neither the slow stream's next nor the slow URI's")
                .isEmpty();
        assertThat(store.delivered(slow.get(0).id(), "c1", now)).isEqualTo(1);
        assertThat(store.claim("c6", now, now.plus(CLAIM), 10, sending.subList(1, 4))).as("the stream's first was pushed")
                .extracting(SignalOutboxStore.Outgoing::jti).containsExactly(later);
        assertThat(store.claim("c7", now, now.plus(CLAIM), 10)).extracting(SignalOutboxStore.Outgoing::jti).containsExactly(nextToken);
    }

    @Test
    void signalsAreClaimedOldestFirstWhateverTheirDueTimes() {
        String first = add(SignalOutboxStore.Kind.LOGOUT, Optional.empty());
        SignalOutboxStore.Outgoing claimed = store.claim("c1", now, now.plus(CLAIM), 1).get(0);
        assertThat(store.failed(claimed.id(), "c1", "HTTP 503", now.plusSeconds(2))).isEqualTo(1);
        String second = add(SignalOutboxStore.Kind.LOGOUT, Optional.empty());
        assertThat(store.claim("c2", now.plusSeconds(3), now.plus(CLAIM), 1)).extracting(SignalOutboxStore.Outgoing::jti)
                .containsExactly(first);
        assertThat(store.claim("c3", now.plusSeconds(3), now.plus(CLAIM), 1)).extracting(SignalOutboxStore.Outgoing::jti)
                .containsExactly(second);
    }

    /** A node killed while pushing a SET for the first time must not stall its stream for the whole claim (decision 84). */
    @Test
    void anEarlierSignalClaimedForItsFirstPushDoesNotHoldTheLaterOnes() {
        add(SignalOutboxStore.Kind.PUSH, Optional.of(STREAM));
        String second = add(SignalOutboxStore.Kind.PUSH, Optional.of(STREAM));
        assertThat(store.claim("c1", now, now.plus(CLAIM), 1)).hasSize(1);
        assertThat(store.claim("c2", now, now.plus(CLAIM), 10)).extracting(SignalOutboxStore.Outgoing::jti).containsExactly(second);
    }

    /**
     * Adds {@code count} SETs of the stream, makes the first fail at {@code now} (its retry due two seconds later) and puts
     * the later ones of its batch back, as a drain does; returns their jtis in the order they were made.
     */
    private List<String> aStreamWhoseFirstFailed(int count) {
        List<String> jtis = new ArrayList<>();
        for (int i = 0; i < count; i++) jtis.add(add(SignalOutboxStore.Kind.PUSH, Optional.of(STREAM)));
        List<SignalOutboxStore.Outgoing> claimed = store.claim("c0", now, now.plus(CLAIM), 10);
        assertThat(claimed).extracting(SignalOutboxStore.Outgoing::jti).containsExactlyElementsOf(jtis);
        assertThat(store.failed(claimed.get(0).id(), "c0", "HTTP 503", now.plusSeconds(2))).isEqualTo(1);
        claimed.subList(1, count).forEach(later -> assertThat(store.putBack(later.id(), "c0")).isEqualTo(1));
        return jtis;
    }

    /**
     * While one node retries a SET, another must not push the SETs made after it: if the retry fails again they would
     * have gone first (decision 84). Once its claim runs out (its node died), the retry is free again.
     */
    @Test
    void aSignalClaimedForItsRetryHoldsItsStreamUntilTheRetryIsDone() {
        List<String> stream = aStreamWhoseFirstFailed(3);
        String otherStream = add(SignalOutboxStore.Kind.PUSH, Optional.of("another-stream"));
        Instant retry = now.plusSeconds(2);

        List<SignalOutboxStore.Outgoing> retried = store.claim("c1", retry, retry.plus(CLAIM), 1);
        assertThat(retried).extracting(SignalOutboxStore.Outgoing::jti).containsExactly(stream.get(0));
        assertThat(store.claim("c2", retry, retry.plus(CLAIM), 10)).as("the stream waits for the retry in flight")
                .extracting(SignalOutboxStore.Outgoing::jti).containsExactly(otherStream);
        assertThat(store.claim("c3", retry.plus(CLAIM), retry.plus(CLAIM).plus(CLAIM), 10)).as("the claims ran out")
                .extracting(SignalOutboxStore.Outgoing::jti).containsExactly(stream.get(0), stream.get(1), stream.get(2), otherStream);
    }

    @Test
    void aStreamsLaterSignalsGoOnOnceItsRetryIsDelivered() {
        List<String> stream = aStreamWhoseFirstFailed(3);
        Instant retry = now.plusSeconds(2);
        SignalOutboxStore.Outgoing retried = store.claim("c1", retry, retry.plus(CLAIM), 1).get(0);
        assertThat(retried.jti()).isEqualTo(stream.get(0));

        assertThat(store.delivered(retried.id(), "c1", retry)).isEqualTo(1);

        assertThat(store.claim("c2", retry, retry.plus(CLAIM), 10)).extracting(SignalOutboxStore.Outgoing::jti)
                .containsExactlyElementsOf(stream.subList(1, 3));
    }

    /**
     * Two nodes claiming at the same moment (outside review): the first has claimed a SET for its retry and not committed
     * yet; the second, which cannot see that claim, must still not take the SETs behind it. On PostgreSQL the second skips
     * the stream without waiting (the retry is locked); SQLite writes one transaction at a time, so there it waits, then
     * sees the claim.
     */
    @Test
    void twoClaimsAtOnceNeverSplitARetryFromTheSetsBehindIt() throws Exception {
        String first = aStreamWhoseFirstFailed(3).get(0);
        String otherStream = add(SignalOutboxStore.Kind.PUSH, Optional.of("another-stream"));
        Instant retry = now.plusSeconds(2);
        ExecutorService secondNode = Executors.newSingleThreadExecutor();
        try (Connection firstNodes = dataSource.getConnection()) {
            firstNodes.setAutoCommit(false);
            SignalOutboxStore firstNode = new JdbcSignalOutboxStore(JdbcClient.create(new SingleConnectionDataSource(firstNodes, true)),
                    new DatabaseKind(dataSource));
            assertThat(firstNode.claim("first-node", retry, retry.plus(CLAIM), 1)).extracting(SignalOutboxStore.Outgoing::jti)
                    .containsExactly(first);

            Future<List<SignalOutboxStore.Outgoing>> second = secondNode.submit(() -> store.claim("second-node", retry, retry.plus(CLAIM), 10));
            try {
                second.get(2, TimeUnit.SECONDS);
            } catch (TimeoutException waiting) {
                // SQLite's one writer, or (before this was mended) PostgreSQL waiting for the retry's row lock.
            }
            firstNodes.commit();
            firstNodes.setAutoCommit(true);

            assertThat(second.get(30, TimeUnit.SECONDS)).extracting(SignalOutboxStore.Outgoing::jti).containsExactly(otherStream);
        } finally {
            secondNode.shutdownNow();
        }
        assertThat(store.claim("later", retry, retry.plus(CLAIM), 10)).as("still held by the first node's retry").isEmpty();
    }

    @Test
    void signalsThatWaitedBehindAnEarlierOneAsLongAreGivenUpWithIt() {
        String old = add(SignalOutboxStore.Kind.PUSH, Optional.of(STREAM));
        Instant later = now.plus(Duration.ofHours(5));
        String young = "jti-young-" + (++sequence);
        store.add(List.of(new SignalOutboxStore.NewSignal(SignalOutboxStore.Kind.PUSH, Optional.of(STREAM), "app_1", "", young, "{}")), later);
        String elsewhere = add(SignalOutboxStore.Kind.PUSH, Optional.of("another-stream"));

        assertThat(store.gaveUpWith(STREAM, "c0", "Given up with an earlier event", now, later)).isEqualTo(1);
        assertThat(jdbc.sql("SELECT jti FROM signal_outbox WHERE given_up_at IS NOT NULL").query(String.class).list()).containsExactly(old);
        assertThat(jdbc.sql("SELECT last_error FROM signal_outbox WHERE jti = :jti").param("jti", old).query(String.class).single())
                .isEqualTo("Given up with an earlier event");
        assertThat(store.claim("c1", later, later.plus(CLAIM), 10)).extracting(SignalOutboxStore.Outgoing::jti)
                .containsExactlyInAnyOrder(young, elsewhere);
    }

    @Test
    void claimThatRanOutLetsAnotherRetryAndTheFirstCannotFinish() {
        add(SignalOutboxStore.Kind.LOGOUT, Optional.empty());
        SignalOutboxStore.Outgoing first = store.claim("c1", now, now.plus(CLAIM), 10).get(0);
        List<SignalOutboxStore.Outgoing> again = store.claim("c2", now.plus(CLAIM), now.plus(CLAIM).plus(CLAIM), 10);
        assertThat(again).hasSize(1);
        assertThat(store.delivered(first.id(), "c1", now)).isZero();
        assertThat(store.delivered(first.id(), "c2", now)).isEqualTo(1);
    }

    @Test
    void pollSignalsAreNeverClaimedAndWaitUntilAcknowledged() {
        String a = add(SignalOutboxStore.Kind.POLL, Optional.of(STREAM));
        String b = add(SignalOutboxStore.Kind.POLL, Optional.of(STREAM));
        assertThat(store.claim("c1", now, now.plus(CLAIM), 10)).isEmpty();
        assertThat(store.pending(STREAM, 1, now)).extracting(SignalOutboxStore.Outgoing::jti).containsExactly(a);
        assertThat(store.more(STREAM, 1, now)).isTrue();
        assertThat(store.acknowledge(STREAM, List.of(a, "unknown"), now)).isEqualTo(1);
        assertThat(store.acknowledge(STREAM, List.of(a), now)).as("safe to repeat").isZero();
        assertThat(store.pending(STREAM, 10, now)).extracting(SignalOutboxStore.Outgoing::jti).containsExactly(b);
        assertThat(store.acknowledge("another-stream", List.of(b), now)).as("only the stream's own").isZero();
        assertThat(store.figures(STREAM).queued()).isEqualTo(1);
    }

    @Test
    void withPendingNamesTheStreamsThatHaveAnUndeliveredSignal() {
        String a = add(SignalOutboxStore.Kind.POLL, Optional.of(STREAM));
        add(SignalOutboxStore.Kind.POLL, Optional.of("stream-other"));
        assertThat(store.withPending(List.of(STREAM, "stream-other", "stream-empty"), now)).containsExactlyInAnyOrder(STREAM, "stream-other");
        assertThat(store.withPending(List.of(), now)).isEmpty();

        store.acknowledge(STREAM, List.of(a), now);
        assertThat(store.withPending(List.of(STREAM, "stream-empty"), now)).as("an acknowledged signal waits no more").isEmpty();
    }

    @Test
    void aSetTheReceiverRefusedIsGivenUpWithItsErrorAndNotReturnedAgain() {
        String a = add(SignalOutboxStore.Kind.POLL, Optional.of(STREAM));
        String b = add(SignalOutboxStore.Kind.POLL, Optional.of(STREAM));

        assertThat(store.refused(STREAM, a, "Refused by the receiver (invalid_key)", now)).isEqualTo(1);
        assertThat(store.refused(STREAM, a, "again", now)).as("safe to repeat").isZero();
        assertThat(store.refused("another-stream", b, "not its", now)).as("only the stream's own").isZero();

        assertThat(store.pending(STREAM, 10, now)).extracting(SignalOutboxStore.Outgoing::jti).containsExactly(b);
        assertThat(store.figures(STREAM).gaveUp()).isEqualTo(1);
    }

    @Test
    void aSetRefusedForNowCountsAnAttemptAndIsHandedOutAgainOnceDue() {
        String a = add(SignalOutboxStore.Kind.POLL, Optional.of(STREAM));
        String b = add(SignalOutboxStore.Kind.POLL, Optional.of(STREAM));
        assertThat(store.attempts(STREAM, a)).contains(0);

        assertThat(store.refusedForNow(STREAM, a, "Refused by the receiver (invalid_key)", now.plusSeconds(2))).isEqualTo(1);
        assertThat(store.refusedForNow("another-stream", b, "not its", now.plusSeconds(2))).as("only the stream's own").isZero();

        assertThat(store.attempts(STREAM, a)).contains(1);
        assertThat(store.pending(STREAM, 10, now)).extracting(SignalOutboxStore.Outgoing::jti).containsExactly(b);
        assertThat(store.more(STREAM, 1, now)).isFalse();
        assertThat(store.withPending(List.of(STREAM), now)).containsExactly(STREAM);
        store.acknowledge(STREAM, List.of(b), now);
        assertThat(store.withPending(List.of(STREAM), now)).as("nothing due yet").isEmpty();
        assertThat(store.withPending(List.of(STREAM), now.plusSeconds(2))).containsExactly(STREAM);
        assertThat(store.pending(STREAM, 10, now.plusSeconds(2))).extracting(SignalOutboxStore.Outgoing::jti).containsExactly(a);
        assertThat(store.figures(STREAM)).isEqualTo(new SignalOutboxStore.Figures(1, 1, 0));

        store.acknowledge(STREAM, List.of(a), now);
        assertThat(store.attempts(STREAM, a)).as("delivered").isEmpty();
    }

    @Test
    void aStreamThatChangesItsDeliveryMethodGetsItsSignalsAtOnce() {
        add(SignalOutboxStore.Kind.PUSH, Optional.of(STREAM));
        SignalOutboxStore.Outgoing pushed = store.claim("c1", now, now.plus(CLAIM), 10).get(0);
        store.failed(pushed.id(), "c1", "HTTP 503", now.plusSeconds(3600));

        assertThat(store.redeliver(STREAM, SignalOutboxStore.Kind.POLL)).isEqualTo(1);

        assertThat(store.pending(STREAM, 10, now)).extracting(SignalOutboxStore.Outgoing::jti).containsExactly(pushed.jti());
        assertThat(store.attempts(STREAM, pushed.jti())).as("push's attempts do not count against polls").contains(0);
    }

    @Test
    void backlogCountsWhatWaitsToBePushedNotWhatWaitsForAPoll() {
        add(SignalOutboxStore.Kind.POLL, Optional.of(STREAM));
        assertThat(store.backlog().pending()).isZero();
        add(SignalOutboxStore.Kind.LOGOUT, Optional.empty());
        assertThat(store.backlog().pending()).isEqualTo(1);
        assertThat(store.backlog().oldest()).contains(now);
    }

    @Test
    void droppedStreamLeavesNothingQueued() {
        add(SignalOutboxStore.Kind.PUSH, Optional.of(STREAM));
        assertThat(store.drop(STREAM, now)).isEqualTo(1);
        assertThat(store.queued(STREAM)).isZero();
        assertThat(store.figures(STREAM).gaveUp()).isEqualTo(1);
        assertThat(store.claim("c1", now, now.plus(CLAIM), 10)).isEmpty();
    }

    @Test
    void manySignalsAddedAtOnceAreEachQueuedOnceWithOrWithoutAStream() {
        List<SignalOutboxStore.NewSignal> many = new java.util.ArrayList<>();
        for (int i = 0; i < JdbcSignalOutboxStore.ADD_CHUNK + 5; i++) {
            many.add(new SignalOutboxStore.NewSignal(i % 2 == 0 ? SignalOutboxStore.Kind.LOGOUT : SignalOutboxStore.Kind.POLL,
                    i % 2 == 0 ? Optional.empty() : Optional.of(STREAM), "app_1", "https://app.example/logout", "many-" + i, "{}"));
        }

        store.add(many, now);

        List<SignalOutboxStore.Outgoing> claimed = store.claim("c1", now, now.plus(CLAIM), 1000);
        assertThat(claimed).extracting(SignalOutboxStore.Outgoing::jti)
                .containsExactlyInAnyOrderElementsOf(many.stream().filter(n -> n.streamId().isEmpty()).map(SignalOutboxStore.NewSignal::jti).toList());
        assertThat(claimed).allSatisfy(o -> assertThat(o.streamId()).isEmpty());
        assertThat(store.pending(STREAM, 1000, now)).extracting(SignalOutboxStore.Outgoing::jti)
                .containsExactlyElementsOf(many.stream().filter(n -> n.streamId().isPresent()).map(SignalOutboxStore.NewSignal::jti).toList());
    }

    @Test
    void concurrentClaimersNeverGetTheSameSignal() throws Exception {
        Set<String> added = new HashSet<>();
        for (int i = 0; i < 60; i++) added.add(add(SignalOutboxStore.Kind.LOGOUT, Optional.empty()));
        int claimers = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(claimers);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int c = 0; c < claimers; c++) {
                String claim = "node-" + c;
                Callable<List<String>> claimer = () -> {
                    start.await();
                    List<String> mine = new ArrayList<>();
                    List<SignalOutboxStore.Outgoing> batch;
                    while (!(batch = store.claim(claim + "-" + mine.size(), now, now.plus(CLAIM), 3)).isEmpty()) {
                        batch.forEach(s -> mine.add(s.jti()));
                    }
                    return mine;
                };
                results.add(pool.submit(claimer));
            }
            start.countDown();
            List<String> all = new ArrayList<>();
            for (Future<List<String>> result : results) all.addAll(result.get());
            assertThat(all).doesNotHaveDuplicates();
            assertThat(new HashSet<>(all)).isEqualTo(added);
        } finally {
            pool.shutdownNow();
        }
    }
}
