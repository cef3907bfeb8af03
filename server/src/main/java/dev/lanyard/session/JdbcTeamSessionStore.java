package dev.lanyard.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.TeamId;
import dev.lanyard.ops.DatabaseKind;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** A team's sessions in SQL that reads the same on SQLite and PostgreSQL. */
@Repository
class JdbcTeamSessionStore implements TeamSessionStore {
    private final JdbcClient jdbc;
    private final DatabaseKind database;

    JdbcTeamSessionStore(JdbcClient jdbc, DatabaseKind database) {
        this.jdbc = jdbc;
        this.database = database;
    }

    @Override
    public List<MemberCount> members(TeamId team, String prefix, Instant now, int limit, Optional<String> afterEmail) {
        return members(team, prefix, false, now, limit, afterEmail);
    }

    @Override
    public List<MemberCount> members(TeamId team, String prefix, boolean flaggedOnly, Instant now, int limit, Optional<String> afterEmail) {
        var spec = jdbc.sql(members(afterEmail.isPresent(), flaggedOnly))
                .param("team", team.value())
                .param("prefix", prefix)
                .param("length", prefix.length())
                .param("now", now.toEpochMilli())
                .param("limit", limit);
        if (afterEmail.isPresent()) spec = spec.param("after", afterEmail.get());
        return spec.query((rs, n) -> {
            long last = rs.getLong("last_active");
            Optional<Instant> lastActive = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(last));
            return new MemberCount(new AccountId(rs.getString("id")), rs.getInt("active"), lastActive, rs.getInt("flagged"));
        }).list();
    }

    /**
     * The statement of {@link #members}: {@code :after} only with {@code afterEmail}. A member's last activity is over
     * every session they still have, ended ones included (right after a sign-out they were active all the same): the
     * range of sessions_account_active that is theirs, not the whole table. That index also holds what the counts of
     * active and flagged sessions read (schema V41), so none of them reads a session's row.
     */
    static String members(boolean afterEmail, boolean flaggedOnly) {
        String open = " s.account_id = a.id AND s.ended_at IS NULL AND " + JdbcSessionRows.NOT_EXPIRED;
        String after = (afterEmail ? " AND a.email > :after" : "") + (flaggedOnly
                ? " AND EXISTS (SELECT 1 FROM sessions s WHERE" + open + " AND s.concern > 0)" : "");
        return "SELECT a.id,"
                + " (SELECT COUNT(*) FROM sessions s WHERE" + open + ") AS active,"
                + " (SELECT MAX(s.last_active_at) FROM sessions s WHERE s.account_id = a.id) AS last_active,"
                + " (SELECT COUNT(*) FROM sessions s WHERE" + open + " AND s.concern > 0) AS flagged"
                + " FROM accounts a"
                + " WHERE a.team_id = :team AND a.removed_at IS NULL AND substr(a.email, 1, :length) = :prefix" + after
                + " ORDER BY a.email LIMIT :limit";
    }

    @Override
    public ActiveCount activeCount(TeamId team, Optional<SessionId> keep, Instant now) {
        return jdbc.sql(ACTIVE_COUNT + (keep.isPresent() ? KEPT_COUNT : ", 0 AS kept"))
                .param("team", team.value())
                .param("now", now.toEpochMilli())
                .param("keep", keep.map(SessionId::value).orElse(null))
                .query((rs, n) -> new ActiveCount(rs.getInt("active"), rs.getInt("kept"))).single();
    }

    /**
     * The team's active sessions, counted from sessions_account_active alone, which holds every column the conditions read
     * (schema V41): for each member, the range of their open sessions in it.
     */
    static final String ACTIVE_COUNT = "SELECT (SELECT COUNT(*) FROM sessions s JOIN accounts a ON a.id = s.account_id"
            + " WHERE a.team_id = :team AND s.ended_at IS NULL AND " + JdbcSessionRows.NOT_EXPIRED + ") AS active";

    /** Whether the session kept is one of those {@link #ACTIVE_COUNT} counts: one row, found by its id. */
    static final String KEPT_COUNT = ", (SELECT COUNT(*) FROM sessions s JOIN accounts a ON a.id = s.account_id"
            + " WHERE s.id = :keep AND a.team_id = :team AND s.ended_at IS NULL AND " + JdbcSessionRows.NOT_EXPIRED + ") AS kept";

    @Override
    public List<Session> expired(TeamId team, Optional<SessionId> keep, Instant now, int limit) {
        return jdbc.sql("SELECT " + JdbcSessionRows.COLUMNS + " FROM sessions"
                        + " WHERE account_id IN (SELECT id FROM accounts WHERE team_id = :team) AND ended_at IS NULL AND "
                        + JdbcSessionRows.EXPIRED + (keep.isPresent() ? " AND id <> :keep" : "") + " LIMIT :limit")
                .param("team", team.value())
                .param("now", now.toEpochMilli())
                .param("keep", keep.map(SessionId::value).orElse(null))
                .param("limit", limit)
                .query((rs, n) -> JdbcSessionRows.session(rs))
                .list();
    }

    @Override
    public List<Session> endBatch(TeamId team, Optional<SessionId> keep, Optional<Instant> signedInBy, Session.Ending ending, int limit,
                                  boolean skipLocked) {
        String active = " FROM sessions s JOIN accounts a ON a.id = s.account_id"
                + " WHERE a.team_id = :team AND s.ended_at IS NULL" + (keep.isPresent() ? " AND s.id <> :keep" : "")
                + (signedInBy.isPresent() ? " AND s.created_at <= :signedInBy" : "");
        String sql;
        if (database.postgres()) {
            // The batch's rows are picked and locked once, before the update: a subquery with a lock
            // clause under IN may be run again for each row, and then skips the rows this statement
            // already ended and picks others, ending more than the limit. A batch that waits for held
            // rows locks them in id order, as the activity flush writes them, so the two never deadlock
            // ("C": the order of Java's String.compareTo for these ASCII ids, whatever the database's collation).
            sql = "WITH batch AS MATERIALIZED (SELECT s.id AS picked" + active
                    + (skipLocked ? " LIMIT :limit FOR UPDATE OF s SKIP LOCKED" : " ORDER BY s.id COLLATE \"C\" LIMIT :limit FOR UPDATE OF s")
                    + ") UPDATE sessions SET " + JdbcSessionRows.END + " FROM batch WHERE id = batch.picked AND ended_at IS NULL";
        } else {
            // SQLite has one writer and no row locks: nothing is held by another transaction.
            sql = "UPDATE sessions SET " + JdbcSessionRows.END + " WHERE id IN (SELECT s.id" + active + " LIMIT :limit) AND ended_at IS NULL";
        }
        return jdbc.sql(sql + " RETURNING " + JdbcSessionRows.COLUMNS)
                .paramSource(JdbcSessionRows.ending(ending).addValue("team", team.value()).addValue("keep", keep.map(SessionId::value).orElse(null))
                        .addValue("signedInBy", signedInBy.map(Instant::toEpochMilli).orElse(null)).addValue("limit", limit))
                .query((rs, n) -> JdbcSessionRows.session(rs))
                .list();
    }

    private static final String SIGN_OUT_COLUMNS =
            "id, team_id, admin_id, admin_session_id, kept_session_id, reason, started_at, ended, ended_keys";

    @Override
    public TeamSignOut startSignOut(TeamSignOut asked, Instant claimedUntil) {
        long id = jdbc.sql("""
                        INSERT INTO team_sign_outs (team_id, admin_id, admin_session_id, kept_session_id, reason, started_at, claimed_until)
                        VALUES (:team, :admin, :session, :kept, :reason, :at, :until) RETURNING id""")
                .param("team", asked.team().value()).param("admin", asked.admin().value()).param("session", asked.adminSession().value())
                .param("kept", asked.kept().map(SessionId::value).orElse(null), java.sql.Types.VARCHAR).param("reason", asked.reason())
                .param("at", asked.startedAt().toEpochMilli()).param("until", claimedUntil.toEpochMilli())
                .query(Long.class).single();
        return new TeamSignOut(id, asked.team(), asked.admin(), asked.adminSession(), asked.kept(), asked.reason(), asked.startedAt(),
                SignOutCount.NONE);
    }

    @Override
    public int signOutProgressed(long id, SignOutCount ended, Instant claimedUntil) {
        return jdbc.sql("""
                        UPDATE team_sign_outs SET ended = ended + :ended, ended_keys = ended_keys + :keys, claimed_until = :until
                        WHERE id = :id AND finished_at IS NULL""")
                .param("ended", ended.total()).param("keys", ended.apiKeys()).param("until", claimedUntil.toEpochMilli())
                .param("id", id).update();
    }

    @Override
    public Optional<TeamSignOut> claimSignOut(Instant runOutBy, Instant claimedUntil) {
        // The outer WHERE repeats the sub-select's conditions: on PostgreSQL a second claimer that picked the same row waits
        // for the first one's lock, then checks them again on the claimed row and leaves it (as ops.OutboxTable claims).
        String claimable = "finished_at IS NULL AND claimed_until <= :runOutBy";
        return jdbc.sql("UPDATE team_sign_outs SET claimed_until = :until"
                        + " WHERE id = (SELECT id FROM team_sign_outs WHERE " + claimable + " ORDER BY id LIMIT 1) AND " + claimable
                        + " RETURNING " + SIGN_OUT_COLUMNS)
                .param("runOutBy", runOutBy.toEpochMilli()).param("until", claimedUntil.toEpochMilli())
                .query(JdbcTeamSessionStore::signOut).optional();
    }

    @Override
    public Optional<TeamSignOut> finishSignOut(long id, Instant at) {
        return jdbc.sql("UPDATE team_sign_outs SET finished_at = :at WHERE id = :id AND finished_at IS NULL RETURNING " + SIGN_OUT_COLUMNS)
                .param("at", at.toEpochMilli()).param("id", id)
                .query(JdbcTeamSessionStore::signOut).optional();
    }

    @Override
    public int purgeSignOuts(Instant cutoff) {
        return jdbc.sql("DELETE FROM team_sign_outs WHERE finished_at < :cutoff").param("cutoff", cutoff.toEpochMilli()).update();
    }

    private static TeamSignOut signOut(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new TeamSignOut(rs.getLong("id"), new TeamId(rs.getString("team_id")), new AccountId(rs.getString("admin_id")),
                new SessionId(rs.getString("admin_session_id")), Optional.ofNullable(rs.getString("kept_session_id")).map(SessionId::new),
                rs.getString("reason"), Instant.ofEpochMilli(rs.getLong("started_at")),
                new SignOutCount(rs.getInt("ended") - rs.getInt("ended_keys"), rs.getInt("ended_keys")));
    }
}
