package dev.lanyard.session;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.device.Device;
import dev.lanyard.device.DeviceType;
import dev.lanyard.geo.GeoLocation;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;

/**
 * A session's row in SQL, for every {@code Jdbc*} class of sessions: the columns a {@link Session} is read from, how
 * an ending is written and which rows have not expired, and how a row maps to a {@link Session}.
 */
final class JdbcSessionRows {
    static final String COLUMNS = """
            id, account_id, name, app_type, remember_me, verified, alerts, user_agent, browser, browser_version,
            os, os_version, device_type, device_model, ip, city, region, country, country_code, isp, latitude,
            longitude, local_network, created_at, last_active_at, idle_timeout_ms, expires_at, sign_ins, requests,
            pages, last_page, ended_at, end_reason, ended_by, ended_by_session, end_note, api_key, flags, token_expires_at""";

    static final String END = """
            ended_at = :at, end_reason = :reason, ended_by = :by, ended_by_session = :from, end_note = :note""";

    /** An open session that has not expired at {@code :now} (the sweep's two conditions, negated). */
    static final String NOT_EXPIRED = "expires_at > :now AND (idle_timeout_ms <= 0 OR last_active_at + idle_timeout_ms > :now)";

    /** An open session past its lifetime or idle timeout at {@code :now}, as the row tells it (the sweep's two conditions). */
    static final String EXPIRED = "(expires_at <= :now OR (idle_timeout_ms > 0 AND last_active_at + idle_timeout_ms <= :now))";

    private JdbcSessionRows() {
    }

    static MapSqlParameterSource ending(Session.Ending e) {
        return new MapSqlParameterSource()
                .addValue("at", e.at().toEpochMilli())
                .addValue("reason", e.reason().name())
                .addValue("by", e.by().map(AccountId::value).orElse(null), java.sql.Types.VARCHAR)
                .addValue("from", e.fromSession().map(SessionId::value).orElse(null), java.sql.Types.VARCHAR)
                .addValue("note", e.note().orElse(null), java.sql.Types.VARCHAR);
    }

    static Optional<Double> coordinate(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }

    static Session session(ResultSet rs) throws SQLException {
        Device device = new Device(rs.getString("browser"), rs.getString("browser_version"), rs.getString("os"),
                rs.getString("os_version"), DeviceType.valueOf(rs.getString("device_type")), rs.getString("device_model"));
        GeoLocation location = new GeoLocation(rs.getString("city"), rs.getString("region"), rs.getString("country"),
                rs.getString("country_code"), rs.getString("isp"), coordinate(rs, "latitude"), coordinate(rs, "longitude"),
                rs.getBoolean("local_network"));
        long endedAt = rs.getLong("ended_at");
        Optional<Session.Ending> ending = rs.wasNull() ? Optional.empty() : Optional.of(new Session.Ending(
                Instant.ofEpochMilli(endedAt), EndReason.stored(rs.getString("end_reason")),
                Optional.ofNullable(rs.getString("ended_by")).map(AccountId::new),
                Optional.ofNullable(rs.getString("ended_by_session")).map(SessionId::new),
                Optional.ofNullable(rs.getString("end_note"))));
        return new Session(new SessionId(rs.getString("id")), new AccountId(rs.getString("account_id")),
                rs.getString("name"), AppType.valueOf(rs.getString("app_type")), rs.getBoolean("remember_me"),
                rs.getBoolean("verified"), rs.getBoolean("alerts"), device, rs.getString("user_agent"),
                rs.getString("ip"), location, Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("last_active_at")), Duration.ofMillis(rs.getLong("idle_timeout_ms")),
                Instant.ofEpochMilli(rs.getLong("expires_at")),
                new Session.Activity(rs.getInt("sign_ins"), rs.getLong("requests"), rs.getLong("pages"),
                        rs.getString("last_page")),
                ending, rs.getBoolean("api_key"), SessionFlag.decode(rs.getString("flags")), boundUntil(rs));
    }

    private static Optional<Instant> boundUntil(ResultSet rs) throws SQLException {
        long at = rs.getLong("token_expires_at");
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(at));
    }
}
