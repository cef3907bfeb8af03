package dev.lanyard.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.ops.DatabaseKind;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import static dev.lanyard.session.JdbcSessionRows.COLUMNS;
import static dev.lanyard.session.JdbcSessionRows.NOT_EXPIRED;
import static dev.lanyard.session.JdbcSessionRows.session;

/**
 * Sessions in SQL that reads the same on SQLite and PostgreSQL: finding sessions; a session's row and how it maps to a
 * {@link Session} are {@link JdbcSessionRows}; the rest of the store, a class per concern beside it
 * ({@link JdbcSessionStarts}, {@link JdbcSessionLists}, {@link JdbcSessionEndings}, {@link JdbcSessionChanges},
 * {@link JdbcSessionActivity}, {@link JdbcSessionExpiry}, {@link JdbcSessionRetention}), on the same connection.
 */
@Repository
class JdbcSessionStore implements SessionStore {
    private final JdbcClient jdbc;
    /** PostgreSQL takes row locks ({@code FOR UPDATE SKIP LOCKED}). */
    private final DatabaseKind database;
    private final JdbcSessionStarts starts;
    private final JdbcSessionLists lists;
    private final JdbcSessionActivity activity;
    private final JdbcSessionEndings endings;
    private final JdbcSessionChanges changes;
    private final JdbcSessionExpiry expiry;
    private final JdbcSessionRetention retention;

    JdbcSessionStore(JdbcClient jdbc, NamedParameterJdbcTemplate batch, DatabaseKind database) {
        this.jdbc = jdbc;
        this.database = database;
        this.starts = new JdbcSessionStarts(jdbc);
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
        starts.write(s, tokenHash, false, bearer);
    }

    @Override
    public void insertKey(Session s, String tokenHash) {
        starts.write(s, tokenHash, true, false);
    }

    @Override
    public boolean issuedForBearer(SessionId id) {
        return jdbc.sql("SELECT bearer FROM sessions WHERE id = :id").param("id", id.value())
                .query(Boolean.class).optional().orElse(false);
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
                                Optional<SessionId> first, Optional<PageCursor> after) {
        return lists.active(owner, filter, inactiveBefore, limit, first, after);
    }

    @Override
    public List<Session> activeWithoutKeys(AccountId owner, int limit, Optional<PageCursor> after) {
        return lists.activeWithoutKeys(owner, limit, after);
    }

    @Override
    public List<Session> activeBySignIn(AccountId owner, ListFilter filter, Instant inactiveBefore, int limit, Optional<PageCursor> after) {
        return lists.activeBySignIn(owner, filter, inactiveBefore, limit, after);
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
    public int updateAddress(SessionId id, AddressChanges.Address from, AddressChanges.Address to) {
        return activity.updateAddress(id, from, to);
    }

    @Override
    public java.util.Map<SessionId, AddressChanges.Address> signedInFrom(AccountId owner, Collection<SessionId> ids) {
        return activity.signedInFrom(owner, ids);
    }

    @Override
    public java.util.Map<SessionId, SignInPlace> signInPlaces(AccountId owner, Collection<SessionId> ids) {
        return activity.signInPlaces(owner, ids);
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
    public List<Session> expiredOf(AccountId owner, Instant now) {
        return expiry.expiredOf(owner, now);
    }

    @Override
    public List<SessionId> endExpired(Collection<SessionId> ids, EndReason reason) {
        return endings.endExpired(ids, reason);
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
}
