package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What every {@link MailOutboxStore} must do; run against each database by a subclass. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MailOutboxStoreContract {
    private static final Duration CLAIM = Duration.ofMinutes(10);

    private HikariDataSource dataSource;
    private MailOutboxStore store;
    private JdbcClient jdbc;
    private final Instant now = Instant.parse("2026-01-10T09:15:00Z");

    abstract HikariDataSource migratedDatabase();

    @BeforeAll
    void openStore() {
        dataSource = migratedDatabase();
        jdbc = JdbcClient.create(dataSource);
        store = new JdbcMailOutboxStore(jdbc);
    }

    @AfterAll
    void closeDatabase() {
        dataSource.close();
    }

    @BeforeEach
    void empty() {
        jdbc.sql("DELETE FROM mail_outbox").update();
    }

    private long add(String to, Instant at) {
        return store.add(new TeamId("team_mail"), to, "Invitation", "Open /invite/secret-token-" + to, at, java.util.Optional.empty());
    }

    private String body(long id) {
        return jdbc.sql("SELECT body FROM mail_outbox WHERE id = :id").param("id", id).query(String.class).single();
    }

    @Test
    void addedMailIsClaimedOnceWithItsContentAndAnAttemptCounted() {
        Instant at = now;
        long id = add("a@example.com", at);

        List<MailOutboxStore.Outgoing> claimed = store.claim("c1", at, at.plus(CLAIM), 10);

        assertThat(claimed).containsExactly(new MailOutboxStore.Outgoing(id, new TeamId("team_mail"), "a@example.com",
                "Invitation", "Open /invite/secret-token-a@example.com", 1, java.util.Optional.empty()));
        assertThat(store.claim("c2", at, at.plus(CLAIM), 10)).as("held by the first claim").isEmpty();
    }

    /** A mail whose link expires (a password reset's hour) is claimed with that time, which the outbox checks before sending. */
    @Test
    void aMailIsClaimedWithWhenItsLinkExpires() {
        Instant expires = now.plus(Duration.ofHours(1));
        long id = store.add(new TeamId("team_mail"), "r@example.com", "Reset your Lanyard password", "Open /reset/t0ken", now,
                java.util.Optional.of(expires));

        List<MailOutboxStore.Outgoing> claimed = store.claim("c1", now, now.plus(CLAIM), 10);

        assertThat(claimed).extracting(MailOutboxStore.Outgoing::id, MailOutboxStore.Outgoing::validUntil)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(id, java.util.Optional.of(expires)));
        assertThat(claimed.get(0).expiredAt(expires.minusMillis(1))).isFalse();
        assertThat(claimed.get(0).expiredAt(expires)).isTrue();
    }

    @Test
    void aFailureOrGivingUpWithoutAMessageIsStillRecorded() {
        Instant at = now;
        long failing = add("n@example.com", at);
        long hopeless = add("o@example.com", at);
        store.claim("c1", at, at.plus(CLAIM), 10);

        assertThat(store.failed(failing, "c1", null, at.plusSeconds(60))).isEqualTo(1);
        assertThat(store.gaveUp(hopeless, "c1", null, at)).isEqualTo(1);
        assertThat(body(hopeless)).as("given up: erased").isEmpty();
        assertThat(store.claim("c2", at.plusSeconds(60), at.plusSeconds(60).plus(CLAIM), 10))
                .extracting(MailOutboxStore.Outgoing::id).containsExactly(failing);
    }

    /** Recipients and subjects stay no longer than the history retention once a mail is finished (outside review). */
    @Test
    void mailSentOrGivenUpBeforeACutoffIsPurgedInBatchesAndMailStillToSendStays() {
        long sent = add("s@example.com", now);
        long givenUp = add("g@example.com", now);
        long waiting = add("w@example.com", now);
        long sentLater = add("l@example.com", now);
        store.claim("c1", now, now.plus(CLAIM), 10);
        store.sent(sent, "c1", now);
        store.gaveUp(givenUp, "c1", "refused", now);
        store.failed(waiting, "c1", "refused", now.plusSeconds(60));
        store.sent(sentLater, "c1", now.plus(Duration.ofDays(2)));
        Instant cutoff = now.plus(Duration.ofDays(1));

        assertThat(store.purgeFinished(cutoff, 1)).as("at most the batch").isEqualTo(1);
        assertThat(store.purgeFinished(cutoff, 10)).isEqualTo(1);
        assertThat(store.purgeFinished(cutoff, 10)).as("again").isZero();

        assertThat(jdbc.sql("SELECT id FROM mail_outbox ORDER BY id").query(Long.class).list()).containsExactly(waiting, sentLater);
    }

    @Test
    void sentMailIsErasedAndNeverClaimedAgain() {
        Instant at = now;
        long id = add("b@example.com", at);
        store.claim("c1", at, at.plus(CLAIM), 10);

        assertThat(store.sent(id, "c1", at)).isEqualTo(1);
        assertThat(store.sent(id, "c1", at)).as("repeating changes nothing").isZero();

        assertThat(body(id)).isEmpty();
        assertThat(store.claim("c2", at.plus(CLAIM).plusSeconds(1), at.plus(CLAIM.multipliedBy(2)), 10)).isEmpty();
        assertThat(store.backlog().pending()).isZero();
    }

    @Test
    void failedMailWaitsForItsNextAttemptAndKeepsItsError() {
        Instant at = now;
        long id = add("c@example.com", at);
        store.claim("c1", at, at.plus(CLAIM), 10);

        assertThat(store.failed(id, "c1", "MailConnectException: refused", at.plusSeconds(30))).isEqualTo(1);

        assertThat(store.claim("c2", at.plusSeconds(29), at.plus(CLAIM), 10)).as("not due yet").isEmpty();
        assertThat(store.backlog().lastError()).contains("MailConnectException: refused");
        List<MailOutboxStore.Outgoing> again = store.claim("c3", at.plusSeconds(30), at.plus(CLAIM), 10);
        assertThat(again).extracting(MailOutboxStore.Outgoing::attempts).containsExactly(2);
    }

    @Test
    void claimThatRanOutLetsAnotherNodeRetryAndTheFirstCannotFinish() {
        Instant at = now;
        long id = add("d@example.com", at);
        store.claim("dead-node", at, at.plus(CLAIM), 10);

        assertThat(store.claim("other", at.plus(CLAIM).minusMillis(1), at.plus(CLAIM.multipliedBy(2)), 10)).isEmpty();
        assertThat(store.claim("other", at.plus(CLAIM), at.plus(CLAIM.multipliedBy(2)), 10)).hasSize(1);

        assertThat(store.sent(id, "dead-node", at)).as("its claim was taken over").isZero();
        assertThat(store.sent(id, "other", at)).isEqualTo(1);
    }

    /** A claim is renewed as each mail's turn comes; one another claim took once it ran out is not (that node sends it). */
    @Test
    void aClaimIsRenewedWhileItHoldsAndNotOnceAnotherTookIt() {
        Instant at = now;
        long kept = add("k@example.com", at);
        long lost = add("l@example.com", at);
        store.claim("slow-node", at, at.plus(CLAIM), 10);

        assertThat(store.renew(kept, "slow-node", at.plus(CLAIM).plusSeconds(1).plus(CLAIM))).isEqualTo(1);
        assertThat(store.claim("other", at.plus(CLAIM).plusSeconds(1), at.plus(CLAIM.multipliedBy(3)), 10))
                .as("only the mail whose claim ran out unrenewed").extracting(MailOutboxStore.Outgoing::id).containsExactly(lost);
        assertThat(store.renew(lost, "slow-node", at.plus(CLAIM.multipliedBy(3)))).as("taken over").isZero();
        assertThat(store.sent(kept, "slow-node", at.plus(CLAIM).plusSeconds(2))).isEqualTo(1);
        assertThat(store.renew(kept, "slow-node", at.plus(CLAIM.multipliedBy(3)))).as("sent").isZero();
    }

    @Test
    void givenUpMailIsErasedAndLeavesTheBacklog() {
        Instant at = now;
        long id = add("e@example.com", at);
        store.claim("c1", at, at.plus(CLAIM), 10);

        assertThat(store.gaveUp(id, "c1", "AuthenticationFailedException", at)).isEqualTo(1);

        assertThat(body(id)).isEmpty();
        assertThat(store.claim("c2", at.plus(Duration.ofDays(1)), at.plus(Duration.ofDays(2)), 10)).isEmpty();
    }

    @Test
    void givenUpMailIsListedForItsTeamNewestFirstWithItsReason() {
        long first = add("f@example.com", now);
        long second = add("g@example.com", now);
        long sent = add("h@example.com", now);
        long other = store.add(new TeamId("team_other"), "i@example.com", "Alert", "body", now, java.util.Optional.empty());
        store.claim("c1", now, now.plus(CLAIM), 10);
        store.gaveUp(first, "c1", "first reason", now.plusSeconds(1));
        store.gaveUp(second, "c1", "second reason", now.plusSeconds(2));
        store.sent(sent, "c1", now.plusSeconds(3));
        store.gaveUp(other, "c1", "other reason", now.plusSeconds(4));

        assertThat(store.undelivered(new TeamId("team_mail"), 10, Optional.empty()))
                .extracting(MailOutboxStore.Undelivered::recipient, MailOutboxStore.Undelivered::reason, MailOutboxStore.Undelivered::gaveUpAt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("g@example.com", "second reason", now.plusSeconds(2)),
                        org.assertj.core.groups.Tuple.tuple("f@example.com", "first reason", now.plusSeconds(1)));
        assertThat(store.undelivered(new TeamId("team_mail"), 1, Optional.empty())).hasSize(1);
        assertThat(store.lastUndelivered()).get().extracting(MailOutboxStore.Undelivered::reason).isEqualTo("other reason");
    }

    /** Outside review: the admin's outbox showed the 50 mails given up most recently, with no way to the others. */
    @Test
    void givenUpMailGoesOnPageAfterPageFromWhereTheLastEndedEvenAmongMailGivenUpAtOneMoment() {
        List<Long> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) ids.add(add("p" + i + "@example.com", now));
        store.claim("c1", now, now.plus(CLAIM), 10);
        store.gaveUp(ids.get(0), "c1", "oldest", now.plusSeconds(1));
        for (long id : ids.subList(1, 4)) store.gaveUp(id, "c1", "at one moment", now.plusSeconds(2));
        store.gaveUp(ids.get(4), "c1", "newest", now.plusSeconds(3));
        TeamId team = new TeamId("team_mail");

        List<MailOutboxStore.Undelivered> first = store.undelivered(team, 2, Optional.empty());
        MailOutboxStore.Undelivered last = first.get(1);
        List<MailOutboxStore.Undelivered> second = store.undelivered(team, 2, Optional.of(new Mailer.GivenUp(last.gaveUpAt(), last.id())));
        last = second.get(1);
        List<MailOutboxStore.Undelivered> third = store.undelivered(team, 2, Optional.of(new Mailer.GivenUp(last.gaveUpAt(), last.id())));

        assertThat(first).extracting(MailOutboxStore.Undelivered::id).containsExactly(ids.get(4), ids.get(3));
        assertThat(second).extracting(MailOutboxStore.Undelivered::id).containsExactly(ids.get(2), ids.get(1));
        assertThat(third).extracting(MailOutboxStore.Undelivered::id).containsExactly(ids.get(0));
    }

    @Test
    void concurrentClaimersNeverGetTheSameMail() throws Exception {
        Instant at = now;
        Set<Long> added = new HashSet<>();
        for (int i = 0; i < 60; i++) added.add(add("f" + i + "@example.com", at));
        int claimers = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(claimers);
        try {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int c = 0; c < claimers; c++) {
                String claim = "node-" + c;
                Callable<List<Long>> claimer = () -> {
                    start.await();
                    List<Long> mine = new ArrayList<>();
                    List<MailOutboxStore.Outgoing> batch;
                    while (!(batch = store.claim(claim + "-" + mine.size(), at, at.plus(CLAIM), 3)).isEmpty()) {
                        batch.forEach(m -> mine.add(m.id()));
                    }
                    return mine;
                };
                results.add(pool.submit(claimer));
            }
            start.countDown();
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> result : results) all.addAll(result.get());

            assertThat(all).doesNotHaveDuplicates();
            assertThat(new HashSet<>(all)).isEqualTo(added);
        } finally {
            pool.shutdownNow();
        }
    }
}
