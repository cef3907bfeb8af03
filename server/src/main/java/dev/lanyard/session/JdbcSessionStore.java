package dev.lanyard.session;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.device.Device;
import dev.lanyard.device.DeviceType;
import dev.lanyard.geo.GeoLocation;
import dev.lanyard.ops.DatabaseKind;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Sessions in SQL that reads the same on SQLite and PostgreSQL: a session's row and how it maps to a {@link Session},
 * starting and finding sessions; the rest of the store, a class per concern beside it ({@link JdbcSessionLists},
 * {@link JdbcSessionEndings}, {@link JdbcSessionChanges}, {@link JdbcSessionActivity}, {@link JdbcSessionExpiry},
 * {@link JdbcSessionRetention}), on the same connection.
 */
@Repository
class JdbcSessionStore implements SessionStore {
    static final String COLUMNS = """
            id, account_id, name, app_type, remember_me, verified, alerts, user_agent, browser, browser_version,
            os, os_version, device_type, device_model, ip, city, region, country, country_code, isp, latitude,
            longitude, local_network, created_at, last_active_at, idle_timeout_ms, expires_at, sign_ins, requests,
            pages, last_page, ended_at, end_reason, ended_by, ended_by_session, end_note, api_key, flags, token_expires_at""";

    static final String END = """
            ended_at = :at, end_reason = :reason, ended_by = :by, ended_by_session = :from, end_note = :note""";

    /** An open session that has not expired at {@code :now} (the sweep's two conditions, negated). */
    static final String NOT_EXPIRED = "expires_at > :now AND (idle_timeout_ms <= 0 OR last_active_at + idle_timeout_ms > :now)";

    private final JdbcClient jdbc;
    /** PostgreSQL takes row locks ({@code FOR UPDATE SKIP LOCKED}). */
    private final DatabaseKind database;
    private final JdbcSessionLists lists;
    private final JdbcSessionActivity activity;
    private final JdbcSessionEndings endings;
    private final JdbcSessionChanges changes;
    private final JdbcSessionExpiry expiry;
    private final JdbcSessionRetention retention;

    JdbcSessionStore(JdbcClient jdbc, NamedParameterJdbcTemplate batch, DatabaseKind database) {
        this.jdbc = jdbc;
        this.database = database;
        this.lists = new JdbcSessionLists(jdbc);
        this.activity = new JdbcSessionActivity(jdbc, batch);
        this.endings = new JdbcSessionEndings(jdbc);
        this.changes = new JdbcSessionChanges(jdbc);
        this.expiry = new JdbcSessionExpiry(jdbc, database);
        this.retention = new JdbcSessionRetention(jdbc, batch);
    }

    @Override
    public Optional<Session> findLocked(SessionId id, AccountId owner) {
        if (database.postgres()) jdbc.sql("SELECT id FROM sessions WHERE id = :id FOR UPDATE").param("id", id.value()).query(String.class).list();
        return find(id, owner);
    }

    @Override
    public void holdTeam(String teamId) {
        if (database.postgres()) jdbc.sql("SELECT id FROM teams WHERE id = :id FOR SHARE").param("id", teamId).query(String.class).list();
    }

    @Override
    public void insert(Session s, String tokenHash, boolean bearer) {
        write(s, tokenHash, false, bearer);
    }

    @Override
    public void insertKey(Session s, String tokenHash) {
        write(s, tokenHash, true, false);
    }

    @Override
    public boolean issuedForBearer(SessionId id) {
        return jdbc.sql("SELECT bearer FROM sessions WHERE id = :id").param("id", id.value())
                .query(Boolean.class).optional().orElse(false);
    }

    private void write(Session s, String tokenHash, boolean apiKey, boolean bearer) {
        jdbc.sql("""
                INSERT INTO sessions (id, token_hash, account_id, name, app_type, remember_me, verified, alerts,
                    user_agent, browser, browser_version, os, os_version, device_type, device_model, ip, city, region,
                    country, country_code, isp, latitude, longitude, local_network, created_at, last_active_at,
                    idle_timeout_ms, expires_at, sign_ins, requests, pages, last_page, api_key, bearer)
                VALUES (:id, :hash, :account, :name, :app, :remember, :verified, :alerts, :ua, :browser, :browserVersion,
                    :os, :osVersion, :type, :model, :ip, :city, :region, :country, :cc, :isp, :lat, :lon, :local,
                    :created, :lastActive, :idle, :expires, :signIns, :requests, :pages, :lastPage, :apiKey, :bearer)
                """)
                .param("apiKey", apiKey)
                .param("bearer", bearer)
                .param("id", s.id().value())
                .param("hash", tokenHash)
                .param("account", s.account().value())
                .param("name", s.name())
                .param("app", s.appType().name())
                .param("remember", s.rememberMe())
                .param("verified", s.verified())
                .param("alerts", s.alerts())
                .param("ua", s.userAgent())
                .param("browser", s.device().browser())
                .param("browserVersion", s.device().browserVersion())
                .param("os", s.device().os())
                .param("osVersion", s.device().osVersion())
                .param("type", s.device().type().name())
                .param("model", s.device().model())
                .param("ip", s.ip())
                .param("city", s.location().city())
                .param("region", s.location().region())
                .param("country", s.location().country())
                .param("cc", s.location().countryCode())
                .param("isp", s.location().isp())
                .param("lat", s.location().latitude().orElse(null), java.sql.Types.DOUBLE)
                .param("lon", s.location().longitude().orElse(null), java.sql.Types.DOUBLE)
                .param("local", s.location().localNetwork())
                .param("created", s.createdAt().toEpochMilli())
                .param("lastActive", s.lastActiveAt().toEpochMilli())
                .param("idle", s.idleTimeout().toMillis())
                .param("expires", s.expiresAt().toEpochMilli())
                .param("signIns", s.activity().signIns())
                .param("requests", s.activity().requests())
                .param("pages", s.activity().pages())
                .param("lastPage", s.activity().lastPage())
                .update();
    }

    @Override
    public Optional<Session> findByTokenHash(String tokenHash) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM sessions WHERE token_hash = :hash")
                .param("hash", tokenHash)
                .query((rs, n) -> session(rs))
                .optional();
    }

    @Override
    public Optional<Session> find(SessionId id, AccountId owner) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM sessions WHERE id = :id AND account_id = :owner")
                .param("id", id.value())
                .param("owner", owner.value())
                .query((rs, n) -> session(rs))
                .optional();
    }

    @Override
    public List<Session> active(AccountId owner, ListFilter filter, Instant inactiveBefore, int limit,
                                Optional<PageCursor> after) {
        return lists.active(owner, filter, inactiveBefore, limit, after);
    }

    @Override
    public List<Session> activeById(AccountId owner, int limit, Optional<String> afterId) {
        return lists.activeById(owner, limit, afterId);
    }

    @Override
    public List<Place> places(AccountId owner, Instant now) {
        return lists.places(owner, now);
    }

    @Override
    public ListFilter.Counts count(AccountId owner, Instant now, Instant inactiveBefore, Optional<SessionId> besides) {
        return lists.count(owner, now, inactiveBefore, besides);
    }

    @Override
    public List<Session> ended(AccountId owner, int limit, Optional<PageCursor> after) {
        return lists.ended(owner, limit, after);
    }

    @Override
    public int end(SessionId id, AccountId owner, Session.Ending ending) {
        return endings.end(id, owner, ending);
    }

    @Override
    public List<SessionId> end(Collection<SessionId> ids, AccountId owner, Session.Ending ending) {
        return endings.end(ids, owner, ending);
    }

    @Override
    public List<SessionId> endAll(AccountId owner, Optional<SessionId> keep, Session.Ending ending) {
        return endings.endAll(owner, keep, ending);
    }

    @Override
    public List<SessionId> signInsOldestFirst(AccountId owner, Instant now) {
        return jdbc.sql("""
                        SELECT id FROM sessions
                        WHERE account_id = :owner AND ended_at IS NULL AND api_key = :no AND app_type <> 'OAUTH' AND\s"""
                        + NOT_EXPIRED + " ORDER BY created_at, id")
                .param("owner", owner.value()).param("no", false).param("now", now.toEpochMilli())
                .query((rs, n) -> new SessionId(rs.getString(1)))
                .list();
    }

    @Override
    public List<SessionId> endSignIns(AccountId owner, Optional<SessionId> keep, Session.Ending ending) {
        return endings.endSignIns(owner, keep, ending);
    }

    @Override
    public List<Session> find(Collection<SessionId> ids, AccountId owner) {
        if (ids.isEmpty()) return List.of();
        return jdbc.sql("SELECT " + COLUMNS + " FROM sessions WHERE id IN (:ids) AND account_id = :owner")
                .param("ids", ids.stream().map(SessionId::value).toList())
                .param("owner", owner.value())
                .query((rs, n) -> session(rs))
                .list();
    }

    @Override
    public int recordHourly(Collection<ActivityRecorder.Hourly> counts) {
        return activity.recordHourly(counts);
    }

    @Override
    public List<ActivityRecorder.Hourly> hourly(Collection<SessionId> ids, Instant from) {
        return activity.hourly(ids, from);
    }

    @Override
    public int updateAddress(SessionId id, String ip, GeoLocation l) {
        return activity.updateAddress(id, ip, l);
    }

    @Override
    public Optional<Session> findAnyOwner(SessionId id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM sessions WHERE id = :id")
                .param("id", id.value())
                .query((rs, n) -> session(rs))
                .optional();
    }

    @Override
    public List<Session> findAnyOwner(Collection<SessionId> ids) {
        List<String> all = ids.stream().map(SessionId::value).distinct().toList();
        java.util.Map<String, Session> found = new java.util.HashMap<>();
        for (int from = 0; from < all.size(); from += FIND_CHUNK) {
            jdbc.sql("SELECT " + COLUMNS + " FROM sessions WHERE id IN (:ids)")
                    .param("ids", all.subList(from, Math.min(all.size(), from + FIND_CHUNK)))
                    .query((rs, n) -> session(rs))
                    .list().forEach(s -> found.put(s.id().value(), s));
        }
        return all.stream().map(found::get).filter(java.util.Objects::nonNull).toList();
    }

    @Override
    public List<Expired> expired(Instant now, int limit) {
        return expiry.expired(now, limit);
    }

    @Override
    public List<SessionId> endAny(Collection<SessionId> ids, Session.Ending ending) {
        return endings.endAny(ids, ending);
    }

    @Override
    public int applyPolicy(dev.lanyard.account.TeamId team, Duration idleTimeout, Duration rememberedLifetime, Duration lifetime,
                           Instant now) {
        return expiry.applyPolicy(team, idleTimeout, rememberedLifetime, lifetime, now);
    }

    @Override
    public int applyPolicy(AccountId member, Duration idleTimeout, Duration rememberedLifetime, Duration lifetime, Instant now) {
        return expiry.applyPolicy(member, idleTimeout, rememberedLifetime, lifetime, now);
    }

    @Override
    public int purgeEnded(Instant cutoff, int limit) {
        return retention.purgeEnded(cutoff, limit);
    }

    @Override
    public int reduceAddresses(Instant before, int limit) {
        return retention.reduceAddresses(before, limit);
    }

    @Override
    public int rename(SessionId id, AccountId owner, String name) {
        return changes.rename(id, owner, name);
    }

    @Override
    public int approve(SessionId id, AccountId owner) {
        return changes.approve(id, owner);
    }

    @Override
    public int setFlags(SessionId id, AccountId owner, List<SessionFlag> flags) {
        return changes.setFlags(id, owner, flags);
    }

    @Override
    public int setAlerts(SessionId id, AccountId owner, boolean alerts) {
        return changes.setAlerts(id, owner, alerts);
    }

    @Override
    public int recordActivity(Collection<ActivityRecorder.Flush> flushes) {
        return activity.recordActivity(flushes);
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
                Instant.ofEpochMilli(endedAt), EndReason.valueOf(rs.getString("end_reason")),
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
