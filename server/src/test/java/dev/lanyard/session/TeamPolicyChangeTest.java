package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TeamPolicy;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A team's session policy (PRODUCT.md L2, L3): new sessions take their lifetimes from it, and a
 * change reaches the team's open sessions on their very next check.
 */
@LanyardSpringTest
class TeamPolicyChangeTest {
    @Autowired
    Sessions sessions;
    @Autowired
    Accounts accounts;
    @Autowired
    SessionStore store;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TransactionTemplate transactions;

    private Account alice;

    @BeforeEach
    void signUpAlice() {
        alice = accounts.signUp(TestAccounts.alice());
    }

    private Sessions.Started signIn(Account account, boolean rememberMe) {
        return sessions.start(new NewSession(account.id(), TestSessions.madrid(), AppType.WEB, rememberMe));
    }

    private Sessions.Check check(Sessions.Started started) {
        return sessions.check(started.token(), Optional.empty());
    }

    private Session row(Sessions.Started started) {
        return store.findAnyOwner(started.session().id()).orElseThrow();
    }

    /** A member (not an admin) of the admin's team; there is no invitation flow yet, so the row is moved by hand. */
    private Account memberOf(Account admin) {
        Account bob = accounts.signUp(TestAccounts.bob());
        jdbc.sql("UPDATE accounts SET role = 'MEMBER', team_id = :team WHERE id = :id")
                .param("team", admin.team().value()).param("id", bob.id().value()).update();
        return accounts.find(bob.id()).orElseThrow();
    }

    // ---- new sessions

    /**
     * A sign-in while an admin's policy change is uncommitted waits for it and gets the new policy: read before the
     * change committed and inserted after its rewrite of the team's sessions, it would keep the old lifetime.
     */
    @Test
    void aSignInDuringAPolicyChangeGetsTheNewPolicy() throws Exception {
        CountDownLatch changed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            Future<?> admin = two.submit(() -> transactions.executeWithoutResult(tx -> {
                accounts.changePolicy(alice, new TeamPolicy(Duration.ofDays(1), false, 30, 2));
                changed.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertThat(changed.await(30, TimeUnit.SECONDS)).isTrue();
            Future<Sessions.Started> signIn = two.submit(() -> signIn(alice, true));
            Thread.sleep(300); // time enough to read the policy before the change commits, were nothing holding it
            release.countDown();
            admin.get(30, TimeUnit.SECONDS);
            Session row = row(signIn.get(30, TimeUnit.SECONDS));
            assertThat(row.rememberMe()).as("Remember me is no longer allowed").isFalse();
            assertThat(row.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(2)));
        } finally {
            release.countDown();
            two.shutdownNow();
        }
    }

    @Test
    void newSessionsTakeTheirLifetimesFromThePolicyAtCreation() {
        accounts.changePolicy(alice, new TeamPolicy(Duration.ofDays(1), true, 60, 3));

        Sessions.Started remembered = signIn(alice, true);
        Sessions.Started plain = signIn(alice, false);

        assertThat(row(remembered).rememberMe()).isTrue();
        assertThat(row(remembered).idleTimeout()).isEqualTo(Duration.ofDays(1));
        assertThat(row(remembered).expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(60)));
        assertThat(row(plain).rememberMe()).isFalse();
        assertThat(row(plain).idleTimeout()).isEqualTo(Duration.ofDays(1));
        assertThat(row(plain).expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(3)));
    }

    @Test
    void whereRememberMeIsNotAllowedTickingItGivesTheOrdinaryLifetime() {
        accounts.changePolicy(alice, new TeamPolicy(Duration.ofDays(30), false, 90, 2));

        Sessions.Started asked = signIn(alice, true);

        assertThat(row(asked).rememberMe()).isFalse();
        assertThat(row(asked).idleTimeout()).isEqualTo(Duration.ofDays(30));
        assertThat(row(asked).expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(2)));
    }

    @Test
    void membersOfTheTeamGetItsPolicyToo() {
        accounts.changePolicy(alice, new TeamPolicy(Duration.ofDays(1), true, 14, 2));
        Account bob = memberOf(alice);

        Sessions.Started bobs = signIn(bob, true);

        assertThat(row(bobs).idleTimeout()).isEqualTo(Duration.ofDays(1));
        assertThat(row(bobs).expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(14)));
    }

    // ---- open sessions

    @Test
    void shorteningTheIdleTimeoutEndsSessionsAlreadyPastItOnTheirNextCheck() {
        Sessions.Started idle = signIn(alice, true);
        Sessions.Started busy = signIn(alice, true);
        clock.advance(Duration.ofDays(2));
        assertThat(check(idle)).as("2 days idle is fine under 7 days").isInstanceOf(Sessions.Check.Valid.class);
        clock.advance(Duration.ofDays(2));
        assertThat(check(busy)).isInstanceOf(Sessions.Check.Valid.class);
        clock.advance(Duration.ofHours(1));

        accounts.changePolicy(alice, new TeamPolicy(Duration.ofDays(1), true, 30, 7));

        assertThat(row(idle).idleTimeout()).isEqualTo(Duration.ofDays(1));
        assertThat(check(idle)).as("idle 2 days, cached before the change").isEqualTo(new Sessions.Check.Ended(EndReason.IDLE_EXPIRED));
        assertThat(row(idle).ending().orElseThrow().reason()).isEqualTo(EndReason.IDLE_EXPIRED);
        assertThat(check(busy)).as("active an hour ago").isInstanceOf(Sessions.Check.Valid.class);
        clock.advance(Duration.ofHours(23));
        assertThat(check(busy)).isInstanceOf(Sessions.Check.Valid.class);
        clock.advance(Duration.ofDays(1));
        assertThat(check(busy)).isEqualTo(new Sessions.Check.Ended(EndReason.IDLE_EXPIRED));
    }

    @Test
    void cachedSessionSeesTheNewPolicyOnItsVeryNextCheck() {
        Sessions.Started laptop = signIn(alice, false);
        clock.advance(Duration.ofDays(3));
        assertThat(check(laptop)).isInstanceOf(Sessions.Check.Valid.class); // cached with a 7-day lifetime
        clock.advance(Duration.ofMinutes(1));

        accounts.changePolicy(alice, new TeamPolicy(Duration.ofDays(7), true, 30, 2));

        assertThat(check(laptop)).isEqualTo(new Sessions.Check.Ended(EndReason.LIFETIME_EXPIRED));
    }

    @Test
    void cachedSessionOfAnotherTeamKeepsItsPolicy() {
        Account bob = accounts.signUp(TestAccounts.bob());
        Sessions.Started bobs = signIn(bob, false);
        clock.advance(Duration.ofDays(3));
        assertThat(check(bobs)).isInstanceOf(Sessions.Check.Valid.class);

        accounts.changePolicy(alice, new TeamPolicy(Duration.ofDays(1), false, 30, 1));

        assertThat(check(bobs)).isInstanceOf(Sessions.Check.Valid.class);
        assertThat(row(bobs).idleTimeout()).isEqualTo(TeamPolicy.DEFAULT.idleTimeout());
        assertThat(row(bobs).expiresAt()).isEqualTo(bobs.session().createdAt().plus(TeamPolicy.DEFAULT.lifetime(false)));
    }

    @Test
    void forbiddingRememberMeCapsRememberedSessionsToTheOrdinaryLifetime() {
        Sessions.Started remembered = signIn(alice, true);
        Sessions.Started plain = signIn(alice, false);
        assertThat(row(remembered).expiresAt()).isEqualTo(remembered.session().createdAt().plus(Duration.ofDays(30)));
        clock.advance(Duration.ofDays(1));
        check(remembered);

        accounts.changePolicy(alice, new TeamPolicy(Duration.ofDays(7), false, 30, 3));

        assertThat(row(remembered).expiresAt()).isEqualTo(remembered.session().createdAt().plus(Duration.ofDays(3)));
        assertThat(row(plain).expiresAt()).isEqualTo(plain.session().createdAt().plus(Duration.ofDays(3)));
        clock.set(remembered.session().createdAt().plus(Duration.ofDays(3)).minusMillis(1));
        assertThat(check(remembered)).isInstanceOf(Sessions.Check.Valid.class);
        clock.advance(Duration.ofMillis(1));
        assertThat(check(remembered)).isEqualTo(new Sessions.Check.Ended(EndReason.LIFETIME_EXPIRED));
    }

    @Test
    void aMemberCannotChangeThePolicy() {
        Account bob = memberOf(alice);
        TeamPolicy before = accounts.policy(alice.team());

        assertThatThrownBy(() -> accounts.changePolicy(bob, new TeamPolicy(Duration.ZERO, true, 365, 7)))
                .isInstanceOf(AccountProblem.Forbidden.class);

        assertThat(accounts.policy(alice.team())).isEqualTo(before);
    }

    @Test
    void policyChangeDoesNotRestoreSessionsThatAlreadyEnded() {
        Sessions.Started laptop = signIn(alice, false);
        clock.advance(Duration.ofDays(8));
        assertThat(check(laptop)).isEqualTo(new Sessions.Check.Ended(EndReason.LIFETIME_EXPIRED));

        accounts.changePolicy(alice, new TeamPolicy(Duration.ZERO, true, 365, 7));

        assertThat(check(laptop)).isEqualTo(new Sessions.Check.Ended(EndReason.LIFETIME_EXPIRED));
        assertThat(row(laptop).expiresAt()).isEqualTo(laptop.session().createdAt().plus(Duration.ofDays(7)));
    }
}
