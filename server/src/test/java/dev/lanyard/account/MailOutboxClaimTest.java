package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.testsupport.MutableClock;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;

/**
 * How long a node's claim holds its mail (outside review: a node killed while it held mail left it for 10 minutes after
 * the restart, a security notice among them). A claim covers one send with the SMTP timeouts of application.yml and is
 * renewed as each mail's turn comes: a dead node's mail goes out again within minutes, and two live nodes still never
 * send the same mail.
 */
class MailOutboxClaimTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-10T09:15:00Z"));
    private HikariDataSource dataSource;
    private MailOutboxStore store;

    @BeforeEach
    void openStore() {
        dataSource = MigratedDatabases.sqlite();
        store = new JdbcMailOutboxStore(JdbcClient.create(dataSource));
    }

    @AfterEach
    void closeDatabase() {
        dataSource.close();
    }

    /** A mail server that takes {@code each} of the clock's time for every mail, then runs {@code meanwhile}. */
    final class SlowServer implements JavaMailSender {
        final List<String> sentTo = new CopyOnWriteArrayList<>();
        private final Duration each;
        private final Runnable meanwhile;

        SlowServer(Duration each, Runnable meanwhile) {
            this.each = each;
            this.meanwhile = meanwhile;
        }

        @Override
        public void send(SimpleMailMessage... messages) {
            for (SimpleMailMessage message : messages) {
                clock.advance(each);
                meanwhile.run();
                sentTo.addAll(List.of(message.getTo()));
            }
        }

        @Override
        public MimeMessage createMimeMessage() {
            throw new UnsupportedOperationException();
        }

        @Override
        public MimeMessage createMimeMessage(InputStream contentStream) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void send(MimeMessage... mimeMessages) {
            throw new UnsupportedOperationException();
        }
    }

    private MailOutbox outbox(JavaMailSender server) {
        return new MailOutbox(store, new StaticListableBeanFactory(Map.of("smtp", server)).getBeanProvider(JavaMailSender.class),
                new MailSettings(null, null, null, null, null, null, null), clock);
    }

    private long add(String to) {
        return store.add(new TeamId("team_mail"), to, "An API key was created on your Lanyard account", "A key was made.", clock.instant());
    }

    @Test
    void theClaimCoversOneSendWithTheTimeoutsOfApplicationYmlAndLastsMinutesNotTen() {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new ClassPathResource("application.yml"));
        Properties settings = yaml.getObject();
        Duration connection = Duration.ofMillis(Long.parseLong(settings.getProperty("spring.mail.properties[mail.smtp.connectiontimeout]")));
        Duration read = Duration.ofMillis(Long.parseLong(settings.getProperty("spring.mail.properties[mail.smtp.timeout]")));
        Duration write = Duration.ofMillis(Long.parseLong(settings.getProperty("spring.mail.properties[mail.smtp.writetimeout]")));

        assertThat(List.of(connection, read, write)).as("the timeouts the claim is made of")
                .containsExactly(MailOutbox.SMTP_CONNECTION, MailOutbox.SMTP_EXCHANGE, MailOutbox.SMTP_EXCHANGE);
        assertThat(MailOutbox.CLAIM).isGreaterThan(connection.plus(read.multipliedBy(MailOutbox.SMTP_EXCHANGES)))
                .isLessThanOrEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void mailADeadNodeHadClaimedIsSentOnceItsClaimRunsOut() {
        add("security@example.com");
        Instant died = clock.instant();
        assertThat(store.claim("killed-node", died, died.plus(MailOutbox.CLAIM), 10)).hasSize(1);
        SlowServer server = new SlowServer(Duration.ZERO, () -> { });

        clock.set(died.plus(MailOutbox.CLAIM).minusMillis(1));
        assertThat(outbox(server).drain()).as("the claim still holds: the node may be sending it").isZero();
        clock.set(died.plus(MailOutbox.CLAIM));
        assertThat(outbox(server).drain()).isEqualTo(1);

        assertThat(server.sentTo).containsExactly("security@example.com");
    }

    /** Three sends of 70 s each outlast one claim (150 s): each mail's claim is renewed as its turn comes. */
    @Test
    void aBatchThatOutlastsOneClaimKeepsEachMailUntilItIsSent() {
        for (String to : List.of("a@example.com", "b@example.com", "c@example.com")) add(to);
        List<MailOutboxStore.Outgoing> otherNode = new CopyOnWriteArrayList<>();
        SlowServer server = new SlowServer(Duration.ofSeconds(70),
                () -> otherNode.addAll(store.claim("other-node", clock.instant(), clock.instant().plus(MailOutbox.CLAIM), 10)));

        assertThat(outbox(server).drain()).isEqualTo(3);

        assertThat(server.sentTo).containsExactly("a@example.com", "b@example.com", "c@example.com");
        assertThat(otherNode).as("no mail claimable by another node while this one sends").isEmpty();
    }

    /** A send stuck longer than the claim: the next mail, taken over by another node meanwhile, is left to it, not sent twice. */
    @Test
    void aMailAnotherNodeTookOverWhileThisOneWasStuckIsLeftToIt() {
        add("a@example.com");
        long second = add("b@example.com");
        List<MailOutboxStore.Outgoing> otherNode = new CopyOnWriteArrayList<>();
        SlowServer server = new SlowServer(MailOutbox.CLAIM.plusSeconds(1),
                () -> otherNode.addAll(store.claim("other-node", clock.instant(), clock.instant().plus(MailOutbox.CLAIM), 10)));

        assertThat(outbox(server).drain()).isEqualTo(1);

        assertThat(server.sentTo).containsExactly("a@example.com");
        assertThat(otherNode).extracting(MailOutboxStore.Outgoing::id).contains(second);
    }
}
