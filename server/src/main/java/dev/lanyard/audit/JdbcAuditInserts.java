package dev.lanyard.audit;

import java.util.List;

import dev.lanyard.account.AccountId;
import dev.lanyard.ops.DatabaseKind;
import dev.lanyard.session.SessionId;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Writing entries to the audit chains, in SQL, for {@link JdbcAuditStore}: one entry at a time, or many at once (a
 * team sign-out writes thousands) as arrays on PostgreSQL and as multi-row statements on SQLite.
 */
class JdbcAuditInserts {
    private static final String INSERT = """
            INSERT INTO audit_entries (team_id, seq, at, actor_id, actor_email, actor_name, actor_session_id,
                subject_id, session_id, action, detail, ip, prev_hash, hash, hash_version, ip_commit, ip_salt)
            VALUES (:team, :seq, :at, :actor, :actorEmail, :actorName, :actorSession, :subject, :session, :action,
                :detail, :ip, :prevHash, :hash, :version, :ipCommit, :ipSalt)""";

    /**
     * The PostgreSQL form of {@link #insert} for many entries: one statement, one array per column,
     * whatever their number (a team sign-out writes thousands), instead of 17 parameters per row.
     */
    private static final String INSERT_ARRAYS = """
            INSERT INTO audit_entries (team_id, seq, at, actor_id, actor_email, actor_name, actor_session_id,
                subject_id, session_id, action, detail, ip, prev_hash, hash, hash_version, ip_commit, ip_salt)
            SELECT * FROM unnest(CAST(:team AS text[]), CAST(:seq AS bigint[]), CAST(:at AS bigint[]), CAST(:actor AS text[]),
                CAST(:actorEmail AS text[]), CAST(:actorName AS text[]), CAST(:actorSession AS text[]), CAST(:subject AS text[]),
                CAST(:session AS text[]), CAST(:action AS text[]), CAST(:detail AS text[]), CAST(:ip AS text[]),
                CAST(:prevHash AS text[]), CAST(:hash AS text[]), CAST(:version AS int4[]), CAST(:ipCommit AS text[]),
                CAST(:ipSalt AS text[]))""";

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate named;
    /** PostgreSQL takes many entries as arrays. */
    private final DatabaseKind database;

    JdbcAuditInserts(JdbcClient jdbc, NamedParameterJdbcTemplate named, DatabaseKind database) {
        this.jdbc = jdbc;
        this.database = database;
        this.named = named;
    }

    /**
     * Inserts many entries (a team sign-out writes thousands at once) in one statement of arrays on
     * PostgreSQL, and on SQLite in one multi-row statement per {@link #INSERT_CHUNK} entries, 17
     * parameters a row: well under its limit.
     */
    public void insert(List<AuditEntry> entries) {
        if (entries.size() == 1) {
            named.update(INSERT, params(entries.get(0)));
            return;
        }
        if (database.postgres()) {
            insertArrays(entries);
            return;
        }
        String head = INSERT.substring(0, INSERT.indexOf("VALUES") + "VALUES".length());
        String row = INSERT.substring(INSERT.indexOf("VALUES") + "VALUES".length());
        for (int from = 0; from < entries.size(); from += INSERT_CHUNK) {
            List<AuditEntry> chunk = entries.subList(from, Math.min(entries.size(), from + INSERT_CHUNK));
            StringBuilder sql = new StringBuilder(head);
            MapSqlParameterSource all = new MapSqlParameterSource();
            for (int i = 0; i < chunk.size(); i++) {
                MapSqlParameterSource one = params(chunk.get(i));
                String suffix = "_" + i;
                sql.append(i == 0 ? "" : ",").append(row.replaceAll(":(\\w+)", ":$1" + suffix));
                for (String name : one.getParameterNames()) {
                    all.addValue(name + suffix, one.getValue(name), one.getSqlType(name));
                }
            }
            named.update(sql.toString(), all);
        }
    }

    private void insertArrays(List<AuditEntry> entries) {
        int n = entries.size();
        Object[] team = new Object[n], seq = new Object[n], at = new Object[n], actor = new Object[n], actorEmail = new Object[n],
                actorName = new Object[n], actorSession = new Object[n], subject = new Object[n], session = new Object[n],
                action = new Object[n], detail = new Object[n], ip = new Object[n], prevHash = new Object[n], hash = new Object[n],
                version = new Object[n], ipCommit = new Object[n], ipSalt = new Object[n];
        for (int i = 0; i < n; i++) {
            AuditEntry e = entries.get(i);
            team[i] = e.team().value();
            seq[i] = e.seq();
            at[i] = e.at().toEpochMilli();
            actor[i] = e.actor().id().map(AccountId::value).orElse(null);
            actorEmail[i] = e.actor().email();
            actorName[i] = e.actor().name();
            actorSession[i] = e.actor().session().map(SessionId::value).orElse(null);
            subject[i] = e.subject().map(AccountId::value).orElse(null);
            session[i] = e.session().map(SessionId::value).orElse(null);
            action[i] = e.action();
            detail[i] = e.detail();
            ip[i] = e.ip().orElse(null);
            prevHash[i] = e.prevHash();
            hash[i] = e.hash();
            version[i] = e.version();
            ipCommit[i] = e.seal().map(AuditEntry.Seal::commit).orElse(null);
            ipSalt[i] = e.seal().flatMap(AuditEntry.Seal::salt).orElse(null);
        }
        jdbc.sql(INSERT_ARRAYS)
                .param("team", texts(team)).param("seq", numbers(seq)).param("at", numbers(at)).param("actor", texts(actor))
                .param("actorEmail", texts(actorEmail)).param("actorName", texts(actorName)).param("actorSession", texts(actorSession))
                .param("subject", texts(subject)).param("session", texts(session)).param("action", texts(action))
                .param("detail", texts(detail)).param("ip", texts(ip)).param("prevHash", texts(prevHash)).param("hash", texts(hash))
                .param("version", new org.springframework.jdbc.support.SqlArrayValue("int4", version))
                .param("ipCommit", texts(ipCommit)).param("ipSalt", texts(ipSalt))
                .update();
    }

    private static org.springframework.jdbc.support.SqlArrayValue texts(Object[] values) {
        return new org.springframework.jdbc.support.SqlArrayValue("text", values);
    }

    private static org.springframework.jdbc.support.SqlArrayValue numbers(Object[] values) {
        return new org.springframework.jdbc.support.SqlArrayValue("int8", values);
    }

    /** Entries per statement of {@link #insert} on SQLite. */
    static final int INSERT_CHUNK = 100;

    private static MapSqlParameterSource params(AuditEntry e) {
        return new MapSqlParameterSource()
                .addValue("team", e.team().value())
                .addValue("seq", e.seq())
                .addValue("at", e.at().toEpochMilli())
                .addValue("actor", e.actor().id().map(AccountId::value).orElse(null), java.sql.Types.VARCHAR)
                .addValue("actorEmail", e.actor().email())
                .addValue("actorName", e.actor().name())
                .addValue("actorSession", e.actor().session().map(SessionId::value).orElse(null), java.sql.Types.VARCHAR)
                .addValue("subject", e.subject().map(AccountId::value).orElse(null), java.sql.Types.VARCHAR)
                .addValue("session", e.session().map(SessionId::value).orElse(null), java.sql.Types.VARCHAR)
                .addValue("action", e.action())
                .addValue("detail", e.detail())
                .addValue("ip", e.ip().orElse(null), java.sql.Types.VARCHAR)
                .addValue("prevHash", e.prevHash())
                .addValue("hash", e.hash())
                .addValue("version", e.version())
                .addValue("ipCommit", e.seal().map(AuditEntry.Seal::commit).orElse(null), java.sql.Types.VARCHAR)
                .addValue("ipSalt", e.seal().flatMap(AuditEntry.Seal::salt).orElse(null), java.sql.Types.VARCHAR);
    }
}
