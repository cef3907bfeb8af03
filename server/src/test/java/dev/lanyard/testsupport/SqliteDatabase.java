package dev.lanyard.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives a Spring test context a fresh SQLite file of its own under {@code target/test-db/}.
 * Use with {@code @ContextConfiguration(initializers = SqliteDatabase.class)}.
 */
public class SqliteDatabase implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("lanyard-test-sqlite",
                Map.of("spring.datasource.url", freshUrl())));
    }

    /** A JDBC URL to a new, empty SQLite file, with the same pragmas as production. */
    public static String freshUrl() {
        try {
            Path dir = Files.createDirectories(Path.of("target", "test-db"));
            Path file = Files.createTempFile(dir, "lanyard-", ".db");
            Files.delete(file);
            return "jdbc:sqlite:" + file.toAbsolutePath()
                    + "?journal_mode=WAL&busy_timeout=10000&foreign_keys=true&synchronous=NORMAL&transaction_mode=IMMEDIATE";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
