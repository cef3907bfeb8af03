package dev.lanyard.apps;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.MigratedDatabases;

class SqliteAppClientStoreTest extends AppClientStoreContract {

    @Override
    HikariDataSource migratedDatabase() {
        return MigratedDatabases.sqlite();
    }
}
