package dev.lanyard.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.geo.GeoLocation;
import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.lanyard.session.JdbcSessionRows.COLUMNS;
import static dev.lanyard.session.JdbcSessionRows.NOT_EXPIRED;
import static dev.lanyard.session.JdbcSessionRows.coordinate;
import static dev.lanyard.session.JdbcSessionRows.session;

/**
 * The lists of a member's sessions in SQL, for {@link JdbcSessionStore}: the active ones (by activity or by sign-in) and
 * the ended ones a page at a time by keyset, their counts by filter, and the places they are at.
 */
class JdbcSessionLists {
    /** An API key no request has used yet, as {@code SessionView.neverUsed} tells it (binds {@code :yes} to true). */
    static final String NEVER_USED = "(api_key = :yes AND requests = 0)";

    private final JdbcClient jdbc;

    JdbcSessionLists(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Session> active(AccountId owner, ListFilter filter, Instant inactiveBefore, int limit, Optional<SessionId> first,
                         Optional<SessionStore.PageCursor> after) {
        return active(owner, filter, inactiveBefore, limit, first, after, true);
    }

    List<Session> activeWithoutKeys(AccountId owner, int limit, Optional<SessionStore.PageCursor> after) {
        return active(owner, ListFilter.ALL, Instant.EPOCH, limit, Optional.empty(), after, false);
    }

    /** {@code keys}: whether the owner's API keys are listed, after their sessions as {@link #NEVER_USED} says. */
    private List<Session> active(AccountId owner, ListFilter filter, Instant inactiveBefore, int limit, Optional<SessionId> first,
                                 Optional<SessionStore.PageCursor> after, boolean keys) {
        // The session put first comes before the others on the first page. A cursor names it and its pages leave it
        // out; a cursor at that session itself (a first page of it alone) starts the others from their beginning.
        Optional<String> firstId = after.isPresent() ? after.get().first() : first.map(SessionId::value);
        String leftOut = after.isPresent() && firstId.isPresent() ? " AND id <> :first" : "";
        Optional<SessionStore.PageCursor> position = after.filter(cursor -> !cursor.atFirst());
        // An API key never used comes after every session with activity (its last_active_at is only when it was made),
        // newest first among them; the cursor says which of the two runs its row was in.
        String keyset = position.isEmpty() ? ""
                : position.get().neverUsed() ? " AND " + NEVER_USED + " AND (last_active_at < :at OR (last_active_at = :at AND id < :afterId))"
                : " AND (" + NEVER_USED + " OR last_active_at < :at OR (last_active_at = :at AND id < :afterId))";
        String where = where(filter);
        String keysLeftOut = keys ? "" : " AND api_key = :no";
        var spec = jdbc.sql("SELECT " + COLUMNS + " FROM sessions WHERE account_id = :owner AND ended_at IS NULL"
                        + where + keysLeftOut + leftOut + keyset + " ORDER BY CASE WHEN id = :first THEN 0 WHEN " + NEVER_USED + " THEN 2 ELSE 1 END,"
                        + " last_active_at DESC, id DESC LIMIT :limit")
                .param("owner", owner.value())
                // No session id is empty: "" puts none first.
                .param("first", firstId.orElse(""))
                .param("limit", limit)
                .param("yes", true);
        if (filter == ListFilter.UNVERIFIED || !keys) spec = spec.param("no", false);
        if (filter == ListFilter.INACTIVE) spec = spec.param("inactiveBefore", inactiveBefore.toEpochMilli());
        if (position.isPresent()) spec = spec.param("at", position.get().at().toEpochMilli()).param("afterId", position.get().id());
        return spec.query((rs, n) -> session(rs)).list();
    }

    /**
     * Newest sign-in first, the id breaking ties, after the cursor (at the created_at and id of the row before): an order
     * no use of a session changes, so a walk page by page lists each session that stays active once.
     */
    List<Session> activeBySignIn(AccountId owner, ListFilter filter, Instant inactiveBefore, int limit,
                                 Optional<SessionStore.PageCursor> after) {
        var spec = jdbc.sql(bySignIn(filter, after.isPresent()))
                .param("owner", owner.value())
                .param("limit", limit)
                .param("yes", true)
                .param("no", false)
                .param("inactiveBefore", inactiveBefore.toEpochMilli());
        if (after.isPresent()) spec = spec.param("at", after.get().at().toEpochMilli()).param("afterId", after.get().id());
        return spec.query((rs, n) -> session(rs)).list();
    }

    /** The statement of {@link #activeBySignIn}, apart so that a test can ask the databases for its plan. */
    static String bySignIn(ListFilter filter, boolean afterCursor) {
        return "SELECT " + COLUMNS + " FROM sessions WHERE account_id = :owner AND ended_at IS NULL" + where(filter)
                + (afterCursor ? " AND (created_at < :at OR (created_at = :at AND id < :afterId))" : "")
                + " ORDER BY created_at DESC, id DESC LIMIT :limit";
    }

    /** The condition of {@code filter}, after an AND; binds {@code :yes}, {@code :no} and {@code :inactiveBefore} as it needs. */
    private static String where(ListFilter filter) {
        return switch (filter) {
            case ALL -> "";
            case VERIFIED -> " AND verified = :yes";
            case UNVERIFIED -> " AND verified = :no AND api_key = :no"; // a key is no unverified sign-in
            case INACTIVE -> " AND last_active_at < :inactiveBefore";
            case FLAGGED -> " AND concern > 0";
        };
    }

    List<Session> activeById(AccountId owner, int limit, Optional<String> afterId) {
        var spec = jdbc.sql("SELECT " + COLUMNS + " FROM sessions WHERE account_id = :owner AND ended_at IS NULL"
                        + (afterId.isPresent() ? " AND id > :afterId" : "") + " ORDER BY id LIMIT :limit")
                .param("owner", owner.value())
                .param("limit", limit);
        if (afterId.isPresent()) spec = spec.param("afterId", afterId.get());
        return spec.query((rs, n) -> session(rs)).list();
    }

    List<SessionStore.Place> places(AccountId owner, Instant now) {
        // Each record as geolocated: which of them are one town is the map's to say (SessionMap).
        return jdbc.sql("""
                        SELECT city, region, country, country_code, latitude, longitude, local_network, COUNT(*) AS n
                        FROM sessions WHERE account_id = :owner AND ended_at IS NULL AND """ + " " + NOT_EXPIRED + """
                        GROUP BY city, region, country, country_code, latitude, longitude, local_network
                        ORDER BY n DESC, country, city, region""")
                .param("owner", owner.value())
                .param("now", now.toEpochMilli())
                .query((rs, n) -> new SessionStore.Place(new GeoLocation(rs.getString("city"), rs.getString("region"), rs.getString("country"),
                        rs.getString("country_code"), "", coordinate(rs, "latitude"), coordinate(rs, "longitude"),
                        rs.getBoolean("local_network")), rs.getInt("n")))
                .list();
    }

    ListFilter.Counts count(AccountId owner, Instant now, Instant inactiveBefore, Optional<SessionId> besides) {
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

    List<Session> ended(AccountId owner, int limit, Optional<SessionStore.PageCursor> after) {
        String keyset = after.isPresent()
                ? " AND (ended_at < :at OR (ended_at = :at AND id < :afterId))" : "";
        var spec = jdbc.sql("SELECT " + COLUMNS + " FROM sessions WHERE account_id = :owner AND ended_at IS NOT NULL"
                        + keyset + " ORDER BY ended_at DESC, id DESC LIMIT :limit")
                .param("owner", owner.value())
                .param("limit", limit);
        if (after.isPresent()) spec = spec.param("at", after.get().at().toEpochMilli()).param("afterId", after.get().id());
        return spec.query((rs, n) -> session(rs)).list();
    }
}
