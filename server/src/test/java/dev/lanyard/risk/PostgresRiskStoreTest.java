package dev.lanyard.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.MigratedDatabases;
import org.junit.jupiter.api.Test;

class PostgresRiskStoreTest extends RiskStoreContract {

    @Override
    HikariDataSource migratedDatabase() {
        return MigratedDatabases.postgres();
    }

    @Test
    void theSignInLookupReadsOnlyThroughIndexes() {
        // Enough rows that the planner would rather scan than look up, were there no index for it.
        jdbc.sql("""
                INSERT INTO risk_seen (account_id, kind, value, seen_at)
                SELECT 'acc-' || (g % 500), CASE g % 4 WHEN 0 THEN 'device' WHEN 1 THEN 'country' WHEN 2 THEN 'address' ELSE 'place' END,
                       'v' || g, g FROM generate_series(1, 20000) g""").update();
        jdbc.sql("ANALYZE risk_seen").update();
        List<String> plan = jdbc.sql("EXPLAIN " + JdbcSeenStore.LOOKUP)
                .param("account", "acc-7").param("device", "firefox|windows|DESKTOP").param("country", "ES")
                .param("address", "83.45.123.9").query(String.class).list();
        String text = String.join("\n", plan);
        assertThat(text).doesNotContain("Seq Scan");
        assertThat(text).contains("risk_seen_pkey");
    }
}
