package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.lanyard.account.SignUp;
import dev.lanyard.account.TestAccounts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lanyard behind a TLS-terminating proxy on the same machine (trusted: 127.0.0.1 and ::1), over
 * real HTTP: the proxy's {@code X-Forwarded-Proto}/{@code -Host} make cookies Secure and
 * {@code __Host-}, bring HSTS, and make the browser's {@code https://} origin our own. Requests
 * from an untrusted peer (MockMvc's remote address) cannot do the same. Also the metrics token.
 */
@LanyardSpringTest
@TestPropertySource(properties = {"lanyard.web.trusted-proxies=127.0.0.1,::1",
        "lanyard.ops.metrics-token=" + BehindTlsProxyTest.METRICS_TOKEN})
@DirtiesContext
class BehindTlsProxyTest {
    static final String METRICS_TOKEN = "a-metrics-token-of-at-least-32-characters";
    private static final String PUBLIC = "https://lanyard.example.test";
    private static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");
    private static final String SECURE_COOKIE = "__Host-" + ApiClient.COOKIE;

    @LocalServerPort
    int port;
    @Autowired
    JsonMapper json;
    @Autowired
    MockMvc mvc;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    /** A request as the proxy forwards it: the browser used https://lanyard.example.test. */
    private HttpRequest.Builder proxied(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "lanyard.example.test")
                .header("X-Forwarded-For", "203.0.113.77");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String setCookie(HttpResponse<?> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith(name + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " cookie in " + response.headers().allValues("Set-Cookie")));
    }

    private static String pair(String setCookie) {
        return setCookie.split(";", 2)[0];
    }

    private HttpResponse<String> signUp(SignUp who) throws IOException, InterruptedException {
        return send(proxied("/api/v1/signup").header("Content-Type", "application/json").header("Origin", PUBLIC)
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of("email", who.email(),
                        "password", who.password(), "name", who.name(), "team", who.team())))));
    }

    @Test
    void behindTheProxyTheSessionCookieIsSecureHostPrefixedAndHstsIsSent() throws Exception {
        HttpResponse<String> response = signUp(TestAccounts.alice());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(setCookie(response, SECURE_COOKIE)).contains("Secure").contains("HttpOnly").contains("Path=/")
                .doesNotContainIgnoringCase("Domain=");
        assertThat(response.headers().firstValue("Strict-Transport-Security")).hasValueSatisfying(v -> assertThat(v).contains("max-age=31536000"));
        String cookie = pair(setCookie(response, SECURE_COOKIE));
        assertThat(send(proxied("/api/v1/sessions/current").header("Cookie", cookie).GET()).statusCode()).isEqualTo(200);
        assertThat(send(proxied("/api/v1/sessions/current").header("Cookie", cookie.replace(SECURE_COOKIE, ApiClient.COOKIE)).GET())
                .statusCode()).as("the unprefixed name is not read over https").isEqualTo(401);
    }

    @Test
    void cookieAuthenticatedWritesFromTheBrowsersHttpsOriginPass() throws Exception {
        String cookie = pair(setCookie(signUp(TestAccounts.alice()), SECURE_COOKIE));
        String sessionId = json.readTree(send(proxied("/api/v1/sessions/current").header("Cookie", cookie).GET()).body())
                .path("id").asString();

        HttpResponse<String> rename = send(proxied("/api/v1/sessions/" + sessionId).header("Cookie", cookie)
                .header("Origin", PUBLIC).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"name\":\"Laptop\"}")));
        HttpResponse<String> fromInside = send(proxied("/api/v1/sessions/" + sessionId).header("Cookie", cookie)
                .header("Origin", "http://127.0.0.1:" + port).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"name\":\"Laptop\"}")));

        assertThat(rename.statusCode()).as(rename.body()).isEqualTo(200);
        assertThat(fromInside.statusCode()).as("not the origin the browser used").isEqualTo(403);
    }

    @Test
    void formsUseTheHostPrefixedCsrfCookieAndIgnoreAPlantedPlainOne() throws Exception {
        SignUp alice = TestAccounts.alice();
        assertThat(signUp(alice).statusCode()).isEqualTo(201);
        HttpResponse<String> page = send(proxied("/login").header("Accept", "text/html").GET());
        Matcher token = CSRF_INPUT.matcher(page.body());
        assertThat(token.find()).isTrue();
        String csrf = setCookie(page, CsrfCookies.SECURE_NAME);
        assertThat(csrf).contains("Secure").contains("Path=/");
        String form = Map.of("email", alice.email(), "password", TestAccounts.PASSWORD, "_csrf", token.group(1)).entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));

        HttpResponse<String> planted = send(proxied("/login").header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html").header("Origin", PUBLIC)
                .header("Cookie", pair(csrf).replace(CsrfCookies.SECURE_NAME, CsrfCookies.NAME))
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        HttpResponse<String> signedIn = send(proxied("/login").header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html").header("Origin", PUBLIC).header("Cookie", pair(csrf))
                .POST(HttpRequest.BodyPublishers.ofString(form)));

        assertThat(planted.statusCode()).as("a token in the plain cookie, as a sibling subdomain could plant it").isEqualTo(403);
        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(setCookie(signedIn, SECURE_COOKIE)).contains("Secure");
    }

    @Test
    void withoutForwardedHeadersTheProxysOwnPlainRequestsStayPlain() throws Exception {
        HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                .header("Accept", "text/html").GET());

        assertThat(page.headers().firstValue("Strict-Transport-Security")).isEmpty();
        assertThat(setCookie(page, CsrfCookies.NAME)).doesNotContain("Secure");
    }

    @Test
    void anUntrustedPeerCannotClaimHttps() throws Exception {
        MockHttpServletResponse response = mvc.perform(get("/login").with(ApiClient.from("198.51.100.7"))
                .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "lanyard.example.test")
                .accept("text/html")).andReturn().getResponse();

        assertThat(response.getHeader("Strict-Transport-Security")).isNull();
        assertThat(response.getCookie(CsrfCookies.SECURE_NAME)).isNull();
        assertThat(response.getCookie(CsrfCookies.NAME)).isNotNull();
    }

    @Test
    void theMetricsTokenOpensPrometheus() throws Exception {
        HttpResponse<String> scraped = send(proxied("/actuator/prometheus").header("Authorization", "Bearer " + METRICS_TOKEN).GET());
        HttpResponse<String> wrong = send(proxied("/actuator/prometheus").header("Authorization", "Bearer " + METRICS_TOKEN + "x").GET());

        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.body()).contains("lanyard_sql_statements_total");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain("lanyard_sql_statements_total");
    }
}
