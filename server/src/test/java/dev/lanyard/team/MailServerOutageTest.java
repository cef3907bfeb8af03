package dev.lanyard.team;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.icegreen.greenmail.util.GreenMail;
import dev.lanyard.account.MailOutbox;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.json.JsonMapper;

/**
 * Invitation mail while the mail server is down (issue 8, item 13): the invitation is made at once
 * whatever SMTP does, and its mail goes out, once, when the server is back.
 */
@LanyardSpringTest(database = TestMail.SqliteWithLateSmtp.class)
@ExtendWith(OutputCaptureExtension.class)
class MailServerOutageTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MutableClock clock;
    @Autowired
    MailOutbox outbox;
    @Value("${lanyard.mail.max-attempts}")
    int maxAttempts;
    @LocalServerPort
    int port;
    @Autowired
    org.springframework.context.ApplicationContext context;

    private record Row(int attempts, String lastError, boolean sent, String body) {
    }

    private Row row(String email) {
        return jdbc.sql("SELECT attempts, last_error, sent_at, body FROM mail_outbox WHERE recipient = :to")
                .param("to", email)
                .query((rs, n) -> new Row(rs.getInt("attempts"), rs.getString("last_error"), rs.getObject("sent_at") != null,
                        rs.getString("body")))
                .single();
    }

    private static List<jakarta.mail.internet.MimeMessage> to(GreenMail server, String email) {
        return server.findReceivedMessages(user -> user.getEmail().equalsIgnoreCase(email), message -> true).toList();
    }

    @Test
    void inviteSucceedsAtOnceWhileTheMailServerHangsAndTheMailArrivesOnceItIsBack(CapturedOutput output) throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member admin = team.admin("hana");
        String email = TestAccounts.uniqueEmail("later");
        // A mail server that accepts connections and never answers: the worst kind of dead.
        CountDownLatch connected = new CountDownLatch(1);
        List<Socket> held = new CopyOnWriteArrayList<>();
        ServerSocket hanging = new ServerSocket(TestMail.LATE_PORT, 50, InetAddress.getByName("127.0.0.1"));
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    held.add(hanging.accept());
                    connected.countDown();
                }
            } catch (IOException closed) {
                // the outage is over
            }
        });
        acceptor.start();
        String id;
        try {
            id = team.invite(admin, email, "member");

            assertThat(connected.await(30, TimeUnit.SECONDS)).as("the outbox tried the mail server").isTrue();
            Row during = row(email);
            assertThat(during.attempts()).isEqualTo(1);
            assertThat(during.sent()).isFalse();
            assertThat(during.lastError()).as("the attempt is still waiting for the server; the invitation did not").isNull();
        } finally {
            hanging.close();
            for (Socket s : held) s.close();
            acceptor.join();
        }
        outbox.drain();
        Row failed = row(email);
        assertThat(failed.sent()).isFalse();
        assertThat(failed.lastError()).isNotBlank();
        assertThat(TestMail.mailsTo(email)).isEmpty();

        GreenMail server = TestMail.startLateServer();
        try {
            outbox.drain();
            assertThat(to(server, email)).as("not due before its retry delay").isEmpty();

            clock.advance(Duration.ofSeconds(30));
            outbox.drain();
            outbox.drain();

            assertThat(to(server, email)).as("once").hasSize(1);
            String body = String.valueOf(to(server, email).get(0).getContent());
            assertThat(body).contains("/invite/");
            Row sent = row(email);
            assertThat(sent.sent()).isTrue();
            assertThat(sent.attempts()).isEqualTo(2);
            assertThat(sent.body()).as("the link is not kept once sent").isEmpty();
            String token = body.substring(body.indexOf("/invite/") + "/invite/".length()).split("\\s", 2)[0];
            assertThat(output.getAll()).as("the link never reaches the log").doesNotContain(token);
            assertThat(failed.lastError()).doesNotContain(token);

            Member joined = team.signedIn(email, team.accept(token, "Late", TestAccounts.PASSWORD));
            assertThat(team.current(joined).getResponse().getStatus()).isEqualTo(200);
            assertThat(jdbc.sql("SELECT accepted_at IS NOT NULL FROM invitations WHERE id = :id").param("id", id)
                    .query(Boolean.class).single()).isTrue();
        } finally {
            server.stop();
        }
    }

    @Test
    void anInvitationWhoseMailWasGivenUpSaysSoToItsAdminsAndAResendSendsIt() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member admin = team.admin("ines");
        String email = TestAccounts.uniqueEmail("bounced");
        String id = team.invite(admin, email, "member");
        assertThat(mail(team, admin, id)).as("queued: nothing tried yet, or tried and failing")
                .isIn("queued", "retrying");

        outbox.drain(); // no mail server on the port: refused
        assertThat(mail(team, admin, id)).isEqualTo("retrying");
        assertThat(invitationsPage(team, admin)).contains("Mail not sent yet, retrying").doesNotContain("Mail not delivered");

        // Its last attempt fails too: given up.
        jdbc.sql("UPDATE mail_outbox SET attempts = :last WHERE recipient = :to")
                .param("last", maxAttempts - 1).param("to", email).update();
        clock.advance(Duration.ofHours(2));
        outbox.drain();
        assertThat(jdbc.sql("SELECT given_up_at IS NOT NULL FROM mail_outbox WHERE recipient = :to").param("to", email)
                .query(Boolean.class).single()).isTrue();

        assertThat(mail(team, admin, id)).as("the admin is told, where it stayed pending as if delivered").isEqualTo("undelivered");
        assertThat(status(team, admin, id)).as("the API's code").isEqualTo("pending");
        assertThat(invitationsPage(team, admin)).contains("Mail not delivered").contains("never reached its person")
                .as("the page's word").contains("<span>Pending</span>");

        GreenMail server = TestMail.startLateServer();
        try {
            var resent = team.perform(team.json(post("/api/v1/admin/invitations/" + id + "/resend"), admin, "{}"));
            assertThat(resent.getResponse().getStatus()).as(resent.getResponse().getContentAsString()).isEqualTo(200);
            assertThat(team.read(resent).path("mail").asString()).isIn("queued", "sent");
            outbox.drain();
            assertThat(to(server, email)).hasSize(1);
            assertThat(mail(team, admin, id)).isEqualTo("sent");
            assertThat(invitationsPage(team, admin)).doesNotContain("Mail not delivered").doesNotContain("never reached");
        } finally {
            server.stop();
        }
    }

    /**
     * A reset link lives an hour (decision 67). Its mail, still waiting for the mail server when the hour is over, is given
     * up with a reason the admin, health and log all give, never delivered with a link that only says it expired (outside
     * review).
     */
    @Test
    void aResetMailWhoseLinkExpiredWhileTheMailServerWasAwayIsGivenUpNotSent(CapturedOutput output) throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member admin = team.admin("olga");
        String subject = "Reset your Lanyard password";
        mvc.perform(post("/login/forgot").with(org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf())
                .with(dev.lanyard.web.ApiClient.from("203.0.113.67")).param("email", admin.email()));
        outbox.drain(); // no mail server on the port: refused, retried later
        assertThat(resetMail(admin.email(), subject)).isEqualTo("waiting");

        clock.advance(Duration.ofMinutes(59));
        GreenMail server = TestMail.startLateServer();
        try {
            clock.advance(Duration.ofMinutes(1));
            outbox.drain();

            assertThat(to(server, admin.email())).as("its link has expired: not sent").isEmpty();
            assertThat(resetMail(admin.email(), subject)).isEqualTo("given up");
            String page = mvc.perform(team.page(get("/admin/outbox"), admin)).andReturn().getResponse().getContentAsString();
            assertThat(page).contains("Mail not delivered").contains("its link expired before the mail server accepted it");
            var health = ((org.springframework.boot.health.contributor.HealthIndicator) context.getBean("mailOutboxHealthIndicator")).health();
            assertThat(String.valueOf(health.getDetails().get("lastUndelivered"))).contains("its link expired before the mail server accepted it");
            assertThat(output.getAll()).contains("its link expired at");

            clock.advance(Duration.ofHours(2));
            outbox.drain();
            assertThat(to(server, admin.email())).isEmpty();
        } finally {
            server.stop();
        }
    }

    /** The state of the one mail to {@code email} with {@code subject}: "sent", "given up" or "waiting". */
    private String resetMail(String email, String subject) {
        return jdbc.sql("SELECT sent_at, given_up_at FROM mail_outbox WHERE recipient = :to AND subject = :subject")
                .param("to", email).param("subject", subject)
                .query((rs, n) -> rs.getObject("sent_at") != null ? "sent" : rs.getObject("given_up_at") != null ? "given up" : "waiting")
                .single();
    }

    private String mail(TeamClient team, Member admin, String id) throws Exception {
        return field(team, admin, id, "mail");
    }

    private String status(TeamClient team, Member admin, String id) throws Exception {
        return field(team, admin, id, "status");
    }

    private String field(TeamClient team, Member admin, String id, String name) throws Exception {
        var list = mvc.perform(team.as(get("/api/v1/admin/invitations"), admin)).andReturn();
        for (var i : team.read(list)) if (i.path("id").asString().equals(id)) return i.path(name).asString();
        throw new AssertionError("no invitation " + id + " in " + list.getResponse().getContentAsString());
    }

    private String invitationsPage(TeamClient team, Member admin) throws Exception {
        return mvc.perform(team.page(get("/admin/members"), admin)).andReturn().getResponse().getContentAsString();
    }

    // ---- addresses with characters outside ASCII before the @ (RFC 6531, decision 73)

    /** The MAIL FROM of the mail whose RCPT TO is {@code rcpt}: the last one before it. */
    private static String mailFromOf(List<String> commands, String rcpt) {
        int at = commands.indexOf(rcpt);
        assertThat(at).as("sent: " + rcpt + " in " + commands).isNotNegative();
        for (int i = at; i >= 0; i--) if (commands.get(i).startsWith("MAIL FROM")) return commands.get(i);
        throw new AssertionError("no MAIL FROM before " + rcpt);
    }

    private boolean givenUp(String email) {
        return jdbc.sql("SELECT given_up_at IS NOT NULL FROM mail_outbox WHERE recipient = :to").param("to", email)
                .query(Boolean.class).single();
    }

    @Test
    void anAddressWithCharactersOutsideAsciiBeforeTheAtGoesOutInUtf8WithSmtpUtf8WhenTheServerOffersIt() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member admin = team.admin("rania");
        String unique = TestAccounts.uniqueEmail("x").split("@")[0];
        String renee = "renée." + unique + "@bücher.example";
        String lama = "لمى+" + unique + "@مثال.مصر";
        String ascii = TestAccounts.uniqueEmail("plain");

        try (TestMail.RecordingServer server = TestMail.RecordingServer.start(true)) {
            team.invite(admin, renee, "member");
            team.invite(admin, lama, "member");
            team.invite(admin, ascii, "member");
            outbox.drain();

            List<String> commands = server.commands();
            String reneeRcpt = "RCPT TO:<renée." + unique + "@xn--bcher-kva.example>";
            String lamaRcpt = "RCPT TO:<لمى+" + unique + "@" + java.net.IDN.toASCII("مثال.مصر") + ">";
            assertThat(commands).as("each character in UTF-8, the domain as ever in ASCII").contains(reneeRcpt, lamaRcpt);
            assertThat(mailFromOf(commands, reneeRcpt)).endsWith(" SMTPUTF8");
            assertThat(mailFromOf(commands, lamaRcpt)).endsWith(" SMTPUTF8");
            assertThat(mailFromOf(commands, "RCPT TO:<" + ascii + ">")).as("ASCII mail as before").doesNotContain("SMTPUTF8");
            assertThat(server.messages()).anySatisfy(m -> assertThat(m).contains("To: renée." + unique + "@xn--bcher-kva.example"));
            assertThat(row(renee).sent()).isTrue();
            assertThat(row(lama).sent()).isTrue();
            assertThat(row(ascii).sent()).isTrue();
        }
    }

    @Test
    void anAddressThatNeedsSmtpUtf8IsNeverSentToAServerWithoutItAndShowsAsUndeliveredWithWhy() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member admin = team.admin("soren");
        String unique = TestAccounts.uniqueEmail("x").split("@")[0];
        String soren = "søren+" + unique + "@exämple.dk";
        String ascii = TestAccounts.uniqueEmail("plain");

        try (TestMail.RecordingServer server = TestMail.RecordingServer.start(false)) {
            String id = team.invite(admin, soren, "member");
            team.invite(admin, ascii, "member");
            outbox.drain();

            assertThat(server.commands("RCPT TO")).as("not to any mailbox").noneMatch(c -> c.contains(unique))
                    .contains("RCPT TO:<" + ascii + ">");
            assertThat(mailFromOf(server.commands(), "RCPT TO:<" + ascii + ">")).doesNotContain("SMTPUTF8");
            Row held = row(soren);
            assertThat(held.sent()).isFalse();
            assertThat(givenUp(soren)).as("not retried against the same server").isTrue();
            assertThat(held.lastError()).contains("SMTPUTF8").contains("outside ASCII before the @");
            assertThat(held.body()).as("the link is not kept").isEmpty();
            assertThat(row(ascii).sent()).isTrue();

            assertThat(mail(team, admin, id)).isEqualTo("undelivered");
            String page = mvc.perform(team.page(get("/admin/outbox"), admin)).andReturn().getResponse().getContentAsString();
            assertThat(page).contains("Mail not delivered").contains("To <bdi>" + soren + "</bdi>").contains("does not offer SMTPUTF8");
            var health = ((org.springframework.boot.health.contributor.HealthIndicator) context.getBean("mailOutboxHealthIndicator")).health();
            assertThat(health.getStatus().getCode()).isEqualTo("UP");
            assertThat(String.valueOf(health.getDetails().get("lastUndelivered"))).contains("SMTPUTF8");

            clock.advance(Duration.ofHours(2));
            outbox.drain();
            assertThat(server.commands("RCPT TO")).noneMatch(c -> c.contains(unique));
        }
    }

    /** Outside review: the outbox showed the 50 mails given up most recently, and nothing said there were more. */
    @Test
    void theOutboxGoesOnToMailGivenUpEarlier() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member admin = team.admin("gus");
        String teamId = jdbc.sql("SELECT team_id FROM accounts WHERE id = :id").param("id", admin.accountId()).query(String.class).single();
        for (int i = 1; i <= 51; i++) {
            jdbc.sql("""
                    INSERT INTO mail_outbox (team_id, recipient, subject, body, created_at, next_attempt_at, attempts, given_up_at, last_error)
                    VALUES (:team, :to, :subject, '', 0, 0, 20, :at, 'refused')""")
                    .param("team", teamId).param("to", admin.email()).param("subject", "Given up number " + i + ".")
                    .param("at", 1000L * i).update();
        }

        String first = team.perform(team.page(get("/admin/outbox"), admin)).getResponse().getContentAsString();
        String earlier = team.perform(team.page(get(TeamClient.link(first, "Mail given up earlier")), admin)).getResponse()
                .getContentAsString();

        assertThat(first.split("class=\"card current-less undelivered\"", -1).length - 1).isEqualTo(50);
        assertThat(first).contains("Given up number 51.", "Given up number 2.").doesNotContain("Given up number 1.");
        assertThat(earlier).contains("Given up number 1.").doesNotContain("Given up number 2.", "Mail given up earlier");
        assertThat(team.perform(team.page(get("/admin/outbox?undelivered=bm90LWEtY3Vyc29y"), admin)).getResponse().getStatus())
                .as("a cursor this list never handed out").isEqualTo(400);
    }

    @Test
    void healthShowsTheMailWaitingAndStaysUp() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member admin = team.admin("iris");
        String email = TestAccounts.uniqueEmail("waiting");
        team.invite(admin, email, "member");
        outbox.drain();

        var health = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get("/actuator/health/mailOutbox"))
                .andReturn().getResponse();

        assertThat(health.getStatus()).isEqualTo(200);
        assertThat(health.getContentAsString()).as("a mail outage does not take the node out").contains("\"status\":\"UP\"");
    }

    @Test
    void theNodesHealthAsksNoMailServer() throws Exception {
        var health = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get("/actuator/health"))
                .andReturn().getResponse();

        // Spring Boot's own mail check would connect to the mail server on every (anonymous) health request and
        // answer DOWN (503) while it is away: a load balancer would then take every node out.
        assertThat(health.getContentAsString()).contains("\"mailOutbox\"").doesNotContain("\"mail\":");
    }
}
