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
import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.geo.GeoLocation;
import dev.lanyard.ops.DatabaseKind;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Sessions in SQL that reads the same on SQLite and PostgreSQL. */
@Repository
class JdbcSessionStore implements SessionStore {
    static final String COLUMNS = """
            id, account_id, name, app_type, remember_me, verified, alerts, user_agent, browser, browser_version,
            os, os_version, device_type, device_model, ip, city, region, country, country_code, isp, latitude,
            longitude, local_network, created_at, last_active_at, idle_timeout_ms, expires_at, sign_ins, requests,
            pages, last_page, ended_at, end_reason, ended_by, ended_by_session, end_note, api_key, flags, token_expires_at""";

    static final String END = """
            ended_at = :at, end_reason = :reason, ended_by = :by, ended_by_session = :from, end_note = :note""";

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate batch;
    /** PostgreSQL takes row locks ({@code FOR UPDATE SKIP LOCKED}). */
    private final DatabaseKind database;

    JdbcSessionStore(JdbcClient jdbc, NamedParameterJdbcTemplate batch, DatabaseKind database) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.database = database;
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
        // An API key never used comes after every session with activity (its last_active_at is only when it was made),
        // newest first among them; the cursor says which of the two runs its row was in.
        String keyset = after.isEmpty() ? ""
                : after.get().neverUsed() ? " AND " + NEVER_USED + " AND (last_active_at < :at OR (last_active_at = :at AND id < :afterId))"
                : " AND (" + NEVER_USED + " OR last_active_at < :at OR (last_active_at = :at AND id < :afterId))";
        String where = switch (filter) {
            case ALL -> "";
            case VERIFIED -> " AND verified = :yes";
            case UNVERIFIED -> " AND verified = :no AND api_key = :no"; // a key is no unverified sign-in
            case INACTIVE -> " AND last_active_at < :inactiveBefore";
            case FLAGGED -> " AND concern > 0";
        };
        var spec = jdbc.sql("SELECT " + COLUMNS + " FROM sessions WHERE account_id = :owner AND ended_at IS NULL"
                        + where + keyset + " ORDER BY CASE WHEN " + NEVER_USED + " THEN 1 ELSE 0 END, last_active_at DESC, id DESC"
                        + " LIMIT :limit")
                .param("owner", owner.value())
                .param("limit", limit)
                .param("yes", true);
        if (filter == ListFilter.UNVERIFIED) spec = spec.param("no", false);
        if (filter == ListFilter.INACTIVE) spec = spec.param("inactiveBefore", inactiveBefore.toEpochMilli());
        if (after.isPresent()) spec = spec.param("at", after.get().at().toEpochMilli()).param("afterId", after.get().id());
        return spec.query((rs, n) -> session(rs)).list();
    }

    @Override
    public List<Session> activeById(AccountId owner, int limit, Optional<String> afterId) {
        var spec = jdbc.sql("SELECT " + COLUMNS + " FROM sessions WHERE account_id = :owner AND ended_at IS NULL"
                        + (afterId.isPresent() ? " AND id > :afterId" : "") + " ORDER BY id LIMIT :limit")
                .param("owner", owner.value())
                .param("limit", limit);
        if (afterId.isPresent()) spec = spec.param("afterId", afterId.get());
        return spec.query((rs, n) -> session(rs)).list();
    }

    @Override
    public List<Place> places(AccountId owner, Instant now) {
        return jdbc.sql("""
                        SELECT city, country, country_code, latitude, longitude, local_network, COUNT(*) AS n
                        FROM sessions WHERE account_id = :owner AND ended_at IS NULL AND """ + " " + NOT_EXPIRED + """
                        GROUP BY city, country, country_code, latitude, longitude, local_network
                        ORDER BY n DESC, country, city""")
                .param("owner", owner.value())
                .param("now", now.toEpochMilli())
                .query((rs, n) -> new Place(new GeoLocation(rs.getString("city"), "", rs.getString("country"),
                        rs.getString("country_code"), "", coordinate(rs, "latitude"), coordinate(rs, "longitude"),
                        rs.getBoolean("local_network")), rs.getInt("n")))
                .list();
    }

    @Override
    public ListFilter.Counts count(AccountId owner, Instant now, Instant inactiveBefore, Optional<SessionId> besides) {
        return jdbc.sql("""
                SELECT COUNT(*) AS total,
                       COALESCE(SUM(CASE WHEN verified = :yes THEN 1 ELSE 0 END), 0) AS verified,
                       COALESCE(SUM(CASE WHEN verified = :no AND api_key = :no THEN 1 ELSE 0 END), 0) AS unverified,
                       COALESCE(SUM(CASE WHEN last_active_at < :before THEN 1 ELSE 0 END), 0) AS inactive,
                       COALESCE(SUM(CASE WHEN concern > 0 THEN 1 ELSE 0 END), 0) AS flagged
                FROM sessions WHERE account_id = :owner AND ended_at IS NULL AND id <> :besides AND """ + " " + NOT_EXPIRED)
                // No session id is empty: "" leaves out nothing.
                .param("besides", besides.map(SessionId::value).orElse(""))
                .param("yes", true)
                .param("no", false)
                .param("before", inactiveBefore.toEpochMilli())
                .param("owner", owner.value())
                .param("now", now.toEpochMilli())
                .query((rs, n) -> new ListFilter.Counts(rs.getInt("total"), rs.getInt("verified"),
                        rs.getInt("unverified"), rs.getInt("inactive"), rs.getInt("flagged")))
                .single();
    }

    @Override
    public List<Session> ended(AccountId owner, int limit, Optional<PageCursor> after) {
        String keyset = after.isPresent()
                ? " AND (ended_at < :at OR (ended_at = :at AND id < :afterId))" : "";
        var spec = jdbc.sql("SELECT " + COLUMNS + " FROM sessions WHERE account_id = :owner AND ended_at IS NOT NULL"
                        + keyset + " ORDER BY ended_at DESC, id DESC LIMIT :limit")
                .param("owner", owner.value())
                .param("limit", limit);
        if (after.isPresent()) spec = spec.param("at", after.get().at().toEpochMilli()).param("afterId", after.get().id());
        return spec.query((rs, n) -> session(rs)).list();
    }

    @Override
    public int end(SessionId id, AccountId owner, Session.Ending ending) {
        return jdbc.sql("UPDATE sessions SET " + END + " WHERE id = :id AND account_id = :owner AND ended_at IS NULL")
                .paramSource(ending(ending).addValue("id", id.value()).addValue("owner", owner.value()))
                .update();
    }

    @Override
    public List<SessionId> end(Collection<SessionId> ids, AccountId owner, Session.Ending ending) {
        if (ids.isEmpty()) return List.of();
        return jdbc.sql("UPDATE sessions SET " + END
                        + " WHERE id IN (:ids) AND account_id = :owner AND ended_at IS NULL RETURNING id")
                .paramSource(ending(ending).addValue("ids", ids.stream().map(SessionId::value).toList())
                        .addValue("owner", owner.value()))
                .query((rs, n) -> new SessionId(rs.getString(1)))
                .list();
    }

    @Override
    public List<SessionId> endAll(AccountId owner, Optional<SessionId> keep, Session.Ending ending) {
        return jdbc.sql("UPDATE sessions SET " + END
                        + " WHERE account_id = :owner AND ended_at IS NULL AND id <> :keep RETURNING id")
                .paramSource(ending(ending).addValue("owner", owner.value())
                        .addValue("keep", keep.map(SessionId::value).orElse("")))
                .query((rs, n) -> new SessionId(rs.getString(1)))
                .list();
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
        return jdbc.sql("UPDATE sessions SET " + END
                        + " WHERE account_id = :owner AND ended_at IS NULL AND id <> :keep AND api_key = :no RETURNING id")
                .paramSource(ending(ending).addValue("owner", owner.value()).addValue("no", false)
                        .addValue("keep", keep.map(SessionId::value).orElse("")))
                .query((rs, n) -> new SessionId(rs.getString(1)))
                .list();
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

    @Override
    public List<ActivityRecorder.Hourly> hourly(Collection<SessionId> ids, Instant from) {
        if (ids.isEmpty()) return List.of();
        return jdbc.sql("SELECT session_id, hour, requests FROM session_hourly_requests WHERE session_id IN (:ids) AND hour >= :from")
                .param("ids", ids.stream().map(SessionId::value).toList())
                .param("from", from.toEpochMilli())
                .query((rs, n) -> new ActivityRecorder.Hourly(new SessionId(rs.getString(1)), Instant.ofEpochMilli(rs.getLong(2)),
                        rs.getLong(3)))
                .list();
    }

    @Override
    public int updateAddress(SessionId id, String ip, GeoLocation l) {
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
        List<Expired> found = new java.util.ArrayList<>(expired(LIFETIME_EXPIRED, EndReason.LIFETIME_EXPIRED, now, limit));
        if (found.size() < limit) found.addAll(expired(IDLE_EXPIRED, EndReason.IDLE_EXPIRED, now, limit - found.size()));
        return found;
    }

    /*
     * The sweep's two queries, one per way of expiring, each in the order of its own partial index
     * (V14: sessions_lifetime_deadline, sessions_idle_deadline), so that a sweep reads what it ends
     * and not every active session, on PostgreSQL and on SQLite without statistics alike. A session
     * past both limits ends by its lifetime.
     */
    static final String LIFETIME_EXPIRED = """
            SELECT id, account_id FROM sessions
            WHERE ended_at IS NULL AND expires_at <= :now
            ORDER BY expires_at LIMIT :limit""";
    static final String IDLE_EXPIRED = """
            SELECT id, account_id FROM sessions
            WHERE ended_at IS NULL AND idle_timeout_ms > 0 AND last_active_at + idle_timeout_ms <= :now AND expires_at > :now
            ORDER BY last_active_at + idle_timeout_ms LIMIT :limit""";

    private List<Expired> expired(String sql, EndReason reason, Instant now, int limit) {
        return jdbc.sql(sql + (database.postgres() ? " FOR UPDATE SKIP LOCKED" : ""))
                .param("now", now.toEpochMilli())
                .param("limit", limit)
                .query((rs, n) -> new Expired(new SessionId(rs.getString("id")), new AccountId(rs.getString("account_id")), reason))
                .list();
    }

    @Override
    public List<SessionId> endAny(Collection<SessionId> ids, Session.Ending ending) {
        if (ids.isEmpty()) return List.of();
        return jdbc.sql("UPDATE sessions SET " + END + " WHERE id IN (:ids) AND ended_at IS NULL RETURNING id")
                .paramSource(ending(ending).addValue("ids", ids.stream().map(SessionId::value).toList()))
                .query((rs, n) -> new SessionId(rs.getString(1)))
                .list();
    }

    @Override
    public int applyPolicy(dev.lanyard.account.TeamId team, Duration idleTimeout, Duration rememberedLifetime, Duration lifetime,
                           Instant now) {
        return applyLifetimes("account_id IN (SELECT id FROM accounts WHERE team_id = :scope)", team.value(), now,
                idleTimeout, rememberedLifetime, lifetime);
    }

    @Override
    public int applyPolicy(AccountId member, Duration idleTimeout, Duration rememberedLifetime, Duration lifetime, Instant now) {
        return applyLifetimes("account_id = :scope", member.value(), now, idleTimeout, rememberedLifetime, lifetime);
    }

    /** An API key no request has used yet, as {@code SessionView.neverUsed} tells it (binds {@code :yes} to true). */
    static final String NEVER_USED = "(api_key = :yes AND requests = 0)";

    /** An open session that has not expired at {@code :now} (the sweep's two conditions, negated). */
    static final String NOT_EXPIRED = "expires_at > :now AND (idle_timeout_ms <= 0 OR last_active_at + idle_timeout_ms > :now)";

    /** The expiry a session gets from a policy: a high-security member's remembered sessions get the shorter lifetime. */
    private static final String NEW_EXPIRY = """
            (created_at + CASE WHEN remember_me = :yes AND account_id NOT IN (SELECT id FROM accounts WHERE remember_me_forbidden = :yes)
                THEN :remembered ELSE :lifetime END)""";

    /**
     * The lifetimes of the active sign-ins {@code which} names. A session that looks expired at {@code now} only gets
     * shorter ones: a longer policy must not bring back one the sweep has not ended yet, and a shorter one must reach
     * one whose last activity the database has not heard yet (it trails memory by the flush interval), so that
     * forbidding "Remember me" or a high-security switch misses no open session. 0 is no idle timeout, the longest.
     */
    private int applyLifetimes(String which, String scope, Instant now, Duration idleTimeout, Duration rememberedLifetime,
                               Duration lifetime) {
        return jdbc.sql("UPDATE sessions SET idle_timeout_ms = CASE WHEN " + NOT_EXPIRED + " THEN :idle"
                        + " WHEN :idle <= 0 THEN idle_timeout_ms"
                        + " WHEN idle_timeout_ms <= 0 OR :idle < idle_timeout_ms THEN :idle ELSE idle_timeout_ms END,"
                        + " expires_at = CASE WHEN " + NOT_EXPIRED + " OR " + NEW_EXPIRY + " < expires_at THEN " + NEW_EXPIRY
                        + " ELSE expires_at END"
                        + " WHERE ended_at IS NULL AND api_key = :no AND " + which)
                .param("no", false).param("now", now.toEpochMilli())
                .param("idle", idleTimeout.toMillis())
                .param("yes", true)
                .param("remembered", rememberedLifetime.toMillis())
                .param("lifetime", lifetime.toMillis())
                .param("scope", scope)
                .update();
    }

    @Override
    public int purgeEnded(Instant cutoff, int limit) {
        List<String> ids = jdbc.sql("SELECT id FROM sessions WHERE ended_at < :cutoff ORDER BY ended_at LIMIT :limit")
                .param("cutoff", cutoff.toEpochMilli())
                .param("limit", limit)
                .query((rs, n) -> rs.getString(1))
                .list();
        if (ids.isEmpty()) return 0;
        jdbc.sql("DELETE FROM session_events WHERE session_id IN (:ids)").param("ids", ids).update();
        jdbc.sql("DELETE FROM session_hourly_requests WHERE session_id IN (:ids)").param("ids", ids).update();
        jdbc.sql("DELETE FROM session_bindings WHERE session_id IN (:ids)").param("ids", ids).update();
        return jdbc.sql("DELETE FROM sessions WHERE id IN (:ids) AND ended_at IS NOT NULL").param("ids", ids).update();
    }

    @Override
    public int reduceAddresses(Instant before, int limit) {
        List<Kept> sessions = jdbc.sql("""
                        SELECT id, ip FROM sessions
                        WHERE ip <> '' AND ip NOT LIKE '%/%' AND last_active_at < :before LIMIT :limit""")
                .param("before", before.toEpochMilli())
                .param("limit", limit)
                .query((rs, n) -> new Kept(rs.getString("id"), rs.getString("ip")))
                .list();
        List<Kept> events = jdbc.sql("""
                        SELECT id, detail FROM session_events
                        WHERE kind = 'address-changed' AND detail <> '' AND detail NOT LIKE '%/%' AND at < :before LIMIT :limit""")
                .param("before", before.toEpochMilli())
                .param("limit", limit)
                .query((rs, n) -> new Kept(rs.getLong("id"), rs.getString("detail")))
                .list();
        // Each update checks again what it read: a session used meanwhile keeps its new address. A text that is
        // no address (none is written so; a hand-edited row) is dropped: left, it would match every batch again.
        int changedSessions = reduce("""
                UPDATE sessions SET ip = :network
                WHERE id = :id AND ip = :ip AND last_active_at < :before""", sessions, before);
        int changedEvents = reduce("""
                UPDATE session_events SET detail = :network
                WHERE id = :id AND detail = :ip""", events, before);
        return Math.max(changedSessions, changedEvents);
    }

    /** A row that still holds a full address: a session's id or a timeline entry's. */
    private record Kept(Object id, String ip) {
    }

    private int reduce(String sql, List<Kept> rows, Instant before) {
        if (rows.isEmpty()) return 0;
        MapSqlParameterSource[] params = rows.stream()
                .map(row -> new MapSqlParameterSource()
                        .addValue("id", row.id())
                        .addValue("ip", row.ip())
                        .addValue("network", ClientAddresses.network(row.ip()))
                        .addValue("before", before.toEpochMilli()))
                .toArray(MapSqlParameterSource[]::new);
        return java.util.Arrays.stream(batch.batchUpdate(sql, params))
                .map(c -> c == java.sql.Statement.SUCCESS_NO_INFO ? 1 : c).sum();
    }

    @Override
    public int rename(SessionId id, AccountId owner, String name) {
        return jdbc.sql("UPDATE sessions SET name = :name WHERE id = :id AND account_id = :owner AND ended_at IS NULL")
                .param("name", name)
                .param("id", id.value())
                .param("owner", owner.value())
                .update();
    }

    @Override
    public int approve(SessionId id, AccountId owner) {
        return jdbc.sql("""
                        UPDATE sessions SET verified = :yes
                        WHERE id = :id AND account_id = :owner AND ended_at IS NULL AND verified = :no AND api_key = :no""")
                .param("yes", true)
                .param("no", false)
                .param("id", id.value())
                .param("owner", owner.value())
                .update();
    }

    @Override
    public int setFlags(SessionId id, AccountId owner, List<SessionFlag> flags) {
        return jdbc.sql("UPDATE sessions SET flags = :flags, concern = :concern WHERE id = :id AND account_id = :owner")
                .param("flags", SessionFlag.encode(flags))
                .param("concern", SessionFlag.highest(flags).map(SessionFlag.Level::rank).orElse(0))
                .param("id", id.value())
                .param("owner", owner.value())
                .update();
    }

    @Override
    public int setAlerts(SessionId id, AccountId owner, boolean alerts) {
        return jdbc.sql("UPDATE sessions SET alerts = :alerts WHERE id = :id AND account_id = :owner AND ended_at IS NULL")
                .param("alerts", alerts)
                .param("id", id.value())
                .param("owner", owner.value())
                .update();
    }

    @Override
    public int recordActivity(Collection<ActivityRecorder.Flush> flushes) {
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

    static MapSqlParameterSource ending(Session.Ending e) {
        return new MapSqlParameterSource()
                .addValue("at", e.at().toEpochMilli())
                .addValue("reason", e.reason().name())
                .addValue("by", e.by().map(AccountId::value).orElse(null), java.sql.Types.VARCHAR)
                .addValue("from", e.fromSession().map(SessionId::value).orElse(null), java.sql.Types.VARCHAR)
                .addValue("note", e.note().orElse(null), java.sql.Types.VARCHAR);
    }

    private static Optional<Double> coordinate(ResultSet rs, String column) throws SQLException {
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
