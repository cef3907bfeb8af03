package dev.lanyard.session;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

import dev.lanyard.geo.GeoLocation;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What use writes to sessions in SQL, for {@link JdbcSessionStore}: recorded activity and hourly request counts, in
 * batches, and the address a session is now used from.
 */
class JdbcSessionActivity {
    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate batch;

    JdbcSessionActivity(JdbcClient jdbc, NamedParameterJdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
    }

    int recordHourly(Collection<ActivityRecorder.Hourly> counts) {
        if (counts.isEmpty()) return 0;
        MapSqlParameterSource[] params = counts.stream().map(c -> new MapSqlParameterSource()
                        .addValue("id", c.id().value())
                        .addValue("hour", c.hour().toEpochMilli())
                        .addValue("requests", c.requests()))
                .toArray(MapSqlParameterSource[]::new);
        int[] changed = batch.batchUpdate("""
                INSERT INTO session_hourly_requests (session_id, hour, requests) VALUES (:id, :hour, :requests)
                ON CONFLICT (session_id, hour) DO UPDATE SET requests = session_hourly_requests.requests + excluded.requests
                """, params);
        int total = 0;
        for (int c : changed) total += Math.max(c, 0);
        return total;
    }

    List<ActivityRecorder.Hourly> hourly(Collection<SessionId> ids, Instant from) {
        if (ids.isEmpty()) return List.of();
        return jdbc.sql("SELECT session_id, hour, requests FROM session_hourly_requests WHERE session_id IN (:ids) AND hour >= :from")
                .param("ids", ids.stream().map(SessionId::value).toList())
                .param("from", from.toEpochMilli())
                .query((rs, n) -> new ActivityRecorder.Hourly(new SessionId(rs.getString(1)), Instant.ofEpochMilli(rs.getLong(2)),
                        rs.getLong(3)))
                .list();
    }

    int updateAddress(SessionId id, String ip, GeoLocation l) {
        return jdbc.sql("""
                UPDATE sessions SET ip = :ip, city = :city, region = :region, country = :country, country_code = :cc,
                    isp = :isp, latitude = :lat, longitude = :lon, local_network = :local
                WHERE id = :id
                """)
                .param("ip", ip)
                .param("city", l.city())
                .param("region", l.region())
                .param("country", l.country())
                .param("cc", l.countryCode())
                .param("isp", l.isp())
                .param("lat", l.latitude().orElse(null), java.sql.Types.DOUBLE)
                .param("lon", l.longitude().orElse(null), java.sql.Types.DOUBLE)
                .param("local", l.localNetwork())
                .param("id", id.value())
                .update();
    }

    int recordActivity(Collection<ActivityRecorder.Flush> flushes) {
        if (flushes.isEmpty()) return 0;
        MapSqlParameterSource[] params = flushes.stream().map(f -> new MapSqlParameterSource()
                .addValue("id", f.id().value())
                .addValue("at", f.lastActiveAt().toEpochMilli())
                .addValue("requests", f.requests())
                .addValue("pages", f.pages())
                .addValue("page", f.lastPage()))
                .toArray(MapSqlParameterSource[]::new);
        int[] counts = batch.batchUpdate("""
                UPDATE sessions SET
                    last_active_at = CASE WHEN last_active_at < :at THEN :at ELSE last_active_at END,
                    requests = requests + :requests,
                    pages = pages + :pages,
                    last_page = CASE WHEN :page = '' THEN last_page ELSE :page END
                WHERE id = :id
                """, params);
        int total = 0;
        for (int c : counts) total += Math.max(c, 0);
        return total;
    }
}
