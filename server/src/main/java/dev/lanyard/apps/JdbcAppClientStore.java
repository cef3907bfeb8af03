package dev.lanyard.apps;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.lanyard.account.TeamId;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class JdbcAppClientStore implements AppClientStore {
    private static final String COLUMNS = """
            id, team_id, client_id, name, description, logo_url, redirect_uris, confidential, scopes,
            backchannel_logout_uri, created_at, updated_at""";

    private final JdbcClient jdbc;

    JdbcAppClientStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void insert(AppClient client, Optional<String> secretHash) {
        jdbc.sql("""
                        INSERT INTO oauth_clients (id, team_id, client_id, name, description, logo_url, redirect_uris,
                            confidential, secret_hash, scopes, backchannel_logout_uri, created_at, updated_at)
                        VALUES (:id, :team, :clientId, :name, :description, :logo, :redirects, :confidential, :secret,
                            :scopes, :backchannel, :created, :updated)""")
                .param("id", client.id())
                .param("team", client.team().value())
                .param("clientId", client.clientId())
                .param("name", client.name())
                .param("description", client.description())
                .param("logo", client.logoUrl())
                .param("redirects", String.join("\n", client.redirectUris()))
                .param("confidential", client.confidential())
                .param("secret", secretHash.orElse(null))
                .param("scopes", joined(client.scopes()))
                .param("backchannel", client.backchannelLogoutUri().orElse(""))
                .param("created", client.createdAt().toEpochMilli())
                .param("updated", client.updatedAt().toEpochMilli())
                .update();
    }

    @Override
    public int update(AppClient client) {
        return jdbc.sql("""
                        UPDATE oauth_clients SET name = :name, description = :description, logo_url = :logo,
                            redirect_uris = :redirects, scopes = :scopes, backchannel_logout_uri = :backchannel,
                            updated_at = :updated
                        WHERE id = :id AND team_id = :team""")
                .param("id", client.id())
                .param("team", client.team().value())
                .param("name", client.name())
                .param("description", client.description())
                .param("logo", client.logoUrl())
                .param("redirects", String.join("\n", client.redirectUris()))
                .param("scopes", joined(client.scopes()))
                .param("backchannel", client.backchannelLogoutUri().orElse(""))
                .param("updated", client.updatedAt().toEpochMilli())
                .update();
    }

    @Override
    public int delete(String id, TeamId team) {
        return jdbc.sql("DELETE FROM oauth_clients WHERE id = :id AND team_id = :team")
                .param("id", id).param("team", team.value()).update();
    }

    @Override
    public Optional<AppClient> find(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM oauth_clients WHERE id = :id").param("id", id)
                .query((rs, n) -> client(rs)).optional();
    }

    @Override
    public Optional<AppClient> findByClientId(String clientId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM oauth_clients WHERE client_id = :clientId").param("clientId", clientId)
                .query((rs, n) -> client(rs)).optional();
    }

    @Override
    public Optional<String> secretHash(String id) {
        return jdbc.sql("SELECT secret_hash FROM oauth_clients WHERE id = :id").param("id", id)
                .query((rs, n) -> Optional.ofNullable(rs.getString(1))).optional().flatMap(o -> o);
    }

    @Override
    public List<AppClient> list(TeamId team, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM oauth_clients WHERE team_id = :team ORDER BY name, id LIMIT :limit")
                .param("team", team.value()).param("limit", limit)
                .query((rs, n) -> client(rs)).list();
    }

    private static String joined(Set<String> scopes) {
        return scopes.stream().sorted().collect(Collectors.joining(" "));
    }

    static Set<String> scopes(String joined) {
        return joined == null || joined.isBlank() ? Set.of() : Set.copyOf(Arrays.asList(joined.strip().split(" +")));
    }

    private static AppClient client(ResultSet rs) throws SQLException {
        String backchannel = rs.getString("backchannel_logout_uri");
        return new AppClient(rs.getString("id"), new TeamId(rs.getString("team_id")), rs.getString("client_id"),
                rs.getString("name"), rs.getString("description"), rs.getString("logo_url"),
                List.of(rs.getString("redirect_uris").split("\n")), rs.getBoolean("confidential"),
                scopes(rs.getString("scopes")), backchannel == null || backchannel.isEmpty() ? Optional.empty() : Optional.of(backchannel),
                Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("updated_at")));
    }

    @Override
    public List<String> publicRedirectUris() {
        return jdbc.sql("SELECT redirect_uris FROM oauth_clients WHERE confidential = :no").param("no", false)
                .query((rs, n) -> rs.getString(1)).list().stream()
                .flatMap(uris -> java.util.Arrays.stream(uris.split("\n"))).filter(u -> !u.isBlank()).toList();
    }
}
