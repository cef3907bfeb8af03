package dev.lanyard.session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.lanyard.account.AccountId;
import dev.lanyard.ops.DatabaseKind;
import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.lanyard.session.JdbcSessionRows.COLUMNS;
import static dev.lanyard.session.JdbcSessionRows.EXPIRED;
import static dev.lanyard.session.JdbcSessionRows.NOT_EXPIRED;
import static dev.lanyard.session.JdbcSessionRows.session;

/**
 * Sessions' expiry in SQL, for {@link JdbcSessionStore}: the sweep's batches of expired sessions, a member's expired
 * sessions that the sweep has not ended yet, and a team's or member's new policy applied to the lifetimes of their open
 * sessions.
 */
class JdbcSessionExpiry {
    private final JdbcClient jdbc;
    private final DatabaseKind database;

    JdbcSessionExpiry(JdbcClient jdbc, DatabaseKind database) {
        this.jdbc = jdbc;
        this.database = database;
    }

    List<SessionStore.Expired> expired(Instant now, int limit) {
        List<SessionStore.Expired> found = new java.util.ArrayList<>(
                expired(LIFETIME_EXPIRED, EndReason.LIFETIME_EXPIRED, now, limit));
        if (found.size() < limit) found.addAll(expired(IDLE_EXPIRED, EndReason.IDLE_EXPIRED, now, limit - found.size()));
        return found;
    }

    /*
     * The sweep's two queries, one per way of expiring, each in the order of its own partial index
     * (V14: sessions_lifetime_deadline, sessions_idle_deadline), so that a sweep reads what it ends
     * and not every active session, on PostgreSQL and on SQLite without statistics alike. A session
     * past both limits ends by its lifetime.
     */
    static final String LIFETIME_EXPIRED = """
            SELECT id, account_id FROM sessions
            WHERE ended_at IS NULL AND expires_at <= :now
            ORDER BY expires_at LIMIT :limit""";
    static final String IDLE_EXPIRED = """
            SELECT id, account_id FROM sessions
            WHERE ended_at IS NULL AND idle_timeout_ms > 0 AND last_active_at + idle_timeout_ms <= :now AND expires_at > :now
            ORDER BY last_active_at + idle_timeout_ms LIMIT :limit""";

    private List<SessionStore.Expired> expired(String sql, EndReason reason, Instant now, int limit) {
        return jdbc.sql(sql + (database.postgres() ? " FOR UPDATE SKIP LOCKED" : ""))
                .param("now", now.toEpochMilli())
                .param("limit", limit)
                .query((rs, n) -> new SessionStore.Expired(new SessionId(rs.getString("id")), new AccountId(rs.getString("account_id")),
                        reason))
                .list();
    }

    List<Session> expiredOf(AccountId owner, Instant now) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM sessions WHERE account_id = :owner AND ended_at IS NULL AND " + EXPIRED)
                .param("owner", owner.value())
                .param("now", now.toEpochMilli())
                .query((rs, n) -> session(rs))
                .list();
    }

    int applyPolicy(dev.lanyard.account.TeamId team, Duration idleTimeout, Duration rememberedLifetime, Duration lifetime,
                    Instant now) {
        return applyLifetimes("account_id IN (SELECT id FROM accounts WHERE team_id = :scope)", team.value(), now,
                idleTimeout, rememberedLifetime, lifetime);
    }

    int applyPolicy(AccountId member, Duration idleTimeout, Duration rememberedLifetime, Duration lifetime, Instant now) {
        return applyLifetimes("account_id = :scope", member.value(), now, idleTimeout, rememberedLifetime, lifetime);
    }

    /** The expiry a session gets from a policy: a high-security member's remembered sessions get the shorter lifetime. */
    private static final String NEW_EXPIRY = """
            (created_at + CASE WHEN remember_me = :yes AND account_id NOT IN (SELECT id FROM accounts WHERE remember_me_forbidden = :yes)
                THEN :remembered ELSE :lifetime END)""";

    /**
     * The lifetimes of the active sign-ins {@code which} names. A session that looks expired at {@code now} only gets
     * shorter ones: a longer policy must not bring back one the sweep has not ended yet, and a shorter one must reach
     * one whose last activity the database has not heard yet (it trails memory by the flush interval), so that
     * forbidding "Remember me" or a high-security switch misses no open session. 0 is no idle timeout, the longest.
     */
    private int applyLifetimes(String which, String scope, Instant now, Duration idleTimeout, Duration rememberedLifetime,
                               Duration lifetime) {
        return jdbc.sql("UPDATE sessions SET idle_timeout_ms = CASE WHEN " + NOT_EXPIRED + " THEN :idle"
                        + " WHEN :idle <= 0 THEN idle_timeout_ms"
                        + " WHEN idle_timeout_ms <= 0 OR :idle < idle_timeout_ms THEN :idle ELSE idle_timeout_ms END,"
                        + " expires_at = CASE WHEN " + NOT_EXPIRED + " OR " + NEW_EXPIRY + " < expires_at THEN " + NEW_EXPIRY
                        + " ELSE expires_at END"
                        + " WHERE ended_at IS NULL AND api_key = :no AND " + which)
                .param("no", false).param("now", now.toEpochMilli())
                .param("idle", idleTimeout.toMillis())
                .param("yes", true)
                .param("remembered", rememberedLifetime.toMillis())
                .param("lifetime", lifetime.toMillis())
                .param("scope", scope)
                .update();
    }
}
