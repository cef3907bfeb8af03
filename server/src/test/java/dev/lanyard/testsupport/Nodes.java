package dev.lanyard.testsupport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.lanyard.Lanyard;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Lanyard nodes in this JVM on one PostgreSQL database, started as an operator starts them: the
 * settings on the command line (so they win over application.yml), loopback only, a free port each.
 */
public final class Nodes {
    private Nodes() {
    }

    /** The command line of a node on {@code database} of {@code postgres}, followed by {@code extra}. */
    public static String[] arguments(TestPostgres postgres, String database, String... extra) {
        List<String> arguments = new ArrayList<>(List.of(
                "--spring.datasource.url=" + postgres.jdbcUrl(database),
                "--spring.datasource.username=" + postgres.user(),
                "--spring.datasource.password=" + postgres.password(),
                "--server.address=127.0.0.1",
                "--server.port=0",
                "--spring.jmx.enabled=false"));
        arguments.addAll(Arrays.asList(extra));
        return arguments.toArray(String[]::new);
    }

    /** Starts a node with {@code arguments}; the caller closes it. */
    public static ConfigurableApplicationContext start(String... arguments) {
        return new SpringApplicationBuilder(Lanyard.class).run(arguments);
    }

    /** Where the node answers HTTP. */
    public static String url(ConfigurableApplicationContext node) {
        return "http://127.0.0.1:" + node.getEnvironment().getProperty("local.server.port");
    }
}
