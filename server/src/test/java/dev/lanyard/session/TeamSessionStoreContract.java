package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.Account;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.ops.DatabaseKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What every {@link TeamSessionStore} must do; run against each database by a subclass. Each test
 * makes a team of its own in the shared database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TeamSessionStoreContract {
    private static final Instant T0 = TestSessions.T0;

    HikariDataSource dataSource;
    SessionStore sessions;
    TeamSessionStore store;

    abstract HikariDataSource migratedDatabase();

    @BeforeAll
    void openStore() {
        dataSource = migratedDatabase();
        sessions = new JdbcSessionStore(JdbcClient.create(dataSource), new NamedParameterJdbcTemplate(dataSource), new DatabaseKind(dataSource));
        store = new JdbcTeamSessionStore(JdbcClient.create(dataSource), new DatabaseKind(dataSource));
    }

    @AfterAll
    void closeDatabase() {
        dataSource.close();
    }

    /** A team of an admin and members named by the part of their email before "@"; returns them in that order. */
    List<Account> team(String... names) {
        Account first = TestAccounts.insertInto(dataSource, T0);
        List<Account> members = new ArrayList<>(List.of(first));
        for (String name : names) members.add(TestAccounts.insertTeammate(dataSource, first, name + "@" + first.team().value() + ".test"));
        return members;
    }

    Session session(Account owner, Instant lastActive) {
        Session session = TestSessions.of(owner.id()).lastActiveAt(lastActive).build();
        sessions.insert(session, TestSessions.tokenHash());
        return session;
    }

    static Instant minutes(long n) {
        return T0.plus(Duration.ofMinutes(n));
    }

    static Session.Ending revoked() {
        return new Session.Ending(minutes(100), EndReason.ADMIN_REVOKED, Optional.empty(), Optional.empty(), Optional.of("test"));
    }

    /**
     * A member's last activity is over all their sessions, ended ones included: right after "Sign out all team sessions"
     * the overview said "—" for members active seconds before (outside review). Ended sessions are not counted.
     */
    @Test
    void membersCountTheirActiveSessionsAndLastActivityInAnySessionByEmail() {
        List<Account> team = team("bea", "carl", "dora");
        Account bea = team.get(1);
        Account carl = team.get(2);
        session(bea, minutes(5));
        session(bea, minutes(9));
        Session beasLatest = session(bea, minutes(12));
        sessions.end(beasLatest.id(), bea.id(), revoked());
        Session ended = session(carl, minutes(30));
        sessions.end(ended.id(), carl.id(), revoked());

        List<TeamSessionStore.MemberCount> rows = store.members(bea.team(), "", minutes(60), 10, Optional.empty());

        assertThat(rows).extracting(TeamSessionStore.MemberCount::account)
                .containsExactly(bea.id(), carl.id(), team.get(3).id(), team.get(0).id());
        assertThat(rows.get(0)).isEqualTo(new TeamSessionStore.MemberCount(bea.id(), 2, Optional.of(minutes(12))));
        assertThat(rows.get(1)).as("ended sessions are not counted, but were used")
                .isEqualTo(new TeamSessionStore.MemberCount(carl.id(), 0, Optional.of(minutes(30))));
        assertThat(rows.get(2)).as("never signed in").isEqualTo(new TeamSessionStore.MemberCount(team.get(3).id(), 0, Optional.empty()));
    }

    /**
     * A team of {@code members} members with {@code each} sessions apiece, all but one of each member's ended (a history
     * much longer than what is open), written in one batch; returns the team's first account.
     */
    Account teamWithHistory(int members, int each) throws java.sql.SQLException {
        Account first = TestAccounts.insertInto(dataSource, T0);
        List<Account> all = new ArrayList<>(List.of(first));
        for (int m = 1; m < members; m++) all.add(TestAccounts.insertTeammate(dataSource, first, "h" + m + "@" + first.team().value() + ".test"));
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.PreparedStatement insert = c.prepareStatement("""
                INSERT INTO sessions (id, token_hash, account_id, app_type, remember_me, device_type, ip, created_at,
                    last_active_at, idle_timeout_ms, expires_at, ended_at, end_reason)
                VALUES (?, ?, ?, 'WEB', FALSE, 'DESKTOP', '10.0.0.1', 0, ?, 0, ?, ?, ?)""")) {
            for (Account member : all) {
                for (int i = 0; i < each; i++) {
                    String id = "ses_" + member.id().value() + "_" + i;
                    insert.setString(1, id);
                    insert.setString(2, id);
                    insert.setString(3, member.id().value());
                    insert.setLong(4, minutes(i).toEpochMilli());
                    insert.setLong(5, minutes(100_000).toEpochMilli());
                    if (i == 0) {
                        insert.setNull(6, java.sql.Types.BIGINT);
                        insert.setNull(7, java.sql.Types.VARCHAR);
                    } else {
                        insert.setLong(6, minutes(i + 1).toEpochMilli());
                        insert.setString(7, "SIGNED_OUT");
                    }
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
        return first;
    }

    @Test
    void membersPageByEmailAndFilterByItsStart() {
        List<Account> team = team("ann", "anton", "bob");

        assertThat(store.members(team.get(0).team(), "an", minutes(60), 10, Optional.empty())).extracting(TeamSessionStore.MemberCount::account)
                .containsExactly(team.get(1).id(), team.get(2).id());
        assertThat(store.members(team.get(0).team(), "", minutes(60), 1, Optional.of(team.get(1).email())))
                .extracting(TeamSessionStore.MemberCount::account).containsExactly(team.get(2).id());
    }

    @Test
    void removedMembersAndOtherTeamsAreLeftOut() {
        List<Account> team = team("eve");
        List<Account> other = team("fred");
        session(other.get(1), minutes(1));
        JdbcClient.create(dataSource).sql("UPDATE accounts SET removed_at = :at WHERE id = :id")
                .param("at", minutes(2).toEpochMilli()).param("id", team.get(1).id().value()).update();

        assertThat(store.members(team.get(0).team(), "", minutes(60), 10, Optional.empty())).extracting(TeamSessionStore.MemberCount::account)
                .containsExactly(team.get(0).id());
    }

    @Test
    void activeCountCountsTheWholeTeamsActiveSessionsOnly() {
        List<Account> team = team("gil", "hal");
        List<Account> other = team("ida");
        Session admins = session(team.get(0), minutes(1));
        session(team.get(1), minutes(1));
        Session ended = session(team.get(2), minutes(1));
        sessions.end(ended.id(), team.get(2).id(), revoked());
        session(other.get(1), minutes(1));

        assertThat(store.activeCount(team.get(0).team(), Optional.empty(), minutes(60))).isEqualTo(new TeamSessionStore.ActiveCount(2, 0));
        assertThat(store.activeCount(team.get(0).team(), Optional.of(admins.id()), minutes(60)))
                .isEqualTo(new TeamSessionStore.ActiveCount(2, 1)).extracting(TeamSessionStore.ActiveCount::ending).as("but the one kept")
                .isEqualTo(1);
        assertThat(store.activeCount(team.get(0).team(), Optional.of(ended.id()), minutes(60))).as("an ended one kept")
                .isEqualTo(new TeamSessionStore.ActiveCount(2, 0));
        assertThat(store.activeCount(other.get(0).team(), Optional.of(admins.id()), minutes(60))).as("another team's session kept")
                .isEqualTo(new TeamSessionStore.ActiveCount(1, 0));
    }

    @Test
    void sessionsExpiredByTheirRowsAreNotCountedBeforeTheSweepEndsThem() {
        List<Account> team = team("ivy");
        Account ivy = team.get(1);
        session(ivy, minutes(1)); // seven days' idle timeout and lifetime from T0
        Session idle = TestSessions.of(ivy.id()).lastActiveAt(minutes(2)).idleTimeout(Duration.ofMinutes(30)).build();
        sessions.insert(idle, TestSessions.tokenHash());

        assertThat(store.members(ivy.team(), "ivy", minutes(31), 10, Optional.empty()))
                .singleElement().extracting(TeamSessionStore.MemberCount::active).isEqualTo(2);
        assertThat(store.members(ivy.team(), "ivy", minutes(33), 10, Optional.empty()))
                .singleElement().extracting(TeamSessionStore.MemberCount::active).isEqualTo(1);
        assertThat(store.activeCount(ivy.team(), Optional.empty(), minutes(33)).all()).isEqualTo(1);
        assertThat(store.activeCount(ivy.team(), Optional.of(idle.id()), minutes(33))).as("an expired one kept")
                .isEqualTo(new TeamSessionStore.ActiveCount(1, 0));
        assertThat(store.activeCount(ivy.team(), Optional.empty(), TestSessions.T0.plus(Duration.ofDays(8))).all()).as("past every lifetime").isZero();
    }

    /**
     * What a team sign-out ends as expired before it revokes the rest: the team's open sessions past their lifetime or
     * idle timeout, but the one kept, up to the limit; no other team's, no unexpired or ended one.
     */
    @Test
    void expiredAreTheTeamsOpenSessionsPastTheirLifetimeOrIdleTimeoutButTheOneKept() {
        List<Account> team = team("max", "ned");
        List<Account> other = team("ola");
        Instant now = minutes(40);
        Session admins = TestSessions.of(team.get(0).id()).lastActiveAt(minutes(2)).idleTimeout(Duration.ofMinutes(30)).build();
        Session idle = TestSessions.of(team.get(1).id()).lastActiveAt(minutes(2)).idleTimeout(Duration.ofMinutes(30)).build();
        Session pastLifetime = TestSessions.of(team.get(2).id()).lastActiveAt(minutes(20)).lifetime(Duration.ofMinutes(35)).build();
        Session endedIdle = TestSessions.of(team.get(2).id()).lastActiveAt(minutes(2)).idleTimeout(Duration.ofMinutes(30)).build();
        Session elsewhere = TestSessions.of(other.get(1).id()).lastActiveAt(minutes(2)).idleTimeout(Duration.ofMinutes(30)).build();
        for (Session s : List.of(admins, idle, pastLifetime, endedIdle, elsewhere)) sessions.insert(s, TestSessions.tokenHash());
        sessions.end(endedIdle.id(), team.get(2).id(), revoked());
        session(team.get(1), minutes(35)); // seven days' idle timeout and lifetime from T0

        assertThat(store.expired(team.get(0).team(), Optional.empty(), now, 10)).extracting(Session::id)
                .containsExactlyInAnyOrder(admins.id(), idle.id(), pastLifetime.id());
        assertThat(store.expired(team.get(0).team(), Optional.of(admins.id()), now, 10)).as("whole rows, but the one kept")
                .containsExactlyInAnyOrder(idle, pastLifetime);
        assertThat(store.expired(team.get(0).team(), Optional.empty(), now, 2)).hasSize(2);
        assertThat(store.expired(team.get(0).team(), Optional.empty(), minutes(31), 10)).as("none had expired yet").isEmpty();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "skipLocked={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void endBatchEndsAtMostTheLimitKeepsOneAndIsSafeToRepeat(boolean skipLocked) {
        List<Account> team = team("jo", "kim");
        List<Account> other = team("lou");
        Session kept = session(team.get(0), minutes(1));
        List<Session> rest = List.of(session(team.get(0), minutes(2)), session(team.get(1), minutes(3)), session(team.get(2), minutes(4)));
        Session outside = session(other.get(1), minutes(5));

        List<Session> first = store.endBatch(team.get(0).team(), Optional.of(kept.id()), Optional.empty(), revoked(), 2, skipLocked);
        List<Session> second = store.endBatch(team.get(0).team(), Optional.of(kept.id()), Optional.empty(), revoked(), 2, skipLocked);
        List<Session> third = store.endBatch(team.get(0).team(), Optional.of(kept.id()), Optional.empty(), revoked(), 2, skipLocked);

        assertThat(first).hasSize(2);
        assertThat(second).hasSize(1);
        assertThat(third).isEmpty();
        List<Session> all = new ArrayList<>(first);
        all.addAll(second);
        assertThat(all).extracting(Session::id, Session::account)
                .containsExactlyInAnyOrderElementsOf(rest.stream().map(s -> org.assertj.core.groups.Tuple.tuple(s.id(), s.account())).toList());
        // The rows come back as they are now, ended, with the whole ending: listeners read nothing again.
        assertThat(all).allSatisfy(s -> {
            assertThat(s.active()).isFalse();
            assertThat(s.ending()).map(Session.Ending::note).contains(Optional.of("test"));
            assertThat(s).usingRecursiveComparison().isEqualTo(sessions.findAnyOwner(s.id()).orElseThrow());
        });
        assertThat(sessions.findAnyOwner(kept.id()).orElseThrow().active()).isTrue();
        assertThat(sessions.findAnyOwner(outside.id()).orElseThrow().active()).isTrue();
        assertThat(sessions.findAnyOwner(rest.get(0).id()).orElseThrow().ending()).map(Session.Ending::note).contains(Optional.of("test"));
    }

    /** A team sign-out asked by the team's first member at {@code at}, keeping {@code kept}. */
    TeamSignOut asked(Account admin, Session kept, Instant at) {
        return new TeamSignOut(0, admin.team(), admin.id(), kept.id(), Optional.of(kept.id()), "Laptop lost", at, SignOutCount.NONE);
    }

    /**
     * A team sign-out a crash cut short is finished after it (outside review): its record, started with the admin's
     * check, counts what each batch ended, sessions and API keys apart, and renews its node's claim, so that no other
     * node takes over one still running; once the claim has run out, one claimer gets it, and it is finished once, with
     * what every run ended.
     */
    @Test
    void aTeamSignOutIsClaimedOnlyOnceItsClaimRunsOutAndFinishedOnce() {
        List<Account> team = team("pia");
        Session kept = session(team.get(0), minutes(1));

        TeamSignOut started = store.startSignOut(asked(team.get(0), kept, minutes(10)), minutes(11));

        assertThat(started.id()).isPositive();
        assertThat(started).usingRecursiveComparison().ignoringFields("id").isEqualTo(asked(team.get(0), kept, minutes(10)));
        assertThat(store.claimSignOut(minutes(10), minutes(20))).as("its node's claim holds").isEmpty();
        assertThat(store.signOutProgressed(started.id(), new SignOutCount(499, 1), minutes(12))).isEqualTo(1);
        assertThat(store.signOutProgressed(started.id(), new SignOutCount(40, 0), minutes(13))).isEqualTo(1);
        assertThat(store.claimSignOut(minutes(12), minutes(20))).as("renewed by each batch").isEmpty();

        Optional<TeamSignOut> claimed = store.claimSignOut(minutes(13), minutes(14));

        assertThat(claimed).as("its node stopped: the claim ran out").contains(new TeamSignOut(started.id(), team.get(0).team(),
                team.get(0).id(), kept.id(), Optional.of(kept.id()), "Laptop lost", minutes(10),
                new SignOutCount(539, 1)));
        assertThat(store.claimSignOut(minutes(13), minutes(20))).as("claimed once").isEmpty();
        assertThat(store.signOutProgressed(started.id(), new SignOutCount(1, 1), minutes(15))).isEqualTo(1);
        assertThat(store.finishSignOut(started.id(), minutes(15))).as("the sessions and API keys of every run, apart")
                .map(TeamSignOut::ended).contains(new SignOutCount(540, 2));
        assertThat(store.finishSignOut(started.id(), minutes(16))).as("finished once").isEmpty();
        assertThat(store.signOutProgressed(started.id(), new SignOutCount(1, 0), minutes(17))).isZero();
        assertThat(store.claimSignOut(minutes(1_000), minutes(1_001))).as("a finished one is never claimed").isEmpty();
        store.purgeSignOuts(minutes(15));
        assertThat(signOutRecords(started)).as("kept while it is not older than the cut-off").isEqualTo(1);
        store.purgeSignOuts(minutes(16));
        assertThat(signOutRecords(started)).isZero();
    }

    private int signOutRecords(TeamSignOut signOut) {
        return JdbcClient.create(dataSource).sql("SELECT COUNT(*) FROM team_sign_outs WHERE id = :id").param("id", signOut.id())
                .query(Integer.class).single();
    }

    @Test
    void aTeamSignOutStartedByAnApiKeyKeepsNoSession() {
        List<Account> team = team("quin");
        Session key = session(team.get(0), minutes(1));
        TeamSignOut asked = new TeamSignOut(0, team.get(0).team(), team.get(0).id(), key.id(), Optional.empty(), "Key leaked", minutes(10),
                SignOutCount.NONE);
        TeamSignOut started = store.startSignOut(asked, minutes(11));

        assertThat(store.claimSignOut(minutes(11), minutes(12))).map(TeamSignOut::kept).contains(Optional.empty());
        assertThat(store.finishSignOut(started.id(), minutes(12))).isPresent();
    }

    /** A sign-out finished after a restart ends the sessions that existed when it started, not those signed in since. */
    @Test
    void endBatchWithSignedInByLeavesSessionsSignedInLaterAlone() {
        List<Account> team = team("rui");
        Session before = TestSessions.of(team.get(1).id()).createdAt(minutes(5)).lastActiveAt(minutes(5)).build();
        Session atTheStart = TestSessions.of(team.get(1).id()).createdAt(minutes(10)).lastActiveAt(minutes(10)).build();
        Session after = TestSessions.of(team.get(1).id()).createdAt(minutes(11)).lastActiveAt(minutes(11)).build();
        for (Session s : List.of(before, atTheStart, after)) sessions.insert(s, TestSessions.tokenHash());

        List<Session> ended = store.endBatch(team.get(0).team(), Optional.empty(), Optional.of(minutes(10)), revoked(), 10, false);

        assertThat(ended).extracting(Session::id).containsExactlyInAnyOrder(before.id(), atTheStart.id());
        assertThat(sessions.findAnyOwner(after.id()).orElseThrow().active()).isTrue();
    }
}
