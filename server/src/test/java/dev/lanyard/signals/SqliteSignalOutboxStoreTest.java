package dev.lanyard.signals;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.MigratedDatabases;

class SqliteSignalOutboxStoreTest extends SignalOutboxStoreContract {

    @Override
    HikariDataSource migratedDatabase() {
        return MigratedDatabases.sqlite();
    }
}
