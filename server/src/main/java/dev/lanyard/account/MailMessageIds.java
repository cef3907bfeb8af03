package dev.lanyard.account;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;

/**
 * The domain of the Message-ID of Lanyard's mails. Jakarta Mail takes it from the mail session's {@code mail.from}, else
 * from this machine's name: {@code <…@localhost>} in a container, which spam filters count against a mail (outside review).
 * Unless the operator set {@code spring.mail.properties.mail.from}, it is set here to {@code lanyard.mail.from}; while that
 * is the default {@code lanyard@localhost}, to an address at the host of the mail links ({@code lanyard.mail.base-url},
 * else {@code lanyard.web.public-url}) when that is a name. Each mail's From stays {@code lanyard.mail.from}, and so does
 * the sender the mail server is told (which it takes from the From).
 */
class MailMessageIds implements EnvironmentPostProcessor, Ordered {
    static final String PROPERTY = "spring.mail.properties.mail.from";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        boolean operators = Binder.get(environment).bind("spring.mail.properties", Bindable.mapOf(String.class, String.class))
                .map(properties -> properties.containsKey("mail.from")).orElse(false);
        if (operators) return;
        address(environment).ifPresent(address -> environment.getPropertySources()
                .addLast(new MapPropertySource("lanyard-mail-message-ids", Map.of(PROPERTY, address))));
    }

    /** The address whose domain the Message-IDs take, if there is one better than this machine's name. */
    static Optional<String> address(Environment environment) {
        Optional<String> from = addressIn(environment.getProperty("lanyard.mail.from", ""));
        if (from.isPresent() && !domain(from.get()).equalsIgnoreCase("localhost")) return from;
        String links = environment.getProperty(MailBaseUrl.PROPERTY, "").strip();
        if (links.isEmpty()) links = environment.getProperty(MailBaseUrl.PUBLIC_URL, "").strip();
        return hostName(links).map(host -> "lanyard@" + host);
    }

    /** The address of a {@code lanyard.mail.from} ("Lanyard <lanyard@example.com>" has lanyard@example.com); empty if none. */
    private static Optional<String> addressIn(String from) {
        if (from.isBlank()) return Optional.empty();
        try {
            String address = new jakarta.mail.internet.InternetAddress(from.strip(), true).getAddress();
            return address.lastIndexOf('@') > 0 ? Optional.of(address) : Optional.empty();
        } catch (jakarta.mail.internet.AddressException e) {
            return Optional.empty(); // MailSettings refuses it, naming the setting
        }
    }

    private static String domain(String address) {
        return address.substring(address.lastIndexOf('@') + 1);
    }

    /** The host of {@code url} when it is a name other than localhost: not an address, which no Message-ID should carry bare. */
    private static Optional<String> hostName(String url) {
        try {
            String host = URI.create(url).getHost();
            if (host == null || host.equalsIgnoreCase("localhost") || host.startsWith("[") || host.matches("[0-9.]+")) return Optional.empty();
            return Optional.of(host);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** After the configuration files are read. It reads the public URL itself, so it needs not follow {@link MailBaseUrl}. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
