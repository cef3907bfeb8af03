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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The audit chains in SQL that reads the same on SQLite and PostgreSQL: heads, anchors and finding entries; writing
 * entries is {@link JdbcAuditInserts}', removing old ones and reducing their addresses {@link JdbcAuditRetention}'s,
 * on the same connection.
 */
@Repository
class JdbcAuditStore implements AuditStore {
    private static final String COLUMNS = """
            team_id, seq, at, actor_id, actor_email, actor_name, actor_session_id, subject_id, session_id, action,
            detail, ip, prev_hash, hash, hash_version, ip_commit, ip_salt""";

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate named;
    private final JdbcAuditInserts inserts;
    private final JdbcAuditRetention retention;

    JdbcAuditStore(JdbcClient jdbc, NamedParameterJdbcTemplate named, DatabaseKind database) {
        this.jdbc = jdbc;
        this.named = named;
        this.inserts = new JdbcAuditInserts(jdbc, named, database);
        this.retention = new JdbcAuditRetention(jdbc, named);
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

    @Override
    public void insert(List<AuditEntry> entries) {
        inserts.insert(entries);
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
        return retention.removeUpTo(team, to);
    }

    @Override
    public int reduceAddresses(Instant before, int limit) {
        return retention.reduceAddresses(before, limit);
    }
}
