package dev.lanyard.ops;

import java.util.regex.Pattern;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * {@code server.port} is a whole number from 0 to 65535 (README: a port from 1 to 65535, 0 for any free one), checked as
 * the settings are read, before anything starts. Left to Spring Boot, {@code 70000} migrated the database and then failed
 * in Tomcat's connector behind a 37-frame trace ending "port out of range", and {@code -1} (Boot's way to start without
 * a server) logged "Started Lanyard" listening nowhere (outside review). Unset or empty is Boot's 8080. Runs after the
 * configuration files are read, before {@code MailBaseUrl} reads the port for mail links.
 */
class ServerPort implements EnvironmentPostProcessor, Ordered {
    static final String PROPERTY = "server.port";
    private static final Pattern DIGITS = Pattern.compile("\\d{1,5}");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Binder.get(environment).bind(PROPERTY, String.class).ifBound(ServerPort::require);
    }

    static void require(String value) {
        String written = value.strip();
        if (written.isEmpty() || DIGITS.matcher(written).matches() && Integer.parseInt(written) <= 65535) return;
        throw new InvalidSetting(PROPERTY, "'" + value + "' is not a port: a whole number from 0 to 65535.",
                "Set " + PROPERTY + " to a port from 1 to 65535, or 0 for any free one (unset, it is 8080).");
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 10;
    }
}
