package dev.lanyard.audit;

import java.time.Instant;
import java.util.List;

import dev.lanyard.account.TeamId;
import dev.lanyard.audit.AuditStore.Anchor;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What is kept of the audit chains over time, in SQL, for {@link JdbcAuditStore}: a team's oldest entries removed up
 * to a new anchor, and full addresses reduced to their network (docs/decisions/0049).
 */
class JdbcAuditRetention {
    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate named;

    JdbcAuditRetention(JdbcClient jdbc, NamedParameterJdbcTemplate named) {
        this.jdbc = jdbc;
        this.named = named;
    }

    int removeUpTo(TeamId team, Anchor to) {
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

    int reduceAddresses(Instant before, int limit) {
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
