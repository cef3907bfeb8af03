package dev.lanyard.session;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.geo.GeoLocation;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What use writes to sessions in SQL, for {@link JdbcSessionStore}: recorded activity and hourly request counts, in
 * batches, and the address a session is now used from (and, once it moved, the one it signed in from).
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

    /**
     * The new address and place; at the first move also the sign-in's network and place, from {@code from}. Each
     * right-hand side reads the row as it was before this statement (SQLite and PostgreSQL alike), so the sign-in's
     * columns are written only while {@code sign_in_network} is still NULL.
     */
    int updateAddress(SessionId id, AddressChanges.Address from, AddressChanges.Address to) {
        GeoLocation l = to.location();
        GeoLocation was = from.location();
        return jdbc.sql("""
                UPDATE sessions SET ip = :ip, city = :city, region = :region, country = :country, country_code = :cc,
                    isp = :isp, latitude = :lat, longitude = :lon, local_network = :local,
                    sign_in_network = COALESCE(sign_in_network, :fromNetwork),
                    sign_in_city = CASE WHEN sign_in_network IS NULL THEN :fromCity ELSE sign_in_city END,
                    sign_in_region = CASE WHEN sign_in_network IS NULL THEN :fromRegion ELSE sign_in_region END,
                    sign_in_country = CASE WHEN sign_in_network IS NULL THEN :fromCountry ELSE sign_in_country END,
                    sign_in_country_code = CASE WHEN sign_in_network IS NULL THEN :fromCc ELSE sign_in_country_code END,
                    sign_in_local_network = CASE WHEN sign_in_network IS NULL THEN :fromLocal ELSE sign_in_local_network END
                WHERE id = :id
                """)
                .param("ip", to.ip())
                .param("city", l.city())
                .param("region", l.region())
                .param("country", l.country())
                .param("cc", l.countryCode())
                .param("isp", l.isp())
                .param("lat", l.latitude().orElse(null), java.sql.Types.DOUBLE)
                .param("lon", l.longitude().orElse(null), java.sql.Types.DOUBLE)
                .param("local", l.localNetwork())
                .param("fromNetwork", ClientAddresses.network(from.ip()))
                .param("fromCity", was.city())
                .param("fromRegion", was.region())
                .param("fromCountry", was.country())
                .param("fromCc", was.countryCode())
                .param("fromLocal", was.localNetwork())
                .param("id", id.value())
                .update();
    }

    java.util.Map<SessionId, AddressChanges.Address> signedInFrom(AccountId owner, Collection<SessionId> ids) {
        if (ids.isEmpty()) return java.util.Map.of();
        return jdbc.sql("""
                        SELECT id, sign_in_network, sign_in_city, sign_in_region, sign_in_country, sign_in_country_code,
                            sign_in_local_network
                        FROM sessions WHERE id IN (:ids) AND account_id = :owner AND sign_in_network IS NOT NULL""")
                .param("ids", ids.stream().map(SessionId::value).distinct().toList())
                .param("owner", owner.value())
                .query((rs, n) -> java.util.Map.entry(new SessionId(rs.getString("id")), new AddressChanges.Address(
                        rs.getString("sign_in_network"), new GeoLocation(rs.getString("sign_in_city"), rs.getString("sign_in_region"),
                        rs.getString("sign_in_country"), rs.getString("sign_in_country_code"), "", Optional.empty(), Optional.empty(),
                        rs.getBoolean("sign_in_local_network")))))
                .list().stream().collect(java.util.stream.Collectors.toMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue));
    }

    java.util.Map<SessionId, SignInPlace> signInPlaces(AccountId owner, Collection<SessionId> ids) {
        if (ids.isEmpty()) return java.util.Map.of();
        // A move writes the sign-in's columns (from V39 on) and its timeline line (Timeline, "address-changed"): a session
        // with the line and without the columns moved before V39, and where it signed in is not known.
        return jdbc.sql("""
                        SELECT s.id, s.ip, s.city, s.region, s.country, s.country_code, s.isp, s.local_network,
                            s.sign_in_network, s.sign_in_city, s.sign_in_region, s.sign_in_country, s.sign_in_country_code,
                            s.sign_in_local_network,
                            EXISTS (SELECT 1 FROM session_events e WHERE e.session_id = s.id AND e.kind = 'address-changed') AS moved
                        FROM sessions s WHERE s.id IN (:ids) AND s.account_id = :owner AND s.api_key = :no""")
                .param("ids", ids.stream().map(SessionId::value).distinct().toList())
                .param("owner", owner.value())
                // An API key signs in nowhere: it was made, and its address is where it was last used.
                .param("no", false)
                .query((rs, n) -> {
                    SessionId id = new SessionId(rs.getString("id"));
                    if (rs.getString("sign_in_network") != null) return java.util.Map.entry(id, new SignInPlace(rs.getString("sign_in_network"),
                            new GeoLocation(rs.getString("sign_in_city"), rs.getString("sign_in_region"), rs.getString("sign_in_country"),
                                    rs.getString("sign_in_country_code"), "", Optional.empty(), Optional.empty(),
                                    rs.getBoolean("sign_in_local_network"))));
                    if (rs.getBoolean("moved")) return null;
                    return java.util.Map.entry(id, new SignInPlace(java.util.Objects.requireNonNullElse(rs.getString("ip"), ""),
                            new GeoLocation(rs.getString("city"), rs.getString("region"), rs.getString("country"),
                                    rs.getString("country_code"), rs.getString("isp"), Optional.empty(), Optional.empty(),
                                    rs.getBoolean("local_network"))));
                })
                .list().stream().filter(java.util.Objects::nonNull)
                .collect(java.util.stream.Collectors.toMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue));
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
