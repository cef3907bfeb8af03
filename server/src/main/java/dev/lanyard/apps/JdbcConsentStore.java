package dev.lanyard.apps;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class JdbcConsentStore implements ConsentStore {
    private final JdbcClient jdbc;

    JdbcConsentStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void save(Consent consent) {
        jdbc.sql("""
                        INSERT INTO oauth_consents (client_id, account_id, scopes, consented_at)
                        VALUES (:client, :account, :scopes, :at)
                        ON CONFLICT (client_id, account_id) DO UPDATE SET scopes = excluded.scopes, consented_at = excluded.consented_at""")
                .param("client", consent.clientId()).param("account", consent.accountId())
                .param("scopes", consent.scopes().stream().sorted().collect(Collectors.joining(" ")))
                .param("at", consent.consentedAt().toEpochMilli()).update();
    }

    @Override
    public int delete(String clientId, String accountId) {
        return jdbc.sql("DELETE FROM oauth_consents WHERE client_id = :client AND account_id = :account")
                .param("client", clientId).param("account", accountId).update();
    }

    @Override
    public Optional<Consent> find(String clientId, String accountId) {
        return jdbc.sql("SELECT client_id, account_id, scopes, consented_at FROM oauth_consents WHERE client_id = :client AND account_id = :account")
                .param("client", clientId).param("account", accountId).query((rs, n) -> consent(rs)).optional();
    }

    @Override
    public List<Consent> byMember(String accountId) {
        return jdbc.sql("SELECT client_id, account_id, scopes, consented_at FROM oauth_consents WHERE account_id = :account ORDER BY consented_at DESC LIMIT 200")
                .param("account", accountId).query((rs, n) -> consent(rs)).list();
    }

    @Override
    public List<Consent> byClient(String clientId, int limit) {
        return jdbc.sql("SELECT client_id, account_id, scopes, consented_at FROM oauth_consents WHERE client_id = :client ORDER BY consented_at DESC LIMIT :limit")
                .param("client", clientId).param("limit", limit).query((rs, n) -> consent(rs)).list();
    }

    private static Consent consent(ResultSet rs) throws SQLException {
        return new Consent(rs.getString("client_id"), rs.getString("account_id"), JdbcAppClientStore.scopes(rs.getString("scopes")),
                Instant.ofEpochMilli(rs.getLong("consented_at")));
    }
}
