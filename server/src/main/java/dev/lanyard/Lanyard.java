package dev.lanyard;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Lanyard: where am I signed in, and can I end it — now?
 *
 * <p>Spring Boot's default in-memory user is left out: nobody signs in with it (every request is
 * authenticated by its Lanyard session), and it would print a generated password to the log.
 * No bean method here calls another, so the class is not proxied: it was the one configuration class
 * CGLIB enhanced at start-up (docs/decisions/0033-start-up.md).
 */
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class, proxyBeanMethods = false)
@ConfigurationPropertiesScan
@EnableScheduling
public class Lanyard {

    /**
     * {@code -Dlanyard.startup-steps=N} prints the N longest start-up steps (Spring's own, e.g.
     * {@code spring.beans.instantiate} with the bean's name) to standard error once started:
     * what bench/startup.sh reports. Off by default: it records every step in memory.
     */
    static final String STARTUP_STEPS = "lanyard.startup-steps";

    /**
     * Starts the server; an {@link OperatorCommand}'s name as the first argument ({@code reset-link <email>}) runs that
     * command instead, and exits with its status.
     */
    public static void main(String[] args) {
        if (args.length > 0 && !args[0].startsWith("-")) {
            List<OperatorCommand> commands = SpringFactoriesLoader.loadFactories(OperatorCommand.class, Lanyard.class.getClassLoader());
            for (OperatorCommand command : commands) {
                if (command.name().equals(args[0])) System.exit(command.run(Arrays.copyOfRange(args, 1, args.length)));
            }
            // A misspelt command must not start a server instead (settings are --name=value, so no word is one).
            System.err.println("lanyard: no command '" + args[0] + "'. Commands: "
                    + String.join(", ", commands.stream().map(OperatorCommand::name).toList()) + "; settings are given as --name=value.");
            System.exit(2);
        }
        SpringApplication application = new SpringApplication(Lanyard.class);
        int steps = Integer.getInteger(STARTUP_STEPS, 0);
        BufferingApplicationStartup startup = steps > 0 ? new BufferingApplicationStartup(20_000) : null;
        if (startup != null) application.setApplicationStartup(startup);
        application.run(args);
        if (startup != null) printLongest(startup.getBufferedTimeline(), steps);
    }

    private static void printLongest(StartupTimeline timeline, int count) {
        // A step's own time: its duration less its children's (a bean's dependencies are its children).
        Map<Long, Duration> children = new HashMap<>();
        timeline.getEvents().forEach(event -> {
            Long parent = event.getStartupStep().getParentId();
            if (parent != null) children.merge(parent, event.getDuration(), Duration::plus);
        });
        Function<StartupTimeline.TimelineEvent, Duration> own =
                event -> event.getDuration().minus(children.getOrDefault(event.getStartupStep().getId(), Duration.ZERO));
        StringBuilder out = new StringBuilder("Longest start-up steps (ms of their own, ms with nested steps, step, tags):\n");
        timeline.getEvents().stream()
                .sorted(Comparator.comparing(own).reversed())
                .limit(count)
                .forEach(event -> {
                    StringBuilder tags = new StringBuilder();
                    event.getStartupStep().getTags().forEach(tag -> tags.append(' ').append(tag.getKey()).append('=').append(tag.getValue()));
                    out.append(String.format("%7d %7d  %s%s%n", own.apply(event).toMillis(), event.getDuration().toMillis(),
                            event.getStartupStep().getName(), tags));
                });
        System.err.print(out);
    }

    /** The one clock of the domain; tests replace it with one they can move. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
