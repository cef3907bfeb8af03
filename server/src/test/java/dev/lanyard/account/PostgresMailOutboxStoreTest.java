package dev.lanyard.account;

import com.zaxxer.hikari.HikariDataSource;

class PostgresMailOutboxStoreTest extends MailOutboxStoreContract {

    @Override
    HikariDataSource migratedDatabase() {
        return MigratedDatabases.postgres();
    }
}
