package dev.lanyard.account;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

@Repository
class JdbcAccountStore implements AccountStore {
    private static final String COLUMNS = "id, team_id, email, name, role, created_at, password_hash";
    /**
     * How many of an account's latest time zone notes are kept ({@link #setTimeZone}): more sign-ins than a member makes
     * while the "This wasn't me" links of their alerts work (a day), so that rows do not grow with every sign-in.
     */
    static final int ZONE_NOTES_KEPT = 20;

    private final JdbcClient jdbc;

    JdbcAccountStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void insert(Team team) {
        jdbc.sql("""
                INSERT INTO teams (id, name, created_at, idle_timeout_ms, allow_remember_me, remembered_days, lifetime_days,
                    require_second_factor)
                VALUES (:id, :name, :at, :idle, :remember, :rememberedDays, :lifetimeDays, :secondFactor)
                """)
                .param("id", team.id().value())
                .param("name", team.name())
                .param("at", team.createdAt().toEpochMilli())
                .param("idle", team.policy().idleTimeout().toMillis())
                .param("remember", team.policy().allowRememberMe())
                .param("rememberedDays", team.policy().rememberedDays())
                .param("lifetimeDays", team.policy().lifetimeDays())
                .param("secondFactor", team.policy().requireSecondFactor())
                .update();
    }

    @Override
    public void insert(Account account, String passwordHash) {
        try {
            insertRow(account, passwordHash);
        } catch (UncategorizedSQLException e) {
            throw translated(e);
        }
    }

    private void insertRow(Account account, String passwordHash) {
        jdbc.sql("""
                INSERT INTO accounts (id, team_id, email, name, password_hash, role, created_at)
                VALUES (:id, :team, :email, :name, :hash, :role, :at)
                """)
                .param("id", account.id().value())
                .param("team", account.team().value())
                .param("email", account.email())
                .param("name", account.name())
                .param("hash", passwordHash)
                .param("role", account.role().name())
                .param("at", account.createdAt().toEpochMilli())
                .update();
    }

    @Override
    public Optional<Account> find(AccountId id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM accounts WHERE id = :id AND removed_at IS NULL")
                .param("id", id.value())
                .query((rs, n) -> account(rs))
                .optional();
    }

    @Override
    public java.util.List<Account> find(java.util.Collection<AccountId> ids) {
        if (ids.isEmpty()) return java.util.List.of();
        return jdbc.sql("SELECT " + COLUMNS + " FROM accounts WHERE id IN (:ids) AND removed_at IS NULL")
                .param("ids", ids.stream().map(AccountId::value).distinct().toList())
                .query((rs, n) -> account(rs))
                .list();
    }

    @Override
    public java.util.List<Account> findIncludingRemoved(java.util.Collection<AccountId> ids) {
        if (ids.isEmpty()) return java.util.List.of();
        return jdbc.sql("SELECT " + COLUMNS + " FROM accounts WHERE id IN (:ids)")
                .param("ids", ids.stream().map(AccountId::value).distinct().toList())
                .query((rs, n) -> account(rs))
                .list();
    }

    @Override
    public Optional<Account> findIncludingRemoved(AccountId id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM accounts WHERE id = :id")
                .param("id", id.value())
                .query((rs, n) -> account(rs))
                .optional();
    }

    @Override
    public Optional<Team> findTeam(TeamId id) {
        return jdbc.sql("""
                SELECT id, name, created_at, idle_timeout_ms, allow_remember_me, remembered_days, lifetime_days,
                       members_see_sessions, require_second_factor, session_limit, refuse_at_limit
                FROM teams WHERE id = :id
                """)
                .param("id", id.value())
                .query((rs, n) -> new Team(new TeamId(rs.getString("id")), rs.getString("name"),
                        Instant.ofEpochMilli(rs.getLong("created_at")),
                        new TeamPolicy(java.time.Duration.ofMillis(rs.getLong("idle_timeout_ms")),
                                rs.getBoolean("allow_remember_me"), rs.getInt("remembered_days"), rs.getInt("lifetime_days"),
                                rs.getBoolean("require_second_factor"), rs.getInt("session_limit"), rs.getBoolean("refuse_at_limit")),
                        rs.getBoolean("members_see_sessions")))
                .optional();
    }

    @Override
    public int updatePolicy(TeamId id, TeamPolicy policy) {
        return jdbc.sql("""
                UPDATE teams SET idle_timeout_ms = :idle, allow_remember_me = :remember,
                    remembered_days = :rememberedDays, lifetime_days = :lifetimeDays,
                    require_second_factor = :secondFactor, session_limit = :sessionLimit, refuse_at_limit = :refuse
                WHERE id = :id
                """)
                .param("idle", policy.idleTimeout().toMillis())
                .param("remember", policy.allowRememberMe())
                .param("rememberedDays", policy.rememberedDays())
                .param("lifetimeDays", policy.lifetimeDays())
                .param("secondFactor", policy.requireSecondFactor())
                .param("sessionLimit", policy.sessionLimit())
                .param("refuse", policy.refuseAtLimit())
                .param("id", id.value())
                .update();
    }

    @Override
    public void lockTeam(TeamId team) {
        jdbc.sql("UPDATE teams SET name = name WHERE id = :id").param("id", team.value()).update();
    }

    @Override
    public void lockAccount(AccountId id) {
        jdbc.sql("UPDATE accounts SET id = id WHERE id = :id").param("id", id.value()).update();
    }

    @Override
    public MemberRules memberRules(AccountId id) {
        return jdbc.sql("SELECT session_limit, remember_me_forbidden FROM accounts WHERE id = :id")
                .param("id", id.value())
                .query((rs, n) -> {
                    int limit = rs.getInt(1);
                    Optional<Integer> own = rs.wasNull() ? Optional.empty() : Optional.of(limit);
                    return new MemberRules(own, rs.getBoolean(2));
                })
                .optional().orElse(MemberRules.TEAMS);
    }

    @Override
    public void setRememberMeForbidden(AccountId id, TeamId team, boolean forbidden) {
        jdbc.sql("UPDATE accounts SET remember_me_forbidden = :forbidden WHERE id = :id AND team_id = :team")
                .param("forbidden", forbidden).param("id", id.value()).param("team", team.value())
                .update();
    }

    @Override
    public void setMemberSessionLimit(AccountId id, TeamId team, Integer limit) {
        jdbc.sql("UPDATE accounts SET session_limit = :limit WHERE id = :id AND team_id = :team")
                .param("limit", limit, java.sql.Types.INTEGER).param("id", id.value()).param("team", team.value())
                .update();
    }

    @Override
    public int countAdmins(TeamId team) {
        return jdbc.sql("SELECT COUNT(*) FROM accounts WHERE team_id = :team AND role = 'ADMIN' AND removed_at IS NULL")
                .param("team", team.value()).query(Integer.class).single();
    }

    @Override
    public int updateRole(AccountId id, TeamId team, Role role) {
        return jdbc.sql("UPDATE accounts SET role = :role WHERE id = :id AND team_id = :team AND removed_at IS NULL")
                .param("role", role.name()).param("id", id.value()).param("team", team.value()).update();
    }

    @Override
    public int remove(AccountId id, TeamId team, java.time.Instant at) {
        // The password hash is emptied, which no password matches, and the time zone forgotten: only the email and name
        // stay, which the audit log and the session history name (decision 49; outside review).
        int removed = jdbc.sql("""
                        UPDATE accounts SET removed_at = :at, password_hash = '', time_zone = NULL
                        WHERE id = :id AND team_id = :team AND removed_at IS NULL""")
                .param("at", at.toEpochMilli()).param("id", id.value()).param("team", team.value()).update();
        if (removed == 1) jdbc.sql("DELETE FROM time_zone_notes WHERE account_id = :id").param("id", id.value()).update();
        return removed;
    }

    @Override
    public int setMembersSeeSessions(TeamId team, boolean allowed) {
        return jdbc.sql("UPDATE teams SET members_see_sessions = :allowed WHERE id = :id")
                .param("allowed", allowed).param("id", team.value()).update();
    }

    @Override
    public java.util.List<Account> members(TeamId team, String emailPrefix, int limit, Optional<String> afterEmail) {
        String after = afterEmail.isPresent() ? " AND email > :after" : "";
        var spec = jdbc.sql("SELECT " + COLUMNS + " FROM accounts WHERE team_id = :team AND removed_at IS NULL"
                        + " AND substr(email, 1, :length) = :prefix" + after + " ORDER BY email LIMIT :limit")
                .param("team", team.value())
                .param("prefix", emailPrefix)
                .param("length", emailPrefix.length())
                .param("limit", limit);
        if (afterEmail.isPresent()) spec = spec.param("after", afterEmail.get());
        return spec.query((rs, n) -> account(rs)).list();
    }

    @Override
    public int updatePassword(AccountId id, String expectedHash, String newHash) {
        return jdbc.sql("""
                        UPDATE accounts SET password_hash = :hash
                        WHERE id = :id AND password_hash = :expected AND removed_at IS NULL""")
                .param("hash", newHash)
                .param("id", id.value())
                .param("expected", expectedHash)
                .update();
    }

    @Override
    public void markEmailVerified(AccountId id, Instant at) {
        jdbc.sql("UPDATE accounts SET email_verified_at = :at WHERE id = :id AND email_verified_at IS NULL")
                .param("at", at.toEpochMilli()).param("id", id.value()).update();
    }

    @Override
    public boolean emailVerified(AccountId id) {
        return jdbc.sql("SELECT COUNT(*) FROM accounts WHERE id = :id AND email_verified_at IS NOT NULL")
                .param("id", id.value()).query(Integer.class).single() > 0;
    }

    @Override
    public Optional<java.time.ZoneId> timeZone(AccountId id) {
        return jdbc.sql("SELECT time_zone FROM accounts WHERE id = :id AND time_zone IS NOT NULL").param("id", id.value())
                .query(String.class).optional().flatMap(MailTimes::region);
    }

    @Override
    public int setTimeZone(AccountId id, Optional<java.time.ZoneId> zone, Optional<String> session) {
        if (lockTimeZone(id, true) == 0) return 0;
        String set = zone.map(java.time.ZoneId::getId).orElse(null);
        // Noted with the zone it replaces: the one the account has until the update below.
        jdbc.sql("""
                INSERT INTO time_zone_notes (account_id, session_id, zone, zone_before)
                SELECT id, :session, :zone, time_zone FROM accounts WHERE id = :id
                """).param("session", session.orElse(null), java.sql.Types.VARCHAR).param("zone", set, java.sql.Types.VARCHAR)
                .param("id", id.value()).update();
        jdbc.sql("""
                DELETE FROM time_zone_notes WHERE account_id = :id AND id <
                    (SELECT id FROM time_zone_notes WHERE account_id = :id ORDER BY id DESC LIMIT 1 OFFSET :kept)
                """).param("id", id.value()).param("kept", ZONE_NOTES_KEPT - 1).update();
        return changeTimeZone(id, set);
    }

    @Override
    public java.util.List<Accounts.ZoneNote> timeZoneNotes(AccountId id) {
        return jdbc.sql("SELECT zone, session_id, disowned FROM time_zone_notes WHERE account_id = :id ORDER BY id DESC")
                .param("id", id.value())
                .query((rs, n) -> new Accounts.ZoneNote(rs.getString(1), Optional.ofNullable(rs.getString(2)), rs.getBoolean(3))).list();
    }

    @Override
    public int disownTimeZone(AccountId id, String session) {
        lockTimeZone(id, false);
        int disowned = jdbc.sql("""
                UPDATE time_zone_notes SET disowned = :yes WHERE account_id = :id AND session_id = :session AND disowned = :no
                """).param("yes", true).param("no", false).param("id", id.value()).param("session", session).update();
        if (disowned == 0) return 0;
        record Note(String zone, String zoneBefore, boolean disowned) {
        }
        java.util.List<Note> newestFirst = jdbc.sql("""
                SELECT zone, zone_before, disowned FROM time_zone_notes WHERE account_id = :id ORDER BY id DESC
                """).param("id", id.value()).query((rs, n) -> new Note(rs.getString(1), rs.getString(2), rs.getBoolean(3))).list();
        // The zone of the latest sign-in not disowned; when every one kept is, the zone from before the oldest.
        String zone = newestFirst.stream().filter(n -> !n.disowned()).findFirst().map(Note::zone)
                .orElse(newestFirst.get(newestFirst.size() - 1).zoneBefore());
        return changeTimeZone(id, zone);
    }

    /**
     * Locks the account's row until the transaction ends, so that sign-ins and disowns of one account note and change its
     * zone one after the other (SQLite holds the whole database already). Returns 1, or 0 for no such account (that is
     * not removed, if {@code notRemoved}).
     */
    private int lockTimeZone(AccountId id, boolean notRemoved) {
        return jdbc.sql("UPDATE accounts SET time_zone = time_zone WHERE id = :id" + (notRemoved ? " AND removed_at IS NULL" : ""))
                .param("id", id.value()).update();
    }

    /** Sets the account's zone (null: none); returns 1, or 0 if it was already that. */
    private int changeTimeZone(AccountId id, String zone) {
        if (zone == null) {
            return jdbc.sql("UPDATE accounts SET time_zone = NULL WHERE id = :id AND time_zone IS NOT NULL").param("id", id.value()).update();
        }
        return jdbc.sql("UPDATE accounts SET time_zone = :zone WHERE id = :id AND (time_zone IS NULL OR time_zone <> :zone)")
                .param("zone", zone).param("id", id.value()).update();
    }

    @Override
    public Optional<String> passwordHash(AccountId id) {
        return jdbc.sql("SELECT password_hash FROM accounts WHERE id = :id AND removed_at IS NULL")
                .param("id", id.value()).query(String.class).optional();
    }

    @Override
    public Optional<Credentials> findByEmail(String email) {
        // PostgreSQL text cannot hold U+0000 and rejects it even as a parameter; no stored email has one.
        if (email.indexOf(0) >= 0) return Optional.empty();
        return jdbc.sql("SELECT " + COLUMNS + " FROM accounts WHERE email = :email AND removed_at IS NULL")
                .param("email", email)
                .query((rs, n) -> new Credentials(account(rs), rs.getString("password_hash")))
                .optional();
    }

    /**
     * Spring knows PostgreSQL's error codes but not SQLite's: there a taken email would surface as an
     * {@link UncategorizedSQLException}, and the caller's {@link DuplicateKeyException} handling
     * (a sign-up racing another for the same email) would never run.
     */
    private static RuntimeException translated(UncategorizedSQLException e) {
        if (e.getSQLException() instanceof SQLiteException sqlite) {
            SQLiteErrorCode code = sqlite.getResultCode();
            if (code == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE || code == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY) {
                return new DuplicateKeyException(sqlite.getMessage(), sqlite);
            }
            if (code.name().startsWith("SQLITE_CONSTRAINT")) {
                return new DataIntegrityViolationException(sqlite.getMessage(), sqlite);
            }
        }
        return e;
    }

    private static Account account(ResultSet rs) throws SQLException {
        return new Account(new AccountId(rs.getString("id")), new TeamId(rs.getString("team_id")),
                rs.getString("email"), rs.getString("name"), Role.valueOf(rs.getString("role")),
                Instant.ofEpochMilli(rs.getLong("created_at")));
    }
}
