package dev.lanyard.keys;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.Role;
import dev.lanyard.session.SessionId;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** API keys in SQL that reads the same on SQLite and PostgreSQL. Scopes are stored space-separated. */
@Repository
class JdbcApiKeyStore implements ApiKeyStore {
    private static final String COLUMNS = "k.session_id, k.account_id, k.name, k.prefix, k.scopes, k.created_at, k.expires_at";
    /**
     * The key's session has not expired at {@code :now}: the sweep's conditions negated, as the sessions list reads them
     * (a key has no idle timeout, but its session row says so itself).
     */
    private static final String NOT_EXPIRED =
            "s.expires_at > :now AND (s.idle_timeout_ms <= 0 OR s.last_active_at + s.idle_timeout_ms > :now)";

    private final JdbcClient jdbc;

    JdbcApiKeyStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void insert(ApiKey key) {
        jdbc.sql("""
                INSERT INTO api_keys (session_id, account_id, name, prefix, scopes, created_at, expires_at)
                VALUES (:id, :owner, :name, :prefix, :scopes, :created, :expires)
                """)
                .param("id", key.id().value())
                .param("owner", key.owner().value())
                .param("name", key.name())
                .param("prefix", key.shown())
                .param("scopes", stored(key.scopes()))
                .param("created", key.createdAt().toEpochMilli())
                .param("expires", key.expiresAt().map(Instant::toEpochMilli).orElse(null), java.sql.Types.BIGINT)
                .update();
    }

    @Override
    public Optional<ApiKey> find(SessionId id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_keys k WHERE k.session_id = :id")
                .param("id", id.value())
                .query((rs, n) -> key(rs))
                .optional();
    }

    @Override
    public List<ApiKey> find(java.util.Collection<SessionId> ids) {
        if (ids.isEmpty()) return List.of();
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_keys k WHERE k.session_id IN (:ids)")
                .param("ids", ids.stream().map(SessionId::value).distinct().toList())
                .query((rs, n) -> key(rs))
                .list();
    }

    @Override
    public List<ApiKey> active(AccountId owner, Instant now, int limit, Optional<Cursor> after) {
        String keyset = after.isPresent()
                ? " AND (k.created_at < :at OR (k.created_at = :at AND k.session_id < :afterId))" : "";
        var spec = jdbc.sql("SELECT " + COLUMNS + " FROM api_keys k JOIN sessions s ON s.id = k.session_id"
                        + " WHERE k.account_id = :owner AND s.ended_at IS NULL AND " + NOT_EXPIRED + keyset
                        + " ORDER BY k.created_at DESC, k.session_id DESC LIMIT :limit")
                .param("owner", owner.value())
                .param("now", now.toEpochMilli())
                .param("limit", limit);
        if (after.isPresent()) spec = spec.param("at", after.get().createdAt().toEpochMilli()).param("afterId", after.get().id());
        return spec.query((rs, n) -> key(rs)).list();
    }

    @Override
    public List<ApiKey> activeWith(AccountId owner, KeyScope scope) {
        // Scope codes hold no space, and the column is codes between single spaces.
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_keys k JOIN sessions s ON s.id = k.session_id"
                        + " WHERE k.account_id = :owner AND s.ended_at IS NULL AND ' ' || k.scopes || ' ' LIKE :scope"
                        + " ORDER BY k.created_at, k.session_id")
                .param("owner", owner.value())
                .param("scope", "% " + scope.code() + " %")
                .query((rs, n) -> key(rs))
                .list();
    }

    /**
     * The regular check's query. "Holds the admin scope" is the condition of the index api_keys_admin_scope (V37) word for
     * word, a literal and not a parameter, so that SQLite and PostgreSQL see that the index, which holds only such keys,
     * serves it: the check reads those, not every key.
     */
    static final String ADMIN_SCOPE_WITHOUT_ADMIN = "SELECT " + COLUMNS + " FROM api_keys k JOIN sessions s ON s.id = k.session_id"
            + " JOIN accounts a ON a.id = k.account_id"
            + " WHERE ' ' || k.scopes || ' ' LIKE '% admin %' AND s.ended_at IS NULL AND a.role <> :admin"
            + " ORDER BY k.created_at, k.session_id LIMIT :limit";

    @Override
    public List<ApiKey> adminScopeWithoutAdmin(int limit) {
        return jdbc.sql(ADMIN_SCOPE_WITHOUT_ADMIN)
                .param("admin", Role.ADMIN.name())
                .param("limit", limit)
                .query((rs, n) -> key(rs))
                .list();
    }

    @Override
    public int removeAdminScope(SessionId id, java.util.Set<KeyScope> left) {
        if (left.isEmpty()) throw new IllegalArgumentException("A key keeps at least one scope: end it instead.");
        if (left.contains(KeyScope.ADMIN)) throw new IllegalArgumentException("The admin scope is the one removed.");
        return jdbc.sql("UPDATE api_keys SET scopes = :scopes WHERE session_id = :id AND ' ' || scopes || ' ' LIKE '% admin %'"
                        + " AND account_id IN (SELECT id FROM accounts WHERE role <> :admin)")
                .param("scopes", stored(left)).param("id", id.value()).param("admin", Role.ADMIN.name())
                .update();
    }

    /** The scopes column: the codes in order, space-separated. */
    private static String stored(java.util.Set<KeyScope> scopes) {
        return scopes.stream().map(KeyScope::code).sorted().collect(Collectors.joining(" "));
    }

    private static ApiKey key(ResultSet rs) throws SQLException {
        long expires = rs.getLong("expires_at");
        Optional<Instant> expiresAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(expires));
        return new ApiKey(new SessionId(rs.getString("session_id")), new AccountId(rs.getString("account_id")),
                rs.getString("name"), rs.getString("prefix"),
                Arrays.stream(rs.getString("scopes").split(" ")).map(KeyScope::ofCode).flatMap(Optional::stream)
                        .collect(Collectors.toSet()),
                Instant.ofEpochMilli(rs.getLong("created_at")), expiresAt);
    }
}
