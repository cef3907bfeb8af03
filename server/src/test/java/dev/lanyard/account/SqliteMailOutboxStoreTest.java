package dev.lanyard.account;

import com.zaxxer.hikari.HikariDataSource;

class SqliteMailOutboxStoreTest extends MailOutboxStoreContract {

    @Override
    HikariDataSource migratedDatabase() {
        return MigratedDatabases.sqlite();
    }
}
