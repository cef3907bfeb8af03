package dev.lanyard.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.MigratedDatabases;
import dev.lanyard.ops.DatabaseKind;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

class PostgresSignalOutboxStoreTest extends SignalOutboxStoreContract {

    @Override
    HikariDataSource migratedDatabase() {
        return MigratedDatabases.postgres();
    }

    /**
     * An outside review: once teams took turns, a claim read and ranked every due row, where it had stopped at the
     * batch's size; at 10,001 due SETs of one team and one of another a claim took 18.8 ms against under one, and a
     * burst of 10,000 SETs drained at 0.86 of its speed. A claim reads the first few due rows of each team, however many
     * are due: counted here, not timed, as the rows PostgreSQL read from the table in the claim's transaction.
     */
    @Test
    void aClaimReadsAFewRowsOfEachTeamHoweverManyAreDue() throws Exception {
        // A database of its own: the class's other tests share theirs and empty the table before each, and the index
        // entries of their deleted rows, until a vacuum, are stepped over and counted as reads (2,283 in one CI run).
        try (HikariDataSource fresh = MigratedDatabases.postgres()) {
            SignalOutboxStore own = new JdbcSignalOutboxStore(JdbcClient.create(fresh), new DatabaseKind(fresh));
            List<SignalOutboxStore.NewSignal> many = new ArrayList<>();
            for (int i = 0; i < 10_001; i++) {
                many.add(new SignalOutboxStore.NewSignal(SignalOutboxStore.Kind.PUSH, Optional.of("stream-many"), "app_many_1", "",
                        "many-" + i, "{}"));
            }
            own.add(many, now);
            own.add(List.of(new SignalOutboxStore.NewSignal(SignalOutboxStore.Kind.PUSH, Optional.of("stream-other"), "app_other", "",
                    "other", "{}")), now);

            JdbcClient.create(fresh).sql("ANALYZE signal_outbox").update();

            assertThat(rowsReadByAClaimOf(fresh, 10)).isLessThan(100);
        }
    }

    /** Claims {@code limit} signals in a transaction of its own, then rolls it back; returns how many rows it read. */
    private long rowsReadByAClaimOf(HikariDataSource database, int limit) throws Exception {
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(false);
            JdbcClient one = JdbcClient.create(new SingleConnectionDataSource(connection, true));
            List<SignalOutboxStore.Outgoing> claimed = new JdbcSignalOutboxStore(one, new DatabaseKind(database))
                    .claim("counted", now, now.plus(CLAIM), limit);
            assertThat(claimed).as("the other team's first and the first team's oldest").hasSize(limit)
                    .extracting(SignalOutboxStore.Outgoing::jti).contains("other", "many-0");
            long read = one.sql("SELECT seq_tup_read + COALESCE(idx_tup_fetch, 0) FROM pg_stat_xact_user_tables WHERE relname = 'signal_outbox'")
                    .query(Long.class).single();
            connection.rollback();
            return read;
        }
    }
}
