package dev.lanyard.testsupport;

import java.util.Map;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives a Spring test context a fresh database on the shared test PostgreSQL server.
 * Use with {@code @ContextConfiguration(initializers = PostgresDatabase.class)}.
 */
public class PostgresDatabase implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        TestPostgres postgres = TestPostgres.shared();
        String database = postgres.createDatabase();
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("lanyard-test-postgres", Map.of(
                "spring.datasource.url", postgres.jdbcUrl(database),
                "spring.datasource.username", postgres.user(),
                "spring.datasource.password", postgres.password())));
    }
}
