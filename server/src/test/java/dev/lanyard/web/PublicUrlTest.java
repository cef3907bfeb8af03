package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import dev.lanyard.account.SignUp;
import dev.lanyard.account.TestAccounts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * With {@code lanyard.web.public-url} set, its origin is every request's, over real HTTP: cookies
 * are Secure and {@code __Host-}, HSTS is sent, and forwarded headers (here from a peer that is
 * not even a trusted proxy) change nothing.
 */
@LanyardSpringTest
@TestPropertySource(properties = "lanyard.web.public-url=" + PublicUrlTest.PUBLIC)
@DirtiesContext
class PublicUrlTest {
    static final String PUBLIC = "https://lanyard.example.test";

    @LocalServerPort
    int port;
    @Autowired
    JsonMapper json;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Forwarded-Proto", "http").header("X-Forwarded-Host", "evil.example");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> signUp(SignUp who, String origin) throws IOException, InterruptedException {
        return send(request("/api/v1/signup").header("Content-Type", "application/json").header("Origin", origin)
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of("email", who.email(),
                        "password", who.password(), "name", who.name(), "team", who.team())))));
    }

    @Test
    void thePublicUrlMakesCookiesSecureAndSendsHsts() throws Exception {
        HttpResponse<String> response = signUp(TestAccounts.alice(), PUBLIC);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(response.headers().allValues("Set-Cookie"))
                .anySatisfy(c -> assertThat(c).startsWith("__Host-" + ApiClient.COOKIE + "=").contains("Secure"));
        assertThat(response.headers().firstValue("Strict-Transport-Security")).isPresent();
        HttpResponse<String> page = send(request("/login").header("Accept", "text/html").GET());
        assertThat(page.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith(CsrfCookies.SECURE_NAME + "="));
    }

    @Test
    void onlyThePublicOriginIsOurOwn() throws Exception {
        assertThat(signUp(TestAccounts.alice(), "http://127.0.0.1:" + port).statusCode()).isEqualTo(403);
        assertThat(signUp(TestAccounts.alice(), "http://evil.example").statusCode()).isEqualTo(403);
        assertThat(signUp(TestAccounts.alice(), PUBLIC).statusCode()).isEqualTo(201);
    }

    @Autowired
    dev.lanyard.account.Mailer mailer;

    /** An operator who sets the public URL and nothing else gets links, and an issuer, that people and apps can reach. */
    @Test
    void mailLinksAndTheIssuerFollowThePublicUrl() throws Exception {
        assertThat(mailer.baseUrl()).isEqualTo(PUBLIC);
        HttpResponse<String> discovery = send(request("/.well-known/openid-configuration"));
        assertThat(json.readTree(discovery.body()).path("issuer").asString()).isEqualTo(PUBLIC);
        HttpResponse<String> ssf = send(request("/.well-known/ssf-configuration"));
        assertThat(json.readTree(ssf.body()).path("issuer").asString()).isEqualTo(PUBLIC);
    }

    /** Swagger UI's "Try it out" sends requests to the public URL, whatever the request's headers say (outside review). */
    @Test
    void theApiDocumentsServerIsThePublicUrl() throws Exception {
        HttpResponse<String> document = send(request("/v3/api-docs"));
        assertThat(json.readTree(document.body()).path("servers").toString()).isEqualTo("[{\"url\":\"" + PUBLIC + "\"}]");
    }
}
