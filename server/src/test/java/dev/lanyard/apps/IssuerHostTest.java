package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Without a configured issuer, a request's {@code Host} named the issuer: {@code Host: evil.example} made discovery, and
 * the tokens issued, say {@code http://evil.example}, and the sign-in redirect went there. Now only a Host that names
 * this server as the connection reached it is taken; any other is a 400 at the authorization server's endpoints, and
 * redirects are relative.
 */
@LanyardSpringTest
class IssuerHostTest {
    @LocalServerPort
    int port;

    /** The raw response to a request sent with {@code host} as its Host header, which java.net.http does not let a caller set. */
    private String send(String requestLine, String host, String... headers) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            StringBuilder request = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\nConnection: close\r\n");
            for (String header : headers) request.append(header).append("\r\n");
            socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aForeignHostIsNotTakenForTheIssuer() throws IOException {
        for (String host : new String[] {"evil.example", "evil.example:" + port, "127.0.0.1:" + (port == 65535 ? 1 : port + 1), "10.9.8.7:" + port}) {
            for (String path : new String[] {"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server", "/oauth2/jwks",
                    "/oauth2/authorize?response_type=code&client_id=x&redirect_uri=https://x.example/cb&scope=openid"}) {
                String response = send("GET " + path, host);
                assertThat(response).as(host + " " + path).startsWith("HTTP/1.1 400").contains("invalid_request")
                        .contains("no issuer is configured").doesNotContain("evil.example").doesNotContain("10.9.8.7");
            }
        }
        String token = send("POST /oauth2/token?grant_type=client_credentials", "evil.example",
                "Authorization: Basic eDp5", "Content-Type: application/x-www-form-urlencoded", "Content-Length: 0");
        assertThat(token).startsWith("HTTP/1.1 400").doesNotContain("access_token");
    }

    @Test
    void thisServersOwnNamesAreTheIssuerAsBefore() throws IOException {
        for (String host : new String[] {"127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port}) {
            String response = send("GET /.well-known/openid-configuration", host);
            assertThat(response).as(host).startsWith("HTTP/1.1 200")
                    .contains("\"issuer\":\"http://" + host + "\"");
        }
    }

    @Test
    void aRedirectToTheSignInPageIsRelativeWhateverTheHost() throws IOException {
        String response = send("GET /settings/sessions", "evil.example", "Accept: text/html");

        assertThat(response).startsWith("HTTP/1.1 302");
        String location = response.lines().filter(l -> l.regionMatches(true, 0, "Location:", 0, 9)).findFirst().orElseThrow();
        assertThat(location.substring(9).strip()).startsWith("/login").doesNotContain("evil.example");
    }
}
