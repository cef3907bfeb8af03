package dev.lanyard.account;

import com.zaxxer.hikari.HikariDataSource;

class PostgresSignUpStoreTest extends SignUpStoreContract {

    @Override
    HikariDataSource migratedDatabase() {
        return MigratedDatabases.postgres();
    }
}
