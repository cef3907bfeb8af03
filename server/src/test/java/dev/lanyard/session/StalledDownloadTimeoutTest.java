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
 * connection open (docs/decisions/0057-downloads-written-first.md).
 */
@LanyardSpringTest
@Import({SlowDownloadsTest.BigDownload.class, SlowDownloadsTest.SmallSendBuffers.class})
@TestPropertySource(properties = "server.tomcat.connection-timeout=2s")
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
}
