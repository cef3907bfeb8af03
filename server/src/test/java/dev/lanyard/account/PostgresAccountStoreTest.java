package dev.lanyard.account;

import com.zaxxer.hikari.HikariDataSource;

class PostgresAccountStoreTest extends AccountStoreContract {

    @Override
    HikariDataSource migratedDatabase() {
        return MigratedDatabases.postgres();
    }
}
