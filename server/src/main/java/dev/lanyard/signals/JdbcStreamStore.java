package dev.lanyard.signals;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.TeamId;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

@Repository
class JdbcStreamStore implements StreamStore {
    private static final String COLUMNS = "id, app_id, team_id, config, push_authorization, status, status_reason, created_at,"
            + " updated_at, last_delivery_at, last_error";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    JdbcStreamStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The configuration as stored; {@code issuer} is absent (null) from streams made before Lanyard kept it. */
    record StoredConfig(String description, Set<String> eventsRequested, String method, String endpoint, String format, String issuer) {
    }

    @Override
    public boolean receiver(String appId) {
        return jdbc.sql("SELECT COUNT(*) FROM ssf_receivers WHERE app_id = :app").param("app", appId).query(Long.class).single() > 0;
    }

    @Override
    public int enable(String appId, TeamId team, AccountId by, Instant at) {
        if (receiver(appId)) return 0;
        return jdbc.sql("INSERT INTO ssf_receivers (app_id, team_id, enabled_by, enabled_at) VALUES (:app, :team, :by, :at)")
                .param("app", appId).param("team", team.value()).param("by", by.value()).param("at", at.toEpochMilli()).update();
    }

    @Override
    public int disable(String appId) {
        return jdbc.sql("DELETE FROM ssf_receivers WHERE app_id = :app").param("app", appId).update();
    }

    @Override
    public void insert(Stream s) {
        jdbc.sql("""
                INSERT INTO ssf_streams (id, app_id, team_id, config, push_authorization, status, status_reason, created_at, updated_at)
                VALUES (:id, :app, :team, :config, :auth, :status, :reason, :created, :updated)
                """)
                .param("id", s.id()).param("app", s.appId()).param("team", s.team().value()).param("config", config(s.config()))
                .param("auth", s.pushAuthorization().orElse(null)).param("status", s.status().code())
                .param("reason", s.statusReason()).param("created", s.createdAt().toEpochMilli())
                .param("updated", s.updatedAt().toEpochMilli()).update();
    }

    @Override
    public int update(Stream s) {
        return jdbc.sql("UPDATE ssf_streams SET config = :config, push_authorization = :auth, updated_at = :updated"
                        + " WHERE id = :id AND app_id = :app")
                .param("config", config(s.config())).param("auth", s.pushAuthorization().orElse(null))
                .param("updated", s.updatedAt().toEpochMilli()).param("id", s.id()).param("app", s.appId()).update();
    }

    @Override
    public int delete(String id, String appId) {
        return jdbc.sql("DELETE FROM ssf_streams WHERE id = :id AND app_id = :app").param("id", id).param("app", appId).update();
    }

    @Override
    public Optional<Stream> find(String id, String appId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM ssf_streams WHERE id = :id AND app_id = :app")
                .param("id", id).param("app", appId).query((rs, n) -> stream(rs)).optional();
    }

    @Override
    public List<Stream> list(String appId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM ssf_streams WHERE app_id = :app ORDER BY created_at, id")
                .param("app", appId).query((rs, n) -> stream(rs)).list();
    }

    @Override
    public List<Stream> listening(TeamId team) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM ssf_streams WHERE team_id = :team AND status <> 'disabled'"
                        + " AND app_id IN (SELECT app_id FROM ssf_receivers)")
                .param("team", team.value()).query((rs, n) -> stream(rs)).list();
    }

    @Override
    public int status(String id, String appId, Stream.Status status, String reason, Instant at) {
        return jdbc.sql("UPDATE ssf_streams SET status = :status, status_reason = :reason, updated_at = :at WHERE id = :id AND app_id = :app")
                .param("status", status.code()).param("reason", reason).param("at", at.toEpochMilli())
                .param("id", id).param("app", appId).update();
    }

    @Override
    public boolean verificationRequested(String id, String appId, Instant since, Instant now) {
        return jdbc.sql("UPDATE ssf_streams SET verification_requested_at = :now WHERE id = :id AND app_id = :app"
                        + " AND (verification_requested_at IS NULL OR verification_requested_at <= :since)")
                .param("now", now.toEpochMilli()).param("since", since.toEpochMilli()).param("id", id).param("app", appId).update() == 1;
    }

    @Override
    public void delivered(String id, Instant at) {
        jdbc.sql("UPDATE ssf_streams SET last_delivery_at = :at, last_error = NULL WHERE id = :id")
                .param("at", at.toEpochMilli()).param("id", id).update();
    }

    @Override
    public void failed(String id, String error) {
        jdbc.sql("UPDATE ssf_streams SET last_error = :error WHERE id = :id").param("error", error).param("id", id).update();
    }

    @Override
    public long count(String appId) {
        return jdbc.sql("SELECT COUNT(*) FROM ssf_streams WHERE app_id = :app").param("app", appId).query(Long.class).single();
    }

    private String config(Stream.Config c) {
        return json.writeValueAsString(new StoredConfig(c.description(), c.eventsRequested(), c.method(), c.endpoint().orElse(null), c.format(),
                c.issuer().orElse(null)));
    }

    private Stream stream(ResultSet rs) throws SQLException {
        StoredConfig c = json.readValue(rs.getString("config"), StoredConfig.class);
        long delivered = rs.getLong("last_delivery_at");
        Optional<Instant> lastDelivery = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(delivered));
        return new Stream(rs.getString("id"), rs.getString("app_id"), new TeamId(rs.getString("team_id")),
                new Stream.Config(c.description(), c.eventsRequested() == null ? Set.of() : c.eventsRequested(), c.method(),
                        Optional.ofNullable(c.endpoint()), c.format(), Optional.ofNullable(c.issuer())),
                Optional.ofNullable(rs.getString("push_authorization")), Stream.Status.of(rs.getString("status")).orElse(Stream.Status.DISABLED),
                rs.getString("status_reason"), Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("updated_at")),
                lastDelivery, Optional.ofNullable(rs.getString("last_error")));
    }
}
