package dev.lanyard.account;

import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Newcomers for tests. Every call gives a new email, so tests that share a database (a cached
 * Spring context) never collide.
 */
public final class TestAccounts {
    /** The password every test account signs up with. */
    public static final String PASSWORD = "correct horse battery staple";

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final String RUN = Long.toString(System.nanoTime() % 1_000_000, 36);

    private TestAccounts() {
    }

    public static SignUp alice() {
        return newcomer("alice");
    }

    public static SignUp bob() {
        return newcomer("bob");
    }

    /** A valid sign-up for someone called {@code who}, with an email nobody has used yet. */
    public static SignUp newcomer(String who) {
        return new SignUp(uniqueEmail(who), PASSWORD, capitalized(who), capitalized(who) + "'s team", uniqueAddress());
    }

    /**
     * An IPv6 address in a /64 of its own (documentation prefix) that no other test uses: sign-ups are
     * throttled per address, and a test's taken emails must not count against another's.
     */
    public static String uniqueAddress() {
        return "2001:db8:5:" + Integer.toHexString(SEQUENCE.incrementAndGet() & 0xffff) + "::1";
    }

    /** An email (lower case, as stored) that no other test uses. */
    public static String uniqueEmail(String who) {
        return who + "." + RUN + "." + SEQUENCE.incrementAndGet() + "@example.com";
    }

    /**
     * An account and its team written straight through the store, without hashing a password:
     * for store tests that only need a row to point at.
     */
    public static Account insertInto(DataSource dataSource, Instant at) {
        AccountStore store = new JdbcAccountStore(JdbcClient.create(dataSource));
        Team team = new Team(TeamId.random(), "Team", at, TeamPolicy.DEFAULT);
        Account account = new Account(AccountId.random(), team.id(), uniqueEmail("member"), "Member", Role.MEMBER, at);
        store.insert(team);
        store.insert(account, "{noop}not a real hash");
        return account;
    }

    /** Another account in {@code teammate}'s team, with this email, written straight through the store. */
    public static Account insertTeammate(DataSource dataSource, Account teammate, String email) {
        AccountStore store = new JdbcAccountStore(JdbcClient.create(dataSource));
        Account account = new Account(AccountId.random(), teammate.team(), email, "Member", Role.MEMBER, teammate.createdAt());
        store.insert(account, "{noop}not a real hash");
        return account;
    }

    private static String capitalized(String who) {
        return who.substring(0, 1).toUpperCase(Locale.ROOT) + who.substring(1);
    }
}
