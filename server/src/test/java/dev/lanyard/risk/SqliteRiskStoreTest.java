package dev.lanyard.risk;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.MigratedDatabases;

class SqliteRiskStoreTest extends RiskStoreContract {

    @Override
    HikariDataSource migratedDatabase() {
        return MigratedDatabases.sqlite();
    }
}
