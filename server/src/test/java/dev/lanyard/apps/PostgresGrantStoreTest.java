package dev.lanyard.apps;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.MigratedDatabases;

class PostgresGrantStoreTest extends GrantStoreContract {

    @Override
    HikariDataSource migratedDatabase() {
        return MigratedDatabases.postgres();
    }
}
