package dev.lanyard.session;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.MigratedDatabases;

class PostgresTeamSessionStoreTest extends TeamSessionStoreContract {

    @Override
    HikariDataSource migratedDatabase() {
        return MigratedDatabases.postgres();
    }
}
