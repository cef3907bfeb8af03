package dev.lanyard.signals;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.MigratedDatabases;

class PostgresSignalOutboxStoreTest extends SignalOutboxStoreContract {

    @Override
    HikariDataSource migratedDatabase() {
        return MigratedDatabases.postgres();
    }
}
