package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.springframework.boot.mail.autoconfigure.MailProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The Message-ID of Lanyard's mails names the domain they come from, not {@code localhost} (outside review: spam filters
 * count a {@code <…@localhost>} Message-ID against a mail).
 */
class MailMessageIdsTest {

    /** The Message-ID Jakarta Mail gives a message sent through the mail session Spring Boot makes from {@code settings}. */
    private static String messageId(Map<String, Object> settings) throws Exception {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", settings));
        new MailMessageIds().postProcessEnvironment(environment, null);
        MailProperties mail = Binder.get(environment).bindOrCreate("spring.mail", MailProperties.class);
        Properties session = new Properties();
        session.putAll(mail.getProperties());
        MimeMessage message = new MimeMessage(Session.getInstance(session));
        message.setFrom("lanyard@example.com");
        message.setText("Hello");
        message.saveChanges();
        return message.getMessageID();
    }

    @Test
    void theMessageIdTakesTheDomainOfTheFromAddress() throws Exception {
        assertThat(messageId(Map.of("lanyard.mail.from", "Lanyard <lanyard@mail.example.com>"))).endsWith("@mail.example.com>");
        assertThat(messageId(Map.of("lanyard.mail.from", "sessions@example.org", "lanyard.web.public-url", "https://lanyard.example.com")))
                .as("the from address first").endsWith("@example.org>");
    }

    @Test
    void withTheDefaultFromItTakesTheHostOfTheMailLinks() throws Exception {
        assertThat(messageId(Map.of("lanyard.web.public-url", "https://lanyard.example.com"))).endsWith("@lanyard.example.com>");
        assertThat(messageId(Map.of("lanyard.mail.from", "lanyard@localhost", "lanyard.mail.base-url", "https://id.example.net/lanyard")))
                .endsWith("@id.example.net>");
    }

    @Test
    void theOperatorsOwnMailFromAndAnAddressAsHostAreLeftToJakartaMail() throws Exception {
        assertThat(messageId(Map.of("lanyard.mail.from", "lanyard@example.com", "spring.mail.properties[mail.from]", "ops@example.net")))
                .endsWith("@example.net>");
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of("lanyard.web.public-url", "http://192.0.2.7:8080")));
        assertThat(MailMessageIds.address(environment)).as("no better name than the machine's").isEmpty();
    }
}
