package dev.lanyard.team;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.icegreen.greenmail.util.GreenMail;
import dev.lanyard.account.MailOutbox;
import com.icegreen.greenmail.util.ServerSetup;
import dev.lanyard.testsupport.SqliteDatabase;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.env.MapPropertySource;

/**
 * A real SMTP server for the test JVM (GreenMail, on a free loopback port), and what tests read
 * from it: the mails one address received and the invitation link in them. Lanyard sends over
 * SMTP as soon as {@code spring.mail.host} is set; {@link SqliteWithSmtp} sets it.
 *
 * <p>The server is shared by every context of the run. Tests only ever look at the mail of
 * addresses they made up themselves, so they never see each other's.
 */
public final class TestMail {
    private static final Pattern INVITE_LINK = Pattern.compile("(https?://\\S+?)?(/invite/([A-Za-z0-9_-]+))");
    private static GreenMail server;
    /** The mail outboxes of the running contexts that send here. */
    private static final Set<MailOutbox> outboxes = ConcurrentHashMap.newKeySet();

    private TestMail() {
    }

    /** The running server, started on first use and stopped when the JVM exits. */
    public static synchronized GreenMail server() {
        if (server == null) {
            GreenMail started = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
            started.start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "greenmail-stop"));
            server = started;
        }
        return server;
    }

    public static int port() {
        return server().getSmtp().getPort();
    }

    /**
     * The properties that send Lanyard's mail to this server. Sign-ups create their accounts at once, as without a mail
     * server: the tests that use this sign up their members directly. {@link SqliteConfirmingSignUps} confirms them.
     */
    public static Map<String, Object> springProperties() {
        return Map.of("spring.mail.host", "127.0.0.1", "spring.mail.port", port(), "lanyard.sign-up.confirm-email", false);
    }

    /**
     * Sends now whatever the running contexts' outboxes hold that is due: Lanyard sends after the
     * commit on a thread of its own, and a drain waits for one in progress, so once this returns
     * every mail of a finished request has arrived or failed.
     */
    public static void settle() {
        for (MailOutbox outbox : outboxes) {
            try {
                outbox.drain();
            } catch (RuntimeException closed) {
                outboxes.remove(outbox);
            }
        }
    }

    /** Every mail received so far, for any address. */
    public static int receivedCount() {
        settle();
        return server().getReceivedMessages().length;
    }

    /** Mails received for {@code address}, oldest first (the mailbox keeps them in the order they arrived). */
    public static List<MimeMessage> to(String address) {
        settle();
        return server().findReceivedMessages(user -> user.getEmail().equalsIgnoreCase(address), message -> true).toList();
    }

    /** A mail received for {@code address}, read as plain text. */
    public record Mail(String from, String to, String subject, String body) {
        /** The invitation link in the body: its full address. */
        public String link() {
            return match().group(0);
        }

        /** The invitation link's path, {@code /invite/<token>}, to follow on whatever port the test server has. */
        public String path() {
            return match().group(2);
        }

        /** The secret token of the invitation link. */
        public String token() {
            return match().group(3);
        }

        private Matcher match() {
            Matcher link = INVITE_LINK.matcher(body);
            if (!link.find()) throw new AssertionError("No invitation link in the mail to " + to + ":\n" + body);
            return link;
        }
    }

    /** The mails to {@code address}, oldest first, as text. */
    public static List<Mail> mailsTo(String address) {
        return to(address).stream().map(TestMail::read).toList();
    }

    /** The newest mail to {@code address}; fails when there is none. */
    public static Mail lastMailTo(String address) {
        List<Mail> mails = mailsTo(address);
        if (mails.isEmpty()) throw new AssertionError("No mail was sent to " + address);
        return mails.get(mails.size() - 1);
    }

    private static Mail read(MimeMessage message) {
        try {
            Object content = message.getContent();
            return new Mail(String.valueOf(message.getFrom()[0]), String.valueOf(message.getRecipients(Message.RecipientType.TO)[0]),
                    message.getSubject(), content instanceof String text ? text : String.valueOf(content));
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A fresh SQLite database ({@link SqliteDatabase}) and this SMTP server: every test class that
     * names it in {@code @LanyardSpringTest(database = ...)} shares one context.
     */
    public static class SqliteWithSmtp implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            new SqliteDatabase().initialize(context);
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("lanyard-test-smtp", springProperties()));
            register(context);
        }
    }

    /** As {@link SqliteWithSmtp}, with sign-ups confirmed by mail, as a server with a mail server has them by default. */
    public static class SqliteConfirmingSignUps implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            new SqliteDatabase().initialize(context);
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("lanyard-test-smtp",
                    Map.of("spring.mail.host", "127.0.0.1", "spring.mail.port", port())));
            register(context);
        }
    }

    /** As {@link SqliteConfirmingSignUps}, on the shared test PostgreSQL server. */
    public static class PostgresConfirmingSignUps implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            new dev.lanyard.testsupport.PostgresDatabase().initialize(context);
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("lanyard-test-smtp",
                    Map.of("spring.mail.host", "127.0.0.1", "spring.mail.port", port())));
            register(context);
        }
    }

    /** Lets {@link #settle()} drain this context's outbox while it runs. */
    static void register(ConfigurableApplicationContext context) {
        context.addApplicationListener((ApplicationListener<ContextRefreshedEvent>) refreshed -> {
            if (refreshed.getApplicationContext() == context) outboxes.add(context.getBean(MailOutbox.class));
        });
        context.addApplicationListener((ApplicationListener<ContextClosedEvent>) closed -> {
            if (closed.getApplicationContext() == context) outboxes.remove(context.getBean(MailOutbox.class));
        });
    }

    /**
     * A fresh SQLite database and an SMTP port with no mail server on it yet: the test plays the
     * mail server's outage on {@link #LATE_PORT} and starts GreenMail there when it is over.
     */
    public static class SqliteWithLateSmtp implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            new SqliteDatabase().initialize(context);
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("lanyard-test-late-smtp",
                    Map.of("spring.mail.host", "127.0.0.1", "spring.mail.port", LATE_PORT, "lanyard.sign-up.confirm-email", false,
                            "spring.mail.properties.mail.smtp.timeout", 3000)));
            register(context);
        }
    }

    /** Where {@link SqliteWithLateSmtp} sends: free when the run starts. */
    public static final int LATE_PORT = freePort();

    /** Starts a mail server on {@link #LATE_PORT}; the caller stops it. */
    public static GreenMail startLateServer() {
        GreenMail late = new GreenMail(new ServerSetup(LATE_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        late.start();
        return late;
    }

    /**
     * A mail server written for tests, on {@link #LATE_PORT}, that keeps what GreenMail does not show: the commands exactly
     * as their bytes came (read as UTF-8) and the messages' raw text; it offers SMTPUTF8 (RFC 6531) or not, as asked, and
     * accepts every command.
     */
    public static final class RecordingServer implements AutoCloseable {
        private final java.net.ServerSocket socket;
        private final boolean smtpUtf8;
        private final List<String> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Thread acceptor;

        /** Starts one that offers SMTPUTF8 in its EHLO answer when {@code smtpUtf8}; the caller closes it. */
        public static RecordingServer start(boolean smtpUtf8) throws IOException {
            return new RecordingServer(smtpUtf8);
        }

        private RecordingServer(boolean smtpUtf8) throws IOException {
            this.smtpUtf8 = smtpUtf8;
            this.socket = new java.net.ServerSocket(LATE_PORT, 50, java.net.InetAddress.getByName("127.0.0.1"));
            this.acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (java.net.Socket client = socket.accept()) {
                        converse(client);
                    } catch (IOException droppedOrClosed) {
                        // the client went away, or the server was closed
                    }
                }
            }, "recording-smtp");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        /** Every command received, as its bytes read as UTF-8, without the line's end. */
        public List<String> commands() {
            return List.copyOf(commands);
        }

        /** The commands that start with {@code verb} ("MAIL FROM", "RCPT TO"). */
        public List<String> commands(String verb) {
            return commands.stream().filter(c -> c.regionMatches(true, 0, verb, 0, verb.length())).toList();
        }

        /** Every message's text (headers and body) as its bytes read as UTF-8. */
        public List<String> messages() {
            return List.copyOf(messages);
        }

        private void converse(java.net.Socket client) throws IOException {
            var in = new java.io.BufferedInputStream(client.getInputStream());
            var out = client.getOutputStream();
            reply(out, "220 recording ESMTP");
            String line;
            while ((line = readLine(in)) != null) {
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
                commands.add(line);
                switch (verb) {
                    case "EHLO" -> reply(out, "250-recording\r\n" + (smtpUtf8 ? "250-SMTPUTF8\r\n" : "") + "250 8BITMIME");
                    case "DATA" -> {
                        reply(out, "354 go on");
                        StringBuilder message = new StringBuilder();
                        String data;
                        while ((data = readLine(in)) != null && !data.equals(".")) message.append(data).append('\n');
                        messages.add(message.toString());
                        reply(out, "250 kept");
                    }
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "250 ok");
                }
            }
        }

        private static String readLine(java.io.InputStream in) throws IOException {
            var bytes = new java.io.ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1 && b != '\n') if (b != '\r') bytes.write(b);
            if (b == -1 && bytes.size() == 0) return null;
            return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        }

        private static void reply(java.io.OutputStream out, String text) throws IOException {
            out.write((text + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws Exception {
            socket.close();
            acceptor.join(5000);
        }
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
