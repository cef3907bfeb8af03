package dev.lanyard.session;

import static dev.lanyard.session.SlowDownloadsTest.BIG;
import static dev.lanyard.session.SlowDownloadsTest.HERE;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * A client that accepts no more bytes is dropped after the container's write timeout (its connection timeout, 2 seconds
 * here, Tomcat's 60 by default): its member's slot comes back and its file is closed while the client still holds its
 * connection open (docs/decisions/0057-downloads-written-first.md). A client too slow to finish within the send's time
 * (3 seconds here, 30 minutes by default) is cut off, and can tell: the answer said its length.
 */
@LanyardSpringTest
@Import({SlowDownloadsTest.BigDownload.class, SlowDownloadsTest.SmallSendBuffers.class})
@TestPropertySource(properties = {"server.tomcat.connection-timeout=2s", "spring.mvc.async.request-timeout=3s"})
class StalledDownloadTimeoutTest {
    @LocalServerPort
    int port;
    @Autowired
    Sessions sessions;
    @Autowired
    Accounts accounts;
    @Autowired
    Downloads downloads;

    @Test
    void aClientThatAcceptsNoBytesIsDroppedAfterTheWriteTimeout() throws Exception {
        Account account = accounts.signUp(TestAccounts.newcomer("stalled"));
        String token = sessions.start(new NewSession(account.id(), HERE, AppType.WEB, false)).token();
        try (Socket socket = new Socket()) {
            assertThat(SlowDownloadsTest.stall(socket, port, token, BIG)).isEqualTo("HTTP/1.1 200 ");
            assertThat(downloads.running(account.id())).isEqualTo(1);

            assertThat(SlowDownloadsTest.eventually(() -> downloads.running(account.id()) == 0)).as("dropped, its slot back").isTrue();
            assertThat(SlowDownloadsTest.eventually(() -> SlowDownloadsTest.openDownloadFiles() == 0)).as("its file closed").isTrue();
            assertThat(socket.isClosed()).as("by the server, not the client").isFalse();
        }
    }

    @Test
    void aDownloadCutOffByItsTimeIsShorterThanTheLengthItAnnounced() throws Exception {
        Account account = accounts.signUp(TestAccounts.newcomer("slow"));
        String token = sessions.start(new NewSession(account.id(), HERE, AppType.WEB, false)).token();
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.setSoTimeout(30_000);
            socket.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
            socket.getOutputStream().write(("GET " + BIG + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nCookie: "
                    + dev.lanyard.web.ApiClient.COOKIE + "=" + token + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                int b = in.read();
                if (b < 0) break;
                head.append((char) b);
            }
            long announced = head.toString().lines().filter(l -> l.regionMatches(true, 0, "Content-Length:", 0, 15))
                    .mapToLong(l -> Long.parseLong(l.substring(15).strip())).findFirst().orElse(-1);
            assertThat(announced).as(head.toString()).isPositive();

            // About 40 KiB a second: the 2 MiB would take a minute, the send has 3 seconds.
            long received = 0;
            byte[] buffer = new byte[1024];
            for (int read; (read = in.read(buffer)) > 0 && received < announced; ) {
                received += read;
                Thread.sleep(25);
            }
            assertThat(received).as("cut off before the end it announced").isLessThan(announced);
        }
        assertThat(SlowDownloadsTest.eventually(() -> downloads.running(account.id()) == 0)).as("its slot back").isTrue();
    }
}
