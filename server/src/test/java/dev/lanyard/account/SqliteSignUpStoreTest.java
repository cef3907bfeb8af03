package dev.lanyard.account;

import com.zaxxer.hikari.HikariDataSource;

class SqliteSignUpStoreTest extends SignUpStoreContract {

    @Override
    HikariDataSource migratedDatabase() {
        return MigratedDatabases.sqlite();
    }
}
