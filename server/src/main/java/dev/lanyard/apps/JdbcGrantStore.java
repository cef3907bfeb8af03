package dev.lanyard.apps;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class JdbcGrantStore implements GrantStore {
    private static final String COLUMNS = """
            id, client_id, account_id, session_id, session_key, state_hash, code_hash, access_hash, refresh_hash,
            id_token_hash, body, created_at, updated_at""";

    private final JdbcClient jdbc;

    JdbcGrantStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void save(StoredGrant grant) {
        int updated = jdbc.sql("""
                        UPDATE oauth_authorizations SET client_id = :client, account_id = :account, session_id = :session,
                            session_key = :key, state_hash = :state, code_hash = :code, access_hash = :access,
                            refresh_hash = :refresh, id_token_hash = :idToken, body = :body, updated_at = :updated
                        WHERE id = :id""")
                .paramSource(params(grant)).update();
        if (updated == 0) {
            jdbc.sql("""
                            INSERT INTO oauth_authorizations (id, client_id, account_id, session_id, session_key, state_hash,
                                code_hash, access_hash, refresh_hash, id_token_hash, body, created_at, updated_at)
                            VALUES (:id, :client, :account, :session, :key, :state, :code, :access, :refresh, :idToken,
                                :body, :created, :updated)""")
                    .paramSource(params(grant)).update();
        }
    }

    private static java.util.Map<String, Object> params(StoredGrant g) {
        java.util.Map<String, Object> p = new java.util.HashMap<>();
        p.put("id", g.id());
        p.put("client", g.clientId());
        p.put("account", g.accountId());
        p.put("session", g.sessionId().orElse(null));
        p.put("key", g.sessionKey().orElse(null));
        p.put("state", g.stateHash().orElse(null));
        p.put("code", g.codeHash().orElse(null));
        p.put("access", g.accessHash().orElse(null));
        p.put("refresh", g.refreshHash().orElse(null));
        p.put("idToken", g.idTokenHash().orElse(null));
        p.put("body", g.body());
        p.put("created", g.createdAt().toEpochMilli());
        p.put("updated", g.updatedAt().toEpochMilli());
        return p;
    }

    @Override
    public int delete(String id) {
        jdbc.sql("DELETE FROM oauth_earlier_id_tokens WHERE authorization_id = :id").param("id", id).update();
        return jdbc.sql("DELETE FROM oauth_authorizations WHERE id = :id").param("id", id).update();
    }

    @Override
    public Optional<StoredGrant> find(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM oauth_authorizations WHERE id = :id").param("id", id)
                .query((rs, n) -> grant(rs)).optional();
    }

    @Override
    public Optional<StoredGrant> findByHash(String hash, Optional<Kind> kind) {
        String where = kind.map(k -> k == Kind.ID_TOKEN
                ? "id_token_hash = :hash OR id IN (SELECT authorization_id FROM oauth_earlier_id_tokens WHERE token_hash = :hash)"
                : column(k) + " = :hash").orElse("access_hash = :hash OR refresh_hash = :hash");
        return jdbc.sql("SELECT " + COLUMNS + " FROM oauth_authorizations WHERE " + where).param("hash", hash)
                .query((rs, n) -> grant(rs)).optional();
    }

    private static String column(Kind kind) {
        return switch (kind) {
            case STATE -> "state_hash";
            case CODE -> "code_hash";
            case ACCESS -> "access_hash";
            case REFRESH -> "refresh_hash";
            case ID_TOKEN -> "id_token_hash";
        };
    }

    @Override
    public void keepEarlierIdToken(String grantId, String hash, Instant replacedAt, int keep) {
        jdbc.sql("""
                        INSERT INTO oauth_earlier_id_tokens (token_hash, authorization_id, replaced_at) VALUES (:hash, :grant, :at)
                        ON CONFLICT (token_hash) DO NOTHING""")
                .param("hash", hash).param("grant", grantId).param("at", replacedAt.toEpochMilli()).update();
        jdbc.sql("""
                        DELETE FROM oauth_earlier_id_tokens WHERE authorization_id = :grant AND token_hash NOT IN (
                            SELECT token_hash FROM oauth_earlier_id_tokens WHERE authorization_id = :grant
                            ORDER BY replaced_at DESC, token_hash LIMIT :keep)""")
                .param("grant", grantId).param("keep", keep).update();
    }

    @Override
    public boolean useUp(String hash, String grantId, Instant at) {
        // ON CONFLICT, not a caught duplicate key: on PostgreSQL a failed statement would end the transaction.
        return jdbc.sql("""
                        INSERT INTO oauth_used_refresh_tokens (token_hash, authorization_id, used_at) VALUES (:hash, :grant, :at)
                        ON CONFLICT (token_hash) DO NOTHING""")
                .param("hash", hash).param("grant", grantId).param("at", at.toEpochMilli()).update() == 1;
    }

    @Override
    public Optional<String> usedRefresh(String hash) {
        return jdbc.sql("SELECT authorization_id FROM oauth_used_refresh_tokens WHERE token_hash = :hash").param("hash", hash)
                .query(String.class).optional();
    }

    @Override
    public List<String> sessions(String accountId, String clientId) {
        return jdbc.sql("""
                        SELECT session_id FROM oauth_authorizations
                        WHERE account_id = :account AND client_id = :client AND session_id IS NOT NULL""")
                .param("account", accountId).param("client", clientId).query(String.class).list();
    }

    @Override
    public int purge(Instant endedBefore, Instant abandonedBefore, int limit) {
        List<String> ids = jdbc.sql("""
                        SELECT a.id FROM oauth_authorizations a
                        WHERE (a.session_id IS NULL AND a.updated_at < :abandoned)
                           OR (a.session_id IS NOT NULL AND a.updated_at < :ended AND NOT EXISTS (
                                SELECT 1 FROM sessions s WHERE s.id = a.session_id AND (s.ended_at IS NULL OR s.ended_at >= :ended)))
                        LIMIT :limit""")
                .param("abandoned", abandonedBefore.toEpochMilli()).param("ended", endedBefore.toEpochMilli())
                .param("limit", limit).query(String.class).list();
        if (ids.isEmpty()) return 0;
        jdbc.sql("DELETE FROM oauth_used_refresh_tokens WHERE authorization_id IN (:ids)").param("ids", ids).update();
        jdbc.sql("DELETE FROM oauth_earlier_id_tokens WHERE authorization_id IN (:ids)").param("ids", ids).update();
        return jdbc.sql("DELETE FROM oauth_authorizations WHERE id IN (:ids)").param("ids", ids).update();
    }

    @Override
    public List<SessionOf> unredeemed(Instant before, int limit) {
        return jdbc.sql("""
                        SELECT a.session_id, a.account_id FROM oauth_authorizations a
                        WHERE a.session_id IS NOT NULL AND a.code_hash IS NOT NULL AND a.access_hash IS NULL AND a.updated_at < :before
                          AND EXISTS (SELECT 1 FROM sessions s WHERE s.id = a.session_id AND s.ended_at IS NULL)
                        LIMIT :limit""")
                .param("before", before.toEpochMilli()).param("limit", limit)
                .query((rs, n) -> new SessionOf(rs.getString("session_id"), rs.getString("account_id"))).list();
    }

    @Override
    public List<String> deleteOwn(String appId, String clientId) {
        List<Own> own = jdbc.sql("""
                        SELECT id, access_hash FROM oauth_authorizations
                        WHERE account_id = :principal AND client_id = :client AND session_id IS NULL AND access_hash IS NOT NULL""")
                .param("principal", clientId).param("client", appId)
                .query((rs, n) -> new Own(rs.getString("id"), rs.getString("access_hash"))).list();
        if (own.isEmpty()) return List.of();
        List<String> ids = own.stream().map(Own::id).toList();
        jdbc.sql("DELETE FROM oauth_earlier_id_tokens WHERE authorization_id IN (:ids)").param("ids", ids).update();
        jdbc.sql("DELETE FROM oauth_authorizations WHERE id IN (:ids)").param("ids", ids).update();
        return own.stream().map(Own::accessHash).toList();
    }

    private record Own(String id, String accessHash) {
    }

    @Override
    public Optional<StoredGrant> bySession(String sessionId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM oauth_authorizations WHERE session_id = :session ORDER BY created_at DESC LIMIT 1")
                .param("session", sessionId).query((rs, n) -> grant(rs)).optional();
    }

    @Override
    public java.util.Map<String, StoredGrant> bySessions(java.util.Collection<String> sessionIds) {
        java.util.Map<String, StoredGrant> newest = new java.util.HashMap<>();
        if (sessionIds.isEmpty()) return newest;
        jdbc.sql("SELECT " + COLUMNS + " FROM oauth_authorizations WHERE session_id IN (:sessions) ORDER BY created_at DESC")
                .param("sessions", sessionIds.stream().distinct().toList()).query((rs, n) -> grant(rs)).list()
                .forEach(g -> newest.putIfAbsent(g.sessionId().orElseThrow(), g));
        return newest;
    }

    private static StoredGrant grant(ResultSet rs) throws SQLException {
        return new StoredGrant(rs.getString("id"), rs.getString("client_id"), rs.getString("account_id"),
                opt(rs, "session_id"), opt(rs, "session_key"), opt(rs, "state_hash"), opt(rs, "code_hash"),
                opt(rs, "access_hash"), opt(rs, "refresh_hash"), opt(rs, "id_token_hash"), rs.getString("body"),
                Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("updated_at")));
    }

    private static Optional<String> opt(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getString(column));
    }
}
