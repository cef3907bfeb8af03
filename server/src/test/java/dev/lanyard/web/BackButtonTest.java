package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.lanyard.account.SignUp;
import dev.lanyard.account.TestAccounts;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * ASVS 5.0 V7.4.1: after logging out, neither the browser's cache (the back button) nor the old
 * cookie brings back a signed-in page.
 */
@LanyardSpringTest
class BackButtonTest {
    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path, String cookie) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Cookie", cookie);
    }

    @Test
    void signedInPagesAreNeverCachedAndTheOldCookieIsRefusedAfterLogout() throws Exception {
        SignUp who = TestAccounts.newcomer("back-button");
        HttpResponse<String> signedUp = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/signup"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + who.email() + "\",\"password\":\"" + who.password()
                        + "\",\"name\":\"" + who.name() + "\",\"team\":\"" + who.team() + "\"}")));
        assertThat(signedUp.statusCode()).isEqualTo(201);
        String cookie = signedUp.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(ApiClient.COOKIE + "=")).findFirst().orElseThrow().split(";", 2)[0];

        HttpResponse<String> page = send(request("/settings/sessions", cookie).header("Accept", "text/html"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Cache-Control")).get().asString().contains("no-store");

        HttpResponse<String> loggedOut = send(request("/api/v1/logout", cookie).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(loggedOut.statusCode()).isEqualTo(204);

        HttpResponse<String> again = send(request("/settings/sessions", cookie).header("Accept", "text/html"));
        assertThat(again.statusCode()).isEqualTo(302);
        assertThat(again.headers().firstValue("Location")).get().asString().contains("/login");
        assertThat(send(request("/api/v1/sessions/current", cookie)).statusCode()).isEqualTo(401);
    }
}
