package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.testsupport.PostgresDatabase;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;

/** The same flows on PostgreSQL, where endings also go out to other nodes by NOTIFY. */
@LanyardSpringTest(database = PostgresDatabase.class)
class PostgresSessionsTest extends SessionsTest {

    @Test
    void runsOnPostgres() {
        assertThat(jdbc.sql("SELECT version()").query(String.class).single()).startsWith("PostgreSQL");
    }
}
