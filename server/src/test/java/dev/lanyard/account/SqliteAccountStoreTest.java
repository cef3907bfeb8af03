package dev.lanyard.account;

import com.zaxxer.hikari.HikariDataSource;

class SqliteAccountStoreTest extends AccountStoreContract {

    @Override
    HikariDataSource migratedDatabase() {
        return MigratedDatabases.sqlite();
    }
}
