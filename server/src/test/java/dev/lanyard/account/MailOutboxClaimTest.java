package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * How long a node's claim holds its mail (outside review: a node killed while it held mail left it for 10 minutes after
 * the restart, a security notice among them). A claim covers one send with the SMTP timeouts the mail sender was given
 * (application.yml's unless the operator set others) and is renewed as each mail's turn comes: a dead node's mail goes out again within minutes, and two live nodes still never
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

    /**
     * A mail server that takes {@code each} of the clock's time for every mail, then runs {@code meanwhile}: Spring's
     * sender, whose SMTP timeouts the outbox reads, with its sending replaced.
     */
    final class SlowServer extends JavaMailSenderImpl {
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
    }

    /** A mail sender of the operator's own, not Spring's: its timeouts cannot be read. */
    static final class OwnSender implements JavaMailSender {
        @Override
        public void send(SimpleMailMessage... messages) {
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

    /** Spring's sender with these {@code spring.mail.properties}. */
    private static JavaMailSenderImpl sender(String protocol, Map<String, String> properties) {
        JavaMailSenderImpl sender = new JavaMailSenderImpl();
        sender.setProtocol(protocol);
        sender.setJavaMailProperties(properties(properties));
        return sender;
    }

    private static Properties properties(Map<String, String> values) {
        Properties properties = new Properties();
        properties.putAll(values);
        return properties;
    }

    private MailOutbox outbox(JavaMailSender server) {
        return new MailOutbox(store, new StaticListableBeanFactory(Map.of("smtp", server)).getBeanProvider(JavaMailSender.class),
                new MailSettings(null, null, null, null, null, null, null), clock);
    }

    private long add(String to) {
        return store.add(new TeamId("team_mail"), to, "An API key was created on your Lanyard account", "A key was made.", clock.instant(),
                java.util.Optional.empty());
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
        for (String timeout : List.of("connectiontimeout", "timeout", "writetimeout")) {
            assertThat(settings.getProperty("spring.mail.properties[mail.smtps." + timeout + "]"))
                    .as("smtps, which Angus Mail reads for spring.mail.protocol smtps, bounded as smtp is: " + timeout)
                    .isEqualTo(settings.getProperty("spring.mail.properties[mail.smtp." + timeout + "]"));
        }
        assertThat(MailOutbox.CLAIM).isGreaterThan(connection.plus(read.multipliedBy(MailOutbox.SMTP_EXCHANGES)))
                .isLessThanOrEqualTo(Duration.ofMinutes(3));
    }

    /** Outside review: the claim was made of application.yml's timeouts whatever the operator set, shorter than one send. */
    @Test
    void theClaimCoversOneSendWithTheTimeoutsTheOperatorSet() {
        JavaMailSenderImpl slow = sender("smtp", Map.of("mail.smtp.connectiontimeout", "30000", "mail.smtp.timeout", "60000",
                "mail.smtp.writetimeout", "20000"));

        assertThat(MailOutbox.claimFor(slow)).as("30 s to connect, then 12 reads or writes of up to 60 s, and 25 s to spare")
                .isEqualTo(Duration.ofSeconds(30 + 12 * 60 + 25));
        assertThat(MailOutbox.claimFor(sender("smtp", Map.of("mail.smtp.writetimeout", "90000"))))
                .as("the longer of the two waits, the others as application.yml has them")
                .isEqualTo(Duration.ofSeconds(5 + 12 * 90 + 25));
        assertThat(MailOutbox.claimFor(sender("smtps", Map.of("mail.smtps.timeout", "60000", "mail.smtp.timeout", "1000"))))
                .as("smtps reads its own").isEqualTo(Duration.ofSeconds(5 + 12 * 60 + 25));
    }

    @Test
    void aTimeoutNotSetOrWithoutLimitCountsAsApplicationYmls() {
        assertThat(MailOutbox.claimFor(sender("smtp", Map.of()))).isEqualTo(MailOutbox.CLAIM);
        assertThat(MailOutbox.claimFor(sender("smtp", Map.of("mail.smtp.timeout", "0", "mail.smtp.writetimeout", "-1",
                "mail.smtp.connectiontimeout", "soon")))).isEqualTo(MailOutbox.CLAIM);
        assertThat(MailOutbox.claimFor(new OwnSender())).as("the operator's own sender").isEqualTo(MailOutbox.CLAIM);
        assertThat(MailOutbox.CLAIM).isEqualTo(Duration.ofSeconds(5 + 12 * 10 + 25));
    }

    /** With a read timeout of 5 minutes one send may take an hour: another node must not take the mail at 3 minutes. */
    @Test
    void aNodeHoldsItsMailAsLongAsTheOperatorsTimeoutsLetOneSendTake() {
        add("security@example.com");
        List<MailOutboxStore.Outgoing> otherNode = new CopyOnWriteArrayList<>();
        SlowServer server = new SlowServer(Duration.ofMinutes(30),
                () -> otherNode.addAll(store.claim("other-node", clock.instant(), clock.instant().plus(MailOutbox.CLAIM), 10)));
        server.setJavaMailProperties(properties(Map.of("mail.smtp.timeout", "300000")));

        assertThat(outbox(server).drain()).isEqualTo(1);

        assertThat(otherNode).as("still held by the first node's claim").isEmpty();
        assertThat(server.sentTo).containsExactly("security@example.com");
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

    /**
     * A mail whose link expired before it could be sent (the mail server away past a reset link's hour) is given up with
     * why, never sent; one whose link still works goes out (outside review).
     */
    @Test
    void aMailWhoseLinkHasExpiredIsGivenUpAndNeverSent() {
        Instant queued = clock.instant();
        long expired = store.add(new TeamId("team_mail"), "late@example.com", "Reset your Lanyard password", "Open /reset/t0ken",
                queued, java.util.Optional.of(queued.plus(Duration.ofHours(1))));
        store.add(new TeamId("team_mail"), "fresh@example.com", "New sign-in to your Lanyard account", "This wasn't me: /not-me/t0ken",
                queued, java.util.Optional.of(queued.plus(Duration.ofHours(24))));
        SlowServer server = new SlowServer(Duration.ZERO, () -> { });

        clock.set(queued.plus(Duration.ofHours(1)));
        assertThat(outbox(server).drain()).isEqualTo(1);

        assertThat(server.sentTo).containsExactly("fresh@example.com");
        assertThat(store.undelivered(new TeamId("team_mail"), 10, Optional.empty())).singleElement().satisfies(mail -> {
            assertThat(mail.id()).isEqualTo(expired);
            assertThat(mail.reason()).isEqualTo(MailOutbox.LINK_EXPIRED_REASON).contains("its link expired before the mail server accepted it");
        });
        assertThat(store.backlog().pending()).isZero();
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
