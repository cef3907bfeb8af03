package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.lanyard.account.SignUp;
import dev.lanyard.account.TestAccounts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A few flows over a real HTTP connection, where the servlet container renders error pages itself. */
@LanyardSpringTest
class HttpFlowTest {
    private static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

    @LocalServerPort
    int port;
    @Autowired
    JsonMapper json;
    @Autowired
    org.springframework.context.ApplicationContext context;
    @Autowired
    OpenApiContract contract;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    /** Sends the request; an API answer must be one the OpenAPI document allows. */
    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpRequest built = request.build();
        HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
        contract.checkResponse(built.method(), built.uri().getPath(), response.statusCode(), response.headers().map(), response.body());
        return response;
    }

    private HttpResponse<String> postJson(String path, Object body, String cookie) throws IOException, InterruptedException {
        var request = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        if (cookie != null) request.header("Cookie", cookie);
        return send(request);
    }

    private static HttpRequest.BodyPublisher form(Map<String, String> fields) {
        return HttpRequest.BodyPublishers.ofString(fields.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")));
    }

    /** "name=value" of a cookie the response sets, ready for a Cookie header. */
    private static Optional<String> cookie(HttpResponse<?> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith(name + "="))
                .map(h -> h.split(";", 2)[0]).filter(c -> !c.equals(name + "=")).findFirst();
    }

    private String signUp(SignUp who) throws IOException, InterruptedException {
        HttpResponse<String> response = postJson("/api/v1/signup", Map.of("email", who.email(), "password", who.password(),
                "name", who.name(), "team", who.team()), null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return cookie(response, ApiClient.COOKIE).orElseThrow();
    }

    private HttpResponse<String> logIn(SignUp who, String password) throws IOException, InterruptedException {
        return postJson("/api/v1/login", Map.of("email", who.email(), "password", password), null);
    }

    private JsonNode read(HttpResponse<String> response) {
        return json.readTree(response.body());
    }

    @Test
    void thereIsNoBuiltInUserAndSoNoGeneratedPasswordInTheLog() {
        assertThat(context.getBeanNamesForType(org.springframework.security.core.userdetails.UserDetailsService.class)).isEmpty();
    }

    @Test
    void loginFormWithoutItsCsrfTokenGetsAForbiddenPage() throws Exception {
        HttpResponse<String> response = send(request("/login").header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html")
                .POST(form(Map.of("email", "someone@example.com", "password", TestAccounts.PASSWORD))));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(response.body()).contains("This form has expired or was sent from another site");
        assertThat(cookie(response, ApiClient.COOKIE)).isEmpty();
    }

    @Test
    void loginFormWithItsCsrfTokenSignsIn() throws Exception {
        SignUp alice = TestAccounts.alice();
        signUp(alice);
        HttpResponse<String> page = send(request("/login").header("Accept", "text/html").GET());
        Matcher token = CSRF_INPUT.matcher(page.body());
        assertThat(token.find()).as("the form carries a CSRF token").isTrue();
        String csrfCookie = cookie(page, "XSRF-TOKEN").orElseThrow();

        HttpResponse<String> response = send(request("/login").header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", csrfCookie).header("Accept", "text/html")
                .POST(form(Map.of("email", alice.email(), "password", TestAccounts.PASSWORD, "_csrf", token.group(1)))));

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/settings/sessions"));
        String session = cookie(response, ApiClient.COOKIE).orElseThrow();
        HttpResponse<String> sessionsPage = send(request("/settings/sessions").header("Cookie", session).header("Accept", "text/html").GET());
        assertThat(sessionsPage.statusCode()).isEqualTo(200);
        assertThat(sessionsPage.body()).contains(alice.name());
    }

    @Test
    void revokedSessionIsToldWhyOnItsNextRequest() throws Exception {
        SignUp alice = TestAccounts.alice();
        String laptop = signUp(alice);
        HttpResponse<String> phoneLogin = logIn(alice, TestAccounts.PASSWORD);
        String phone = cookie(phoneLogin, ApiClient.COOKIE).orElseThrow();
        String phoneId = read(phoneLogin).path("session").path("id").asString();

        HttpResponse<String> revoke = send(request("/api/v1/sessions/" + phoneId).header("Cookie", laptop).DELETE());
        assertThat(revoke.statusCode()).isEqualTo(204);

        HttpResponse<String> api = send(request("/api/v1/sessions/current").header("Cookie", phone).GET());
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(api.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(read(api).path("type").asString()).isEqualTo("urn:lanyard:problem:session-ended");
        HttpResponse<String> page = send(request("/settings/sessions").header("Cookie", phone).header("Accept", "text/html").GET());
        assertThat(page.statusCode()).isEqualTo(302);
        String location = page.headers().firstValue("Location").orElseThrow();
        assertThat(location).endsWith("/login?ended=revoked");
        assertThat(cookie(page, ApiClient.COOKIE)).as("the stale cookie is cleared, not replaced").isEmpty();
        assertThat(page.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith(ApiClient.COOKIE + "=;"));
        HttpResponse<String> loginPage = send(request("/login?ended=revoked").header("Accept", "text/html").GET());
        assertThat(loginPage.body()).contains("You were signed out from another device.");
    }

    @Test
    void repeatedFailedLoginsAreThrottledWithRetryAfter() throws Exception {
        SignUp alice = TestAccounts.alice();
        signUp(alice);
        HttpResponse<String> response = null;
        for (int attempt = 0; attempt < 8; attempt++) {
            response = logIn(alice, "guess number " + attempt);
            if (response.statusCode() == 429) break;
            assertThat(response.statusCode()).isEqualTo(401);
        }

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValueSatisfying(s -> assertThat(Long.parseLong(s)).isPositive());
        assertThat(read(response).path("type").asString()).isEqualTo("urn:lanyard:problem:too-many-attempts");
    }

    @Test
    void unknownApiPathIsANotFoundProblem() throws Exception {
        String cookie = signUp(TestAccounts.alice());

        HttpResponse<String> response = send(request("/api/v1/no-such-thing").header("Cookie", cookie).GET());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(read(response).path("type").asString()).isEqualTo("urn:lanyard:problem:not-found");
    }

    @Test
    void unauthenticatedApiRequestIsAnUnauthorizedProblem() throws Exception {
        HttpResponse<String> response = send(request("/api/v1/sessions").GET());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(read(response).path("type").asString()).isEqualTo("urn:lanyard:problem:unauthenticated");
        assertThat(read(response).path("detail").asString()).isNotBlank();
    }
}
