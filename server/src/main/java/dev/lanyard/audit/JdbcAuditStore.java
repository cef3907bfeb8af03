package dev.lanyard.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.TeamId;
import dev.lanyard.ops.DatabaseKind;
import dev.lanyard.session.SessionId;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The audit chains in SQL that reads the same on SQLite and PostgreSQL. */
@Repository
class JdbcAuditStore implements AuditStore {
    private static final String COLUMNS = """
            team_id, seq, at, actor_id, actor_email, actor_name, actor_session_id, subject_id, session_id, action,
            detail, ip, prev_hash, hash, hash_version, ip_commit, ip_salt""";

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

    JdbcAuditStore(JdbcClient jdbc, NamedParameterJdbcTemplate named, DatabaseKind database) {
        this.jdbc = jdbc;
        this.database = database;
        this.named = named;
    }

    @Override
    public Optional<Head> head(TeamId team) {
        return jdbc.sql("SELECT seq, hash, at FROM audit_heads WHERE team_id = :team")
                .param("team", team.value())
                .query((rs, n) -> new Head(rs.getLong("seq"), rs.getString("hash"), Instant.ofEpochMilli(rs.getLong("at"))))
                .optional();
    }

    @Override
    public int createHead(TeamId team, Head head) {
        // ON CONFLICT DO NOTHING, not a caught duplicate key: on PostgreSQL a failed statement would
        // abort the whole transaction, the change being audited with it.
        return jdbc.sql("""
                        INSERT INTO audit_heads (team_id, seq, hash, at) VALUES (:team, :seq, :hash, :at)
                        ON CONFLICT (team_id) DO NOTHING""")
                .param("team", team.value())
                .param("seq", head.seq())
                .param("hash", head.hash())
                .param("at", head.at().toEpochMilli())
                .update();
    }

    @Override
    public int moveHead(TeamId team, long fromSeq, Head to) {
        return jdbc.sql("UPDATE audit_heads SET seq = :seq, hash = :hash, at = :at WHERE team_id = :team AND seq = :from")
                .param("seq", to.seq())
                .param("hash", to.hash())
                .param("at", to.at().toEpochMilli())
                .param("team", team.value())
                .param("from", fromSeq)
                .update();
    }

    /**
     * Inserts many entries (a team sign-out writes thousands at once) in one statement of arrays on
     * PostgreSQL, and on SQLite in one multi-row statement per {@link #INSERT_CHUNK} entries, 17
     * parameters a row: well under its limit.
     */
    @Override
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

    @Override
    public List<AuditEntry> find(AuditQuery q, SeqRange range, boolean newestFirst, int limit) {
        if (range.isEmpty() || limit < 1) return List.of();
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("team", q.team().value())
                .addValue("low", range.low())
                .addValue("high", range.high())
                .addValue("limit", limit);
        StringBuilder filters = new StringBuilder(" AND seq >= :low AND seq <= :high");
        q.actorId().ifPresent(id -> {
            filters.append(" AND actor_id = :actorId");
            params.addValue("actorId", id.value());
        });
        q.actorEmail().ifPresent(email -> {
            filters.append(" AND actor_email = :actorEmail");
            params.addValue("actorEmail", email);
        });
        q.action().ifPresent(action -> {
            filters.append(" AND action = :action");
            params.addValue("action", action);
        });
        q.from().ifPresent(from -> {
            filters.append(" AND at >= :from");
            params.addValue("from", from.toEpochMilli());
        });
        q.to().ifPresent(to -> {
            filters.append(" AND at < :to");
            params.addValue("to", to.toEpochMilli());
        });
        String order = " ORDER BY seq " + (newestFirst ? "DESC" : "ASC") + " LIMIT :limit";
        String sql;
        if (q.own().isEmpty()) {
            sql = "SELECT " + COLUMNS + " FROM audit_entries WHERE team_id = :team" + filters + order;
        } else {
            // "Did it or concerns it" as two index range scans, each bounded by the page size, merged:
            // an OR would leave the database a choice between a full scan and a sort.
            params.addValue("own", q.own().get().value());
            sql = "SELECT * FROM (SELECT " + COLUMNS + " FROM audit_entries WHERE team_id = :team AND subject_id = :own"
                    + filters + order + ") by_subject UNION SELECT * FROM (SELECT " + COLUMNS
                    + " FROM audit_entries WHERE team_id = :team AND actor_id = :own" + filters + order + ") by_actor"
                    + order;
        }
        return named.query(sql, params, (rs, n) -> entry(rs));
    }

    @Override
    public OptionalLong firstSeqFrom(TeamId team, Instant at) {
        return seq("SELECT seq FROM audit_entries WHERE team_id = :team AND at >= :at ORDER BY at, seq LIMIT 1", team, at);
    }

    @Override
    public OptionalLong lastSeqBefore(TeamId team, Instant at) {
        return seq("SELECT seq FROM audit_entries WHERE team_id = :team AND at < :at ORDER BY at DESC, seq DESC LIMIT 1", team, at);
    }

    private OptionalLong seq(String sql, TeamId team, Instant at) {
        return jdbc.sql(sql).param("team", team.value()).param("at", at.toEpochMilli())
                .query(Long.class).optional().map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    private static AuditEntry entry(ResultSet rs) throws SQLException {
        Optional<String> salt = optional(rs, "ip_salt");
        return new AuditEntry(new TeamId(rs.getString("team_id")), rs.getLong("seq"), Instant.ofEpochMilli(rs.getLong("at")),
                new AuditEntry.Actor(optional(rs, "actor_id").map(AccountId::new), rs.getString("actor_email"),
                        rs.getString("actor_name"), optional(rs, "actor_session_id").map(SessionId::new)),
                optional(rs, "subject_id").map(AccountId::new), optional(rs, "session_id").map(SessionId::new),
                rs.getString("action"), rs.getString("detail"), optional(rs, "ip"), rs.getString("prev_hash"),
                rs.getString("hash"), rs.getInt("hash_version"),
                optional(rs, "ip_commit").map(commit -> new AuditEntry.Seal(commit, salt)));
    }

    private static Optional<String> optional(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getString(column));
    }

    @Override
    public Optional<Anchor> anchor(TeamId team) {
        return jdbc.sql("SELECT seq, hash, at FROM audit_anchors WHERE team_id = :team")
                .param("team", team.value())
                .query((rs, n) -> new Anchor(rs.getLong("seq"), rs.getString("hash"), Instant.ofEpochMilli(rs.getLong("at"))))
                .optional();
    }

    @Override
    public List<TeamId> teams() {
        return jdbc.sql("SELECT team_id FROM audit_heads ORDER BY team_id").query((rs, n) -> new TeamId(rs.getString(1))).list();
    }

    @Override
    public int removeUpTo(TeamId team, Anchor to) {
        int moved = jdbc.sql("""
                        INSERT INTO audit_anchors (team_id, seq, hash, at) VALUES (:team, :seq, :hash, :at)
                        ON CONFLICT (team_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, at = excluded.at
                        WHERE audit_anchors.seq < excluded.seq""")
                .param("team", team.value())
                .param("seq", to.seq())
                .param("hash", to.hash())
                .param("at", to.at().toEpochMilli())
                .update();
        if (moved == 0) return 0;
        return jdbc.sql("DELETE FROM audit_entries WHERE team_id = :team AND seq <= :seq")
                .param("team", team.value())
                .param("seq", to.seq())
                .update();
    }

    @Override
    public int reduceAddresses(Instant before, int limit) {
        record Kept(String team, long seq, String ip, int version) {
        }
        List<Kept> kept = jdbc.sql("""
                        SELECT team_id, seq, ip, hash_version FROM audit_entries
                        WHERE ip_salt IS NOT NULL AND at < :before LIMIT :limit""")
                .param("before", before.toEpochMilli())
                .param("limit", limit)
                .query((rs, n) -> new Kept(rs.getString("team_id"), rs.getLong("seq"), rs.getString("ip"), rs.getInt("hash_version")))
                .list();
        if (kept.isEmpty()) return 0;
        SqlParameterSource[] rows = kept.stream()
                .map(k -> new MapSqlParameterSource()
                        .addValue("team", k.team())
                        .addValue("seq", k.seq())
                        .addValue("network", ChainHash.network(k.version(), k.ip())))
                .toArray(SqlParameterSource[]::new);
        // An address that is no address (never written by Lanyard) keeps its salt: its entry then still
        // verifies as it is, rather than failing as though it had been edited.
        int[] changed = named.batchUpdate("""
                UPDATE audit_entries SET ip = :network, ip_salt = NULL
                WHERE team_id = :team AND seq = :seq AND ip_salt IS NOT NULL AND :network <> ''""", rows);
        return java.util.Arrays.stream(changed).map(c -> c == java.sql.Statement.SUCCESS_NO_INFO ? 1 : c).sum();
    }
}
