package dev.lanyard.session;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.device.Device;
import dev.lanyard.device.DeviceType;
import dev.lanyard.geo.GeoLocation;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Clients that stop reading their downloads keep no one else from downloading (docs/decisions/0057-downloads-written-first.md).
 * A download of 2 MiB here (a handler of the test's own, through {@link Downloads} as the exports go) is far more than a
 * client's 4 KiB receive buffer and the server's 8 KiB send buffer hold, so a client that reads only the headers
 * leaves it unsent: held, until the client goes.
 */
@LanyardSpringTest
@Import({SlowDownloadsTest.BigDownload.class, SlowDownloadsTest.SmallSendBuffers.class})
class SlowDownloadsTest {
    private static final int SIZE = 2 << 20;
    static final String BIG = "/api/v1/test-only/big-download";
    static final ClientOrigin HERE = new ClientOrigin(new Device("Firefox", "133", "Ubuntu", "", DeviceType.DESKTOP, ""),
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64) Firefox/133.0", "127.0.0.1", GeoLocation.local());

    @LocalServerPort
    int port;
    @Autowired
    Sessions sessions;
    @Autowired
    Accounts accounts;
    @Autowired
    Downloads downloads;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Socket> stalled = new ArrayList<>();

    /** A download the size of a large export, made as the exports are made: through {@link Downloads#limited}. */
    @RestController
    static class BigDownload {
        private final Downloads downloads;

        BigDownload(Downloads downloads) {
            this.downloads = downloads;
        }

        @GetMapping(BIG)
        Download big(@AuthenticationPrincipal CurrentSession current) {
            return downloads.limited(current.account().id(), () -> ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM)
                    .header("Cache-Control", "no-store").body(out -> {
                        byte[] block = new byte[8192];
                        Arrays.fill(block, (byte) 'x');
                        for (int i = 0; i < SIZE / block.length; i++) out.write(block);
                    }));
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class SmallSendBuffers {
        @Bean
        TomcatConnectorCustomizer smallSendBuffer() {
            return connector -> connector.setProperty("socket.txBufSize", "8192");
        }
    }

    @AfterEach
    void closeStalled() {
        stalled.forEach(SlowDownloadsTest::close);
    }

    /** A new member signed in, with the session's cookie value. */
    private Member someone() {
        Account account = accounts.signUp(TestAccounts.newcomer("slow"));
        return new Member(account, sessions.start(new NewSession(account.id(), HERE, AppType.WEB, false)).token());
    }

    private record Member(Account account, String token) {
    }

    private String stall(String token, String path) throws IOException {
        Socket socket = new Socket();
        stalled.add(socket);
        return stall(socket, port, token, path);
    }

    /** Asks for {@code path}, reads the status line and headers, and then reads nothing more; returns the status line. */
    static String stall(Socket socket, int port, String token, String path) throws IOException {
        socket.setReceiveBufferSize(4096);
        socket.setSoTimeout(30_000);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nCookie: " + ApiClient.COOKIE + "="
                + token + "\r\n\r\n").getBytes(US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) break;
            head.write(b);
        }
        return head.toString(US_ASCII).lines().findFirst().orElse("");
    }

    private CompletableFuture<HttpResponse<byte[]>> download(String token, String path) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Cookie", ApiClient.COOKIE + "=" + token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void clientsThatStopReadingKeepNoOneElseFromDownloading() throws Exception {
        List<Member> slow = new ArrayList<>();
        for (int i = 0; i < 4; i++) slow.add(someone());
        // Two each, eight in all: more than the six the node writes at once.
        for (Member member : slow) {
            assertThat(stall(member.token(), BIG)).isEqualTo("HTTP/1.1 200 ");
            assertThat(stall(member.token(), BIG)).isEqualTo("HTTP/1.1 200 ");
        }
        assertThat(stall(slow.get(0).token(), BIG)).as("a member's own two are still theirs").isEqualTo("HTTP/1.1 429 ");

        String other = someone().token();
        CompletableFuture<HttpResponse<byte[]>> big = download(other, BIG);
        CompletableFuture<HttpResponse<byte[]>> export = download(other, "/api/v1/audit/export?format=csv");
        HttpResponse<byte[]> bigDone = big.get(60, TimeUnit.SECONDS);
        HttpResponse<byte[]> exportDone = export.get(60, TimeUnit.SECONDS);
        assertThat(bigDone.statusCode()).isEqualTo(200);
        assertThat(bigDone.body()).hasSize(SIZE);
        assertThat(bigDone.headers().allValues("Cache-Control")).containsExactly("no-store");
        assertThat(exportDone.statusCode()).isEqualTo(200);
        assertThat(new String(exportDone.body(), US_ASCII)).startsWith("seq,at,action,");

        // The slow ones were not sent meanwhile: each is still held for its member, by no thread.
        for (Member member : slow) assertThat(downloads.running(member.account().id())).isEqualTo(2);
        assertThat(downloads.writing()).isZero();

        stalled.forEach(SlowDownloadsTest::close);

        assertThat(eventually(() -> slow.stream().allMatch(m -> downloads.running(m.account().id()) == 0)))
                .as("a client gone gives its member's slot back").isTrue();
        assertThat(eventually(() -> openDownloadFiles() == 0)).as("and its file is closed").isTrue();
    }

    /** Open files this process made for downloads (none where /proc is not there to say; -1 if it cannot be read). */
    static long openDownloadFiles() {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) return 0;
        String prefix = Path.of(System.getProperty("java.io.tmpdir")).resolve("lanyard-download-").toString();
        try (Stream<Path> listed = Files.list(fds)) {
            return listed.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith(prefix);
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            }).count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Waits up to 10 seconds for {@code done}. */
    static boolean eventually(BooleanSupplier done) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (done.getAsBoolean()) return true;
            Thread.sleep(50);
        }
        return done.getAsBoolean();
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closed already.
        }
    }
}
