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
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A few flows over a real HTTP connection, where the servlet container renders error pages itself. */
@LanyardSpringTest
@ExtendWith(OutputCaptureExtension.class)
class HttpFlowTest {
    private static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

    @LocalServerPort
    int port;
    @Autowired
    JsonMapper json;
    @Autowired
    dev.lanyard.testsupport.MutableClock clock;
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

    /**
     * A page's form is read as it was sent, as the API's bodies and the authorization server's forms are: compressed, it
     * is 415 saying so (outside review: a gzipped sign-in form with its CSRF token was "not valid UTF-8 percent-encoding",
     * blaming the characters typed), and in a charset Java does not know it is 415 naming the charset, where it was read
     * as UTF-8. Nobody is signed in; the same form sent as it can be read signs in.
     */
    @Test
    void aPageFormCompressedOrInAnUnknownCharsetIs415SayingSo() throws Exception {
        SignUp bea = TestAccounts.newcomer("zipped");
        signUp(bea);
        HttpResponse<String> page = send(request("/login").header("Accept", "text/html").GET());
        Matcher token = CSRF_INPUT.matcher(page.body());
        assertThat(token.find()).isTrue();
        String csrfCookie = cookie(page, "XSRF-TOKEN").orElseThrow();
        String fields = "email=" + URLEncoder.encode(bea.email(), StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(TestAccounts.PASSWORD, StandardCharsets.UTF_8) + "&_csrf=" + token.group(1);
        java.io.ByteArrayOutputStream gzipped = new java.io.ByteArrayOutputStream();
        try (var gzip = new java.util.zip.GZIPOutputStream(gzipped)) {
            gzip.write(fields.getBytes(StandardCharsets.UTF_8));
        }
        String form = "application/x-www-form-urlencoded";
        Object[][] refused = {{gzipped.toByteArray(), "gzip", form, "Lanyard does not accept a compressed request body "
                        + "(Content-Encoding: gzip): send it uncompressed, without Content-Encoding."},
                {fields.getBytes(StandardCharsets.UTF_8), "gzip", form, "Lanyard does not accept a compressed request body "
                        + "(Content-Encoding: gzip): send it uncompressed, without Content-Encoding."},
                {fields.getBytes(StandardCharsets.UTF_8), null, form + "; charset=klingon", "The charset “klingon” is not supported: "
                        + "send the form as UTF-8 (Content-Type: application/x-www-form-urlencoded, or with charset=UTF-8)."}};
        for (Object[] sent : refused) {
            String what = sent[1] + " " + sent[2];
            var request = request("/login").header("Content-Type", (String) sent[2]).header("Cookie", csrfCookie)
                    .header("Accept", "text/html").POST(HttpRequest.BodyPublishers.ofByteArray((byte[]) sent[0]));
            if (sent[1] != null) request.header("Content-Encoding", (String) sent[1]);
            HttpResponse<String> answer = send(request);
            assertThat(answer.statusCode()).as(what + ": " + answer.body()).isEqualTo(415);
            assertThat(answer.headers().firstValue("Content-Type")).as(what).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
            assertThat(answer.body()).as(what).contains(org.springframework.web.util.HtmlUtils.htmlEscape((String) sent[3]))
                    .doesNotContain("percent-encoding");
            assertThat(answer.headers().firstValue("Accept-Encoding")).as(what)
                    .isEqualTo(sent[1] == null ? Optional.empty() : Optional.of("identity"));
            assertThat(cookie(answer, ApiClient.COOKIE)).as(what + ": nobody signed in").isEmpty();
        }
        HttpResponse<String> signedIn = send(request("/login").header("Content-Type", form + "; charset=UTF-8").header("Cookie", csrfCookie)
                .header("Accept", "text/html").POST(HttpRequest.BodyPublishers.ofString(fields)));
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(302);
        assertThat(cookie(signedIn, ApiClient.COOKIE)).isPresent();
    }

    /**
     * A form is read as UTF-8, as browsers send it: a name with an umlaut, an en dash and an emoji is stored as typed,
     * and a password with umlauts set on the sign-up page is the same password on the API. (The filter that checks a
     * form can be parsed once read it first, as ISO-8859-1.)
     */
    @Test
    void aFormsTextIsReadAsUtf8AndItsPasswordIsTheApisPassword() throws Exception {
        String name = "Ada L\u00f6velace \u2013 \ud83e\udd84";
        String password = "p\u00e4ssw\u00f6rd sicher 123";
        String email = TestAccounts.uniqueEmail("ada");
        HttpResponse<String> page = send(request("/signup").header("Accept", "text/html").GET());
        Matcher token = CSRF_INPUT.matcher(page.body());
        assertThat(token.find()).isTrue();

        HttpResponse<String> signedUp = send(request("/signup").header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", cookie(page, "XSRF-TOKEN").orElseThrow()).header("Accept", "text/html")
                .POST(form(Map.of("name", name, "email", email, "password", password, "team", "B\u00fcro", "_csrf", token.group(1)))));

        assertThat(signedUp.statusCode()).as(signedUp.body()).isEqualTo(302);
        HttpResponse<String> login = postJson("/api/v1/login", Map.of("email", email, "password", password, "tokenType", "bearer"), null);
        assertThat(login.statusCode()).as("the password typed on the page signs in on the API").isEqualTo(201);
        assertThat(json.readTree(login.body()).path("account").path("name").asString()).as(login.body()).isEqualTo(name);
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
        assertThat(response.headers().firstValue("WWW-Authenticate")).as("RFC 9110: a 401 names its scheme").hasValue("Bearer");

        HttpResponse<String> badToken = send(request("/api/v1/sessions").header("Authorization", "Bearer not-a-token").GET());
        assertThat(badToken.statusCode()).isEqualTo(401);
        assertThat(badToken.headers().firstValue("WWW-Authenticate")).as("RFC 6750 §3 (outside review AD)")
                .hasValue("Bearer error=\"invalid_token\"");

        // The API's other 401s say it too (outside re-check AF): a wrong password at sign-in, a stream's refused token.
        HttpResponse<String> wrongPassword = send(request("/api/v1/login").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"nobody@example.com\",\"password\":\"wrong wrong wrong\"}")));
        assertThat(wrongPassword.statusCode()).isEqualTo(401);
        assertThat(wrongPassword.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        HttpResponse<String> stream = send(request("/api/v1/ssf/streams").header("Authorization", "Bearer abc").GET());
        assertThat(stream.statusCode()).isEqualTo(401);
        assertThat(stream.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
    }

    /**
     * Two Authorization headers were taken as the first (Tomcat, Spring Security and Spring Authorization Server each
     * read only that one), while anything in front of Lanyard reading the last saw someone else (outside review).
     * Ambiguous credentials are refused: 400 problem+json in the API and at the Shared Signals receivers' endpoints,
     * OAuth's invalid_request at the token endpoint, the error page on a page; no token is echoed. One header works.
     */
    @Test
    void twoAuthorizationHeadersAreRefusedAsAmbiguous(CapturedOutput output) throws Exception {
        SignUp who = TestAccounts.newcomer("twice");
        String cookie = signUp(who);
        String token = read(postJson("/api/v1/login", Map.of("email", who.email(), "password", TestAccounts.PASSWORD,
                "tokenType", "bearer"), null)).path("token").asString();
        assertThat(token).isNotBlank();
        int before = output.getAll().length();
        clock.advance(java.time.Duration.ofMinutes(1)); // this minute's lines not used up by other refusals

        assertThat(raw("GET /api/v1/sessions/current", "Authorization: Bearer " + token)).as("one header")
                .startsWith("HTTP/1.1 200");
        String said = "Send one Authorization header: this request has more than one";
        for (String[] headers : new String[][] {{"Authorization: Bearer " + token, "Authorization: Bearer ses_other"},
                {"Authorization: Bearer ses_other", "Authorization: Bearer " + token},
                {"Authorization: Bearer " + token, "Authorization: Bearer " + token},
                {"Authorization: Basic YTpi", "Cookie: " + cookie, "Authorization: Bearer " + token}}) {
            String api = raw("GET /api/v1/sessions/current", headers);
            assertThat(api).as(String.join(", ", headers)).startsWith("HTTP/1.1 400").contains("Content-Type: application/problem+json")
                    .contains("\"type\":\"urn:lanyard:problem:bad-request\"").contains(said)
                    .contains("\"instance\":\"/api/v1/sessions/current\"").doesNotContain(token).doesNotContain("ses_other");
        }
        assertThat(rawWithBody("POST /oauth2/token", "grant_type=client_credentials", "Content-Type: application/x-www-form-urlencoded",
                "Authorization: Basic YTpi", "Authorization: Basic Yzpk")).as("OAuth's error where an app calls")
                .startsWith("HTTP/1.1 400").contains("\"error\":\"invalid_request\"").contains(said).contains("Cache-Control: no-store")
                .doesNotContain("YTpi");
        assertThat(raw("GET /api/v1/ssf/streams", "Authorization: Bearer a.b.c", "Authorization: Bearer d.e.f"))
                .as("a Shared Signals receiver's call").startsWith("HTTP/1.1 400").contains("Content-Type: application/problem+json")
                .contains(said);
        assertThat(raw("GET /settings/sessions", "Cookie: " + cookie, "Accept: text/html", "Authorization: Bearer a",
                "Authorization: Bearer b")).as("a page").startsWith("HTTP/1.1 400").contains("<title>Error · Lanyard</title>")
                .contains(said);
        // Userinfo's refusals are OAuth's error with a Bearer challenge (RFC 6750 §3.1): it was the error page (outside review).
        for (String method : new String[] {"GET", "POST"}) {
            assertThat(raw(method + " /userinfo", "Authorization: Bearer a", "Authorization: Bearer b")).as(method + " userinfo")
                    .startsWith("HTTP/1.1 400").contains("Content-Type: application/json").contains("\"error\":\"invalid_request\"")
                    .contains(said).contains("Cache-Control: no-store")
                    .containsPattern("(?m)^WWW-Authenticate: Bearer error=\"invalid_request\", error_description=\"Send one "
                            + "Authorization header[^\"]*\"\r?$");
        }

        String logged = output.getAll().substring(before);
        assertThat(logged).contains("Refused a bad request (400): GET /api/v1/sessions/current: it has more than one Authorization header")
                .doesNotContain(token).doesNotContain("\tat ");
        assertThat(raw("GET /api/v1/sessions/current", "Authorization: Bearer " + token)).as("still signed in")
                .startsWith("HTTP/1.1 200");
    }

    // ---- the edge: paths, bad requests, error bodies (issue 8)

    /** Sends {@code requestLine} as it is, which java.net.http would refuse or fix; returns the raw response. */
    private String raw(String requestLine, String... headers) throws IOException {
        return rawWithBody(requestLine, "", headers);
    }

    /** {@link #raw(String, String...)} with a body (ASCII), its length given. */
    private String rawWithBody(String requestLine, String body, String... headers) throws IOException {
        return rawTo("127.0.0.1:" + port, requestLine, body, headers);
    }

    /** {@link #rawWithBody} with {@code host} as its Host header. */
    private String rawTo(String host, String requestLine, String body, String... headers) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            StringBuilder request = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: ").append(host)
                    .append("\r\nConnection: close\r\n");
            for (String header : headers) request.append(header).append("\r\n");
            if (!body.isEmpty()) request.append("Content-Length: ").append(body.length()).append("\r\n");
            socket.getOutputStream().write(request.append("\r\n").append(body).toString().getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * A request Tomcat refuses for its Host header (a second port) is answered in the form its address speaks: the
     * documents under /.well-known/ and the key set problem+json, the endpoints an app calls OAuth's error (userinfo with
     * its Bearer challenge); they were the HTML error page (outside review). A page stays the page.
     */
    @Test
    void aHostTomcatRefusesIsAnsweredAsTheAddressSpeaks() throws Exception {
        String host = "127.0.0.1:" + port + ":99";
        for (String document : java.util.List.of("/.well-known/ssf-configuration", "/.well-known/openid-configuration",
                "/.well-known/oauth-authorization-server", "/oauth2/jwks")) {
            assertThat(rawTo(host, "GET " + document, "")).as(document).startsWith("HTTP/1.1 400")
                    .contains("Content-Type: application/problem+json").contains("\"type\":\"urn:lanyard:problem:bad-request\"")
                    .contains("\"instance\":\"" + document + "\"");
        }
        for (String endpoint : java.util.List.of("/oauth2/token", "/oauth2/introspect", "/oauth2/revoke", "/userinfo")) {
            String answer = rawTo(host, "POST " + endpoint, "token=abc", "Content-Type: application/x-www-form-urlencoded");
            assertThat(answer).as(endpoint).startsWith("HTTP/1.1 400").contains("Content-Type: application/json")
                    .contains("\"error\":\"invalid_request\"").contains("\"error_description\":\"The request was not valid.\"")
                    .contains("Cache-Control: no-store");
            assertThat(answer.contains("WWW-Authenticate: Bearer error=\"invalid_request\"")).as(endpoint).isEqualTo(endpoint.equals("/userinfo"));
        }
        assertThat(rawTo(host, "GET /login", "", "Accept: text/html")).startsWith("HTTP/1.1 400").contains("Content-Type: text/html")
                .contains("The request was not valid.");
    }

    /**
     * The container reads a header's bytes as ISO-8859-1: UTF-8 in a User-Agent read as mojibake, and every emoji's UTF-8
     * (a byte in 0x80–0x9F, read as a C1 control character) made the firewall refuse each request that read the header:
     * sign-up and sign-in. The User-Agent is read as UTF-8, its bidi override dropped, and refuses nothing.
     */
    @Test
    void aUserAgentInUtf8IsReadAsUtf8AndRefusesNothing() throws Exception {
        Map<String, String> described = Map.of("Téléphone/2.1", "Téléphone 2", "Lanyard/1 \uD83D\uDE80", "Lanyard 1",
                "Evil/3.0 \u202Egnp.exe", "Evil 3");
        for (Map.Entry<String, String> agent : described.entrySet()) {
            SignUp who = TestAccounts.newcomer("agent");
            String body = json.writeValueAsString(Map.of("email", who.email(), "password", who.password(), "name", who.name(),
                    "team", who.team()));
            String sent = new String(agent.getKey().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            String response = rawWithBody("POST /api/v1/signup", body, "Content-Type: application/json", "User-Agent: " + sent);
            assertThat(response).as(agent.getKey()).startsWith("HTTP/1.1 201")
                    .contains("\"description\":\"" + agent.getValue());
        }
    }

    /**
     * Outside review: a client hint holding a bidi override or a C1 control character (UTF-8, as curl sends it) made the
     * firewall refuse the sign-in with a bare 400. Every hint Lanyard reads is read as the User-Agent is: those characters
     * dropped, never a reason to refuse, and what is left describes the device.
     */
    @Test
    void aClientHintWithControlOrBidiCharactersIsReadWithoutThemAndRefusesNothing() throws Exception {
        SignUp who = TestAccounts.newcomer("hints");
        signUp(who);
        String body = json.writeValueAsString(Map.of("email", who.email(), "password", who.password()));
        String edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 "
                + "Edg/131.0.0.0";
        for (String hint : context.getBean(dev.lanyard.device.UserAgentParser.class).clientHintHeaders()) {
            for (String odd : new String[] {"\u202E", "\u0085"}) {
                String sent = new String(("\"Lin" + odd + "ux\"").getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
                String response = rawWithBody("POST /api/v1/login", body, "Content-Type: application/json", "User-Agent: " + edge,
                        hint + ": " + sent);
                assertThat(response).as(hint + " with U+" + Integer.toHexString(odd.charAt(0))).startsWith("HTTP/1.1 201");
            }
        }
        String windows11 = rawWithBody("POST /api/v1/login", body, "Content-Type: application/json", "User-Agent: " + edge,
                "Sec-CH-UA-Platform: " + new String("\"Win\u202Edows\"".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1),
                "Sec-CH-UA-Platform-Version: \"15.0\u0085.0\"");
        assertThat(windows11).startsWith("HTTP/1.1 201").contains("\"description\":\"Edge 131 on Windows 11\"");
    }

    @Test
    void anEncodedApiPathIsGuardedLikeTheApi() throws Exception {
        SignUp alice = TestAccounts.alice();
        String cookie = signUp(alice);

        for (String path : new String[] {"/%61pi/v1/logout", "/%61%70%69/v1/logout", "/api/v1/%6cogout"}) {
            HttpResponse<String> forged = send(request(path).header("Cookie", cookie).header("Origin", "https://evil.example")
                    .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertThat(forged.statusCode()).as(path).isEqualTo(403);
            assertThat(read(forged).path("type").asString()).isEqualTo("urn:lanyard:problem:cross-origin");
            HttpResponse<String> plain = send(request(path).header("Cookie", cookie).header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertThat(plain.statusCode()).as(path).isEqualTo(415);
        }

        assertThat(send(request("/api/v1/sessions/current").header("Cookie", cookie).GET()).statusCode())
                .as("still signed in").isEqualTo(200);
    }

    @Test
    void aBodilessApiWriteWithoutCredentialsIsTold401NotHowToFormatIt() throws Exception {
        HttpResponse<String> response = send(request("/api/v1/logout").POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(read(response).path("type").asString()).isEqualTo("urn:lanyard:problem:unauthenticated");
    }

    /**
     * A signed-in browser sent to /login with a return path is sent on; one with a dot segment was a 500 with a stack trace
     * in the log per request (Tomcat refuses to resolve it above the root), a character outside ASCII went into Location as
     * a Latin-1 byte, or, past Latin-1, Location was dropped (outside review). Each is a 302 to a path of Lanyard's own.
     */
    @Test
    void aSignedInBrowsersReturnPathIsAlwaysARedirectOnLanyard(CapturedOutput output) throws Exception {
        String cookie = signUp(TestAccounts.alice());
        int before = output.getAll().length();
        Map<String, String> sentTo = Map.of("/..", "/settings/sessions", "/..//evil.com", "/settings/sessions",
                "/a/../../b", "/settings/sessions", "/%2e%2e/x", "/settings/sessions", "/%252e%252e/x", "/settings/sessions",
                "/%252E./x", "/settings/sessions", "/%C3%A9", "/%C3%A9", "/%E3%80%82evil.com", "/%E3%80%82evil.com",
                "/settings/security", "/settings/security");
        for (Map.Entry<String, String> next : sentTo.entrySet()) {
            String response = raw("GET /login?next=" + next.getKey(), "Cookie: " + cookie, "Accept: text/html");
            assertThat(response).as(next.getKey()).startsWith("HTTP/1.1 302")
                    .containsPattern("(?m)^Location: " + java.util.regex.Pattern.quote(next.getValue()) + "$");
            String headers = response.substring(0, response.indexOf("\r\n\r\n"));
            assertThat(headers.chars().allMatch(c -> c < 0x80)).as(next.getKey() + ": only ASCII in the headers").isTrue();
        }
        assertThat(output.getAll().substring(before)).doesNotContain("\tat ").doesNotContain("ERROR");
    }

    @Test
    void anUnparsableQueryIsABadRequestLoggedInOneLine(CapturedOutput output) throws Exception {
        int before = output.getAll().length();
        clock.advance(java.time.Duration.ofMinutes(1)); // this minute's lines not used up by other classes' refusals

        String page = raw("GET /login?=", "Accept: text/html");
        String api = raw("GET /api/v1/sessions?=");

        assertThat(page).startsWith("HTTP/1.1 400").contains("Content-Security-Policy: default-src 'self'")
                .contains("The request was not valid.");
        assertThat(api).startsWith("HTTP/1.1 400").contains("application/problem+json").contains("urn:lanyard:problem:bad-request");
        String logged = output.getAll().substring(before);
        assertThat(logged).contains("Refused a bad request (400): GET /login").doesNotContain("InvalidParameterException")
                .doesNotContain("\tat ");
        assertThat(logged.lines().filter(l -> l.contains("ERROR"))).isEmpty();
    }

    /**
     * A parameter that is not percent-encoded UTF-8, in a query or a form, was "The request was not valid." (outside
     * review): it says what is wrong, without the value, problem+json in the API, OAuth's error where an app calls, a
     * message on the page; and is logged in one line.
     */
    @Test
    void aParameterThatIsNotPercentEncodedUtf8IsToldSoWithoutItsValue(CapturedOutput output) throws Exception {
        int before = output.getAll().length();
        clock.advance(java.time.Duration.ofMinutes(1)); // this minute's lines not used up by other classes' refusals
        String said = "A parameter of the request is not valid UTF-8 percent-encoding";
        for (String query : new String[] {"action=%FF", "action=%C0%AF", "action=%G1", "act%FFion=x", "action=%ED%A0%80"}) {
            String api = raw("GET /api/v1/audit?" + query, "Accept: text/html");
            assertThat(api).as(query).startsWith("HTTP/1.1 400").contains("Content-Type: application/problem+json")
                    .contains("\"type\":\"urn:lanyard:problem:invalid-parameter\"").contains(said)
                    .contains("\"instance\":\"/api/v1/audit\"").contains("X-Content-Type-Options: nosniff")
                    .doesNotContain(query);
        }
        assertThat(raw("GET /login?next=%C0%AF", "Accept: text/html")).startsWith("HTTP/1.1 400")
                .contains("<title>Error · Lanyard</title>").contains(said).contains("Content-Security-Policy: default-src 'self'")
                .doesNotContain("%C0%AF");
        assertThat(rawWithBody("POST /login", "email=a%FF%40example.com&password=x", "Accept: text/html",
                "Content-Type: application/x-www-form-urlencoded")).as("a form's field").startsWith("HTTP/1.1 400")
                .contains(said).doesNotContain("%FF");
        assertThat(rawWithBody("POST /oauth2/token", "grant_type=client%FF", "Content-Type: application/x-www-form-urlencoded"))
                .as("OAuth's error where an app calls").startsWith("HTTP/1.1 400").contains("\"error\":\"invalid_request\"")
                .contains(said).contains("Cache-Control: no-store");

        String logged = output.getAll().substring(before);
        assertThat(logged).contains("Refused a bad request (400): GET /api/v1/audit: a parameter is not valid UTF-8 percent-encoding")
                .contains("Refused a bad request (400): POST /login: a parameter is not valid UTF-8 percent-encoding")
                .doesNotContain("%C0%AF").doesNotContain("\tat ");
    }

    @Test
    void requestsRefusedBeforeLanyardRunsGetLanyardsAnswerWithTheSecurityHeaders(CapturedOutput output) throws Exception {
        int before = output.getAll().length();
        String[] pages = {"GET /a%00b", "GET /login?a=<b>", "GET /" + "x".repeat(9000), "GET /a;b", "GET /%25", "GET //login",
                "GET /a%2Fb"};
        for (String line : pages) {
            String response = raw(line, "Accept: text/html");
            String what = line.substring(0, Math.min(40, line.length()));
            assertThat(response).as(what).startsWith("HTTP/1.1 4")
                    .contains("Content-Security-Policy: default-src 'self'").contains("X-Content-Type-Options: nosniff")
                    .contains("X-Frame-Options: DENY").contains("<title>Error · Lanyard</title>")
                    .doesNotContainIgnoringCase("tomcat").doesNotContain("Exception").doesNotContain("xxxxxxxxxx");
        }
        // Brackets in a query reach Lanyard (server.tomcat.relaxed-query-chars): the API answers as usual.
        assertThat(raw("GET /api/v1/sessions?a[]=1&filter[]=x")).startsWith("HTTP/1.1 401")
                .contains("Content-Type: application/problem+json").contains("urn:lanyard:problem:unauthenticated");
        assertThat(raw("GET /login?a[]=1", "Accept: text/html")).startsWith("HTTP/1.1 200");
        // A C1 control character (NEL, byte 0x85) in the bearer token: the firewall refuses the header when it is read.
        assertThat(raw("GET /api/v1/sessions/current", "Authorization: Bearer ses_a\u0085b")).startsWith("HTTP/1.1 400")
                .contains("Content-Type: application/problem+json").contains("\"type\":\"urn:lanyard:problem:bad-request\"")
                .contains("X-Content-Type-Options: nosniff");
        for (String line : new String[] {"GET /api/v1/a%2Fb", "GET /api/v1/a%00b", "GET /api/v1/a;b"}) {
            String response = raw(line);
            assertThat(response).as(line).startsWith("HTTP/1.1 400").contains("Content-Type: application/problem+json")
                    .contains("\"type\":\"urn:lanyard:problem:bad-request\"").contains("X-Content-Type-Options: nosniff")
                    .doesNotContainIgnoringCase("tomcat");
        }
        // Tomcat printed the first request it could not parse with a stack trace (outside review AD).
        assertThat(output.getAll().substring(before)).doesNotContain("\tat ").doesNotContain("Error parsing HTTP request header");
    }

    /**
     * A request line over 8 KB (a long cursor) is refused by Tomcat before it reads the path, and got the HTML error page
     * on the API's paths too (outside review): the start of the line it holds says the path, and the API's answer is a
     * problem, saying the address is too long, as every other API refusal is. Elsewhere it is still the page.
     */
    @Test
    void aRequestLineTooLongToReadIsAProblemOnTheApisPaths() throws Exception {
        String cursor = "a".repeat(9000);
        for (String line : new String[] {"GET /api/v1/sessions?cursor=" + cursor, "GET /api/v1/audit/" + cursor, "GET /%61pi/v1/sessions?cursor=" + cursor}) {
            String api = raw(line, "Accept: text/html");
            assertThat(api).as(line.substring(0, 30)).startsWith("HTTP/1.1 4").contains("Content-Type: application/problem+json")
                    .contains("\"type\":\"urn:lanyard:problem:bad-request\"")
                    .contains("\"detail\":\"The address or the request's headers are too long.\"")
                    .contains("X-Content-Type-Options: nosniff").doesNotContain("aaaaaaaaaa");
        }
        assertThat(raw("\r\nGET /api/v1/sessions?cursor=" + cursor)).as("after a blank line").startsWith("HTTP/1.1 4")
                .contains("Content-Type: application/problem+json");
        assertThat(raw("GET /settings/sessions?cursor=" + cursor, "Accept: application/json")).as("a page's path").startsWith("HTTP/1.1 4")
                .contains("Content-Type: text/html").contains("The address or the request&#39;s headers are too long.")
                .doesNotContain("aaaaaaaaaa");
    }

    /**
     * A request the firewall refuses for what it holds rather than its method was a bare 400 (no body, no type) when the
     * error dispatch read the header at fault again: an Accept with U+202E sent as UTF-8, whose middle byte Tomcat reads as
     * a C1 control character. And the error dispatch chose problem or page by the Accept header, not the path. The refusal
     * is now written at once: problem+json on the API's paths whatever they accept, OAuth's error at the token endpoint,
     * the error page elsewhere; each says which part was refused, never its value, with the security headers, and so does
     * the log line.
     */
    @Test
    void aRequestTheFirewallRefusesIsToldWhatWasRefusedWithoutItsValue(CapturedOutput output) throws Exception {
        var registry = context.getBean(io.micrometer.core.instrument.MeterRegistry.class);
        java.util.function.Supplier<Long> rejectedCount = () -> registry.find("http.server.requests")
                .tags("status", "400", "exception", "RequestRejectedException").timers().stream()
                .mapToLong(io.micrometer.core.instrument.Timer::count).sum();
        long rejectedBefore = rejectedCount.get();
        int before = output.getAll().length();
        clock.advance(java.time.Duration.ofMinutes(1)); // this minute's log lines not used up by other refusals
        String bidi = new String("x\u202Eevil".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);

        String page = raw("GET /login", "Accept: text/html" + bidi);
        assertThat(page).startsWith("HTTP/1.1 400").contains("Content-Type: text/html;charset=UTF-8")
                .contains("<title>Error · Lanyard</title>").contains("A header of the request has a character the server does not accept")
                .contains("Content-Security-Policy: default-src 'self'").contains("X-Content-Type-Options: nosniff")
                .contains("X-Frame-Options: DENY").contains("Referrer-Policy: same-origin").contains("Permissions-Policy: ")
                .contains("Cache-Control: no-cache").doesNotContain("evil");
        String api = raw("GET /api/v1/sessions/current", "Accept: text/html", "Authorization: Bearer ses_" + bidi);
        assertThat(api).as("the API's answer whatever it accepts").startsWith("HTTP/1.1 400")
                .contains("Content-Type: application/problem+json").contains("\"type\":\"urn:lanyard:problem:bad-request\"")
                .contains("\"title\":\"Bad Request\"").contains("A header of the request has a character the server does not accept")
                .contains("X-Content-Type-Options: nosniff").contains("Content-Security-Policy: ").doesNotContain("evil");
        assertThat(raw("GET /api/v1;evil/sessions", "Accept: text/html")).startsWith("HTTP/1.1 400")
                .contains("Content-Type: application/problem+json").contains("The address has something the server does not accept")
                .doesNotContain("evil");
        assertThat(raw("GET /settings;evil/sessions", "Accept: */*")).as("a page's path, whoever asks").startsWith("HTTP/1.1 400")
                .contains("<title>Error · Lanyard</title>").contains("The address has something the server does not accept")
                .doesNotContain("evil");
        assertThat(raw("GET /login;evil", "Accept: application/json")).as("a client that asks for JSON only")
                .startsWith("HTTP/1.1 400").contains("Content-Type: application/problem+json").doesNotContain("evil");
        assertThat(rawWithBody("POST /oauth2/token;evil", "grant_type=client_credentials", "Content-Type: application/x-www-form-urlencoded"))
                .as("OAuth's error where an app calls").startsWith("HTTP/1.1 400").contains("\"error\":\"invalid_request\"")
                .contains("Cache-Control: no-store").doesNotContain("evil");

        String logged = output.getAll().substring(before);
        assertThat(logged).contains("Refused a bad request (400): GET /login: the firewall refused a header")
                .contains("Refused a bad request (400): GET /api/v1/sessions/current: the firewall refused a header")
                .doesNotContain("xevil").doesNotContain("\tat ");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(rejectedCount.get()).as("each refusal is the request's failure").isEqualTo(rejectedBefore + 6));
    }

    @Test
    void unreadableJsonIsDescribedWithoutNamingJavaTypes() throws Exception {
        String cookie = signUp(TestAccounts.alice());

        for (String body : new String[] {"\"x\"", "[]", "{\"idleTimeout\": {\"a\": 1}}", "{\"idleTimeout\": ", "", "{\"x\":1}}"}) {
            HttpResponse<String> response = send(request("/api/v1/team/policy").header("Cookie", cookie)
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)));
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            String detail = read(response).path("detail").asString();
            assertThat(detail).as(body).isNotBlank().doesNotContain("dev.lanyard", "java.", "$", "`", "tools.jackson", "Cannot ");
        }
    }

    @Test
    void prometheusNeedsTheMetricsTokenWhileHealthStaysPublic() throws Exception {
        String cookie = signUp(TestAccounts.alice());

        HttpResponse<String> anonymous = send(request("/actuator/prometheus").GET());
        HttpResponse<String> signedIn = send(request("/actuator/prometheus").header("Cookie", cookie).GET());
        HttpResponse<String> guessed = send(request("/actuator/prometheus").header("Authorization", "Bearer guess").GET());

        // No metrics token is configured here: metrics are not served over HTTP, and the answer says so (outside QA: it
        // asked for a token that did not exist). BehindTlsProxyTest has one configured: 401 without it.
        assertThat(anonymous.statusCode()).isEqualTo(404);
        assertThat(read(anonymous).path("detail").asString()).isEqualTo(
                "Metrics are not served over HTTP: no lanyard.ops.metrics-token is configured.");
        assertThat(signedIn.statusCode()).as("a session is not the metrics token").isEqualTo(404);
        assertThat(guessed.statusCode()).isEqualTo(404);
        assertThat(anonymous.body() + signedIn.body() + guessed.body()).doesNotContain("lanyard_sql_statements_total");
        assertThat(send(request("/actuator/health").GET()).statusCode()).isEqualTo(200);
    }

    @Test
    void requestsAreObservedOnceWithoutAnObservationPerSecurityFilter() throws Exception {
        signUp(TestAccounts.alice());
        var registry = context.getBean(io.micrometer.core.instrument.MeterRegistry.class);

        // The observation stops after the response has gone out: wait for it.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(registry.find("http.server.requests").tag("uri", "/api/v1/signup").timer())
                        .as("operators keep http.server.requests").isNotNull());
        assertThat(registry.getMeters()).as("no spring.security.* observations (issue 13)")
                .noneMatch(meter -> meter.getId().getName().startsWith("spring.security"));
        assertThat(registry.find("http.server.requests.active").longTaskTimer())
                .as("no long task timer per request (decision 36)").isNull();
    }

    @Test
    void requestMetricsKeepSpringsTagsOncePerRequest() throws Exception {
        var registry = context.getBean(io.micrometer.core.instrument.MeterRegistry.class);
        // Summed over every timer with these tags: other tests' requests may have made ones with other URIs.
        java.util.function.Function<String[], Long> count = tags -> registry.find("http.server.requests").tags(tags).timers()
                .stream().mapToLong(io.micrometer.core.instrument.Timer::count).sum();
        String[] health = {"method", "GET", "status", "200", "uri", "/actuator/health", "exception", "none", "error", "none", "outcome", "SUCCESS"};
        String[] rejected = {"method", "UNKNOWN", "status", "405", "exception", "RequestRejectedException"};
        String[] csrf = {"method", "POST", "status", "403", "exception", "MissingCsrfTokenException"};
        long healthBefore = count.apply(health);
        long rejectedBefore = count.apply(rejected);
        long csrfBefore = count.apply(csrf);

        assertThat(send(request("/actuator/health").GET()).statusCode()).isEqualTo(200);
        assertThat(raw("FOO123 /api/v1/sessions/current")).startsWith("HTTP/1.1 405");
        assertThat(send(request("/logout").header("Accept", "text/html").POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(403);

        // Recorded once the response has gone out: wait for it.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(count.apply(health)).as("once: Spring Boot's observation filter does not also record").isEqualTo(healthBefore + 1);
            assertThat(count.apply(rejected)).as("the firewall's rejection, as Spring Security marked it").isEqualTo(rejectedBefore + 1);
            assertThat(count.apply(csrf)).as("a refused CSRF token, as Spring Security marked it").isEqualTo(csrfBefore + 1);
        });
        assertThat(registry.find("http.server.requests").timers()).as("Spring's tags")
                .allSatisfy(timer -> assertThat(timer.getId().getTags()).extracting(io.micrometer.core.instrument.Tag::getKey)
                        .containsExactly("error", "exception", "method", "outcome", "status", "uri"));
    }

    @Test
    void aFormFromAnotherSiteIsRefusedEvenWithAValidToken() throws Exception {
        SignUp alice = TestAccounts.alice();
        signUp(alice);
        HttpResponse<String> page = send(request("/login").header("Accept", "text/html").GET());
        Matcher token = CSRF_INPUT.matcher(page.body());
        assertThat(token.find()).isTrue();
        String csrfCookie = cookie(page, "XSRF-TOKEN").orElseThrow();
        String own = "http://127.0.0.1:" + port;

        for (String[] header : new String[][] {{"Origin", "https://evil.example"}, {"Origin", "null"},
                {"Origin", "http://127.0.0.1:" + (port + 1)}, {"Sec-Fetch-Site", "same-site"}, {"Sec-Fetch-Site", "cross-site"}}) {
            HttpResponse<String> response = send(request("/login").header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Cookie", csrfCookie).header("Accept", "text/html").header(header[0], header[1])
                    .POST(form(Map.of("email", alice.email(), "password", TestAccounts.PASSWORD, "_csrf", token.group(1)))));
            assertThat(response.statusCode()).as(header[1]).isEqualTo(403);
            assertThat(response.body()).contains("This form was sent from another site");
            assertThat(cookie(response, ApiClient.COOKIE)).isEmpty();
        }
        HttpResponse<String> sameOrigin = send(request("/login").header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", csrfCookie).header("Accept", "text/html").header("Origin", own).header("Sec-Fetch-Site", "same-origin")
                .POST(form(Map.of("email", alice.email(), "password", TestAccounts.PASSWORD, "_csrf", token.group(1)))));
        assertThat(sameOrigin.statusCode()).isEqualTo(302);
    }

    @Test
    void everySecurityHeaderIsSentOnceAndAHandlersOwnCacheControlWins() throws Exception {
        String session = signUp(TestAccounts.alice());
        java.util.List<HttpResponse<String>> answers = java.util.List.of(
                send(request("/api/v1/sessions/current").header("Cookie", session).GET()),
                send(request("/api/v1/sessions/current").GET()),
                send(request("/api/v1/sessions/ses_nothing").header("Cookie", session).GET()),
                send(request("/settings/sessions").header("Cookie", session).header("Accept", "text/html").GET()),
                send(request("/settings/nothing").header("Cookie", session).header("Accept", "text/html").GET()),
                send(request("/login").header("Accept", "text/html").GET()));
        for (HttpResponse<String> answer : answers) {
            for (String name : java.util.List.of("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
                    "Referrer-Policy", "Permissions-Policy", "Accept-CH", "Cache-Control")) {
                assertThat(answer.headers().allValues(name)).as(answer.uri() + " " + answer.statusCode() + ": " + name).hasSize(1);
            }
        }

        // The download says no-store itself; the headers written as the request entered (decision 43) do not add another.
        HttpResponse<String> export = send(request("/api/v1/audit/export?format=csv").header("Cookie", session).GET());
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().allValues("Cache-Control")).containsExactly("no-store");
        assertThat(export.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    }

    @Test
    void plainHttpGetsNoHstsAndUnprefixedCookies() throws Exception {
        HttpResponse<String> page = send(request("/login").header("Accept", "text/html").GET());

        assertThat(page.headers().firstValue("Strict-Transport-Security")).isEmpty();
        assertThat(page.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("XSRF-TOKEN=").doesNotContain("Secure"));
    }

    /**
     * A method no handler of a path takes is 405 with the methods it does take, as Spring's own 405 names them (a PUT on
     * the sessions list): problem+json in the API, the error page elsewhere. A WebDAV PROPFIND was the firewall's 400,
     * TRACE Tomcat's 405 naming every method the servlet has. Both are still refused before any handler, signed in or
     * not, and TRACE never echoes the request.
     */
    @Test
    void aMethodNoHandlerTakesIs405WithTheMethodsThePathTakes() throws Exception {
        String session = signUp(TestAccounts.newcomer("dav"));
        HttpResponse<String> put = send(request("/api/v1/sessions").header("Cookie", session).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(405);
        java.util.Set<String> sessionsList = allowed(put);
        assertThat(sessionsList).contains("GET", "DELETE");
        HttpResponse<String> putOne = send(request("/api/v1/sessions/ses_x").header("Cookie", session).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(putOne.statusCode()).as(putOne.body()).isEqualTo(405);

        for (String method : java.util.List.of("PROPFIND", "TRACE", "FOO")) {
            for (String cookie : new String[] {session, null}) {
                for (String[] path : new String[][] {{"/api/v1/sessions", "list"}, {"/api/v1/sessions/ses_x", "one"}}) {
                    var sent = request(path[0]).header("X-Echo", "echo-me").method(method, HttpRequest.BodyPublishers.noBody());
                    if (cookie != null) sent.header("Cookie", cookie);
                    HttpResponse<String> refused = http.send(sent.build(), HttpResponse.BodyHandlers.ofString());
                    String what = method + " " + path[0] + (cookie == null ? "" : " signed in");
                    assertThat(refused.statusCode()).as(what + ": " + refused.body()).isEqualTo(405);
                    assertThat(refused.headers().firstValue("Content-Type").orElse("")).as(what).startsWith("application/problem+json");
                    assertThat(read(refused).path("type").asString()).as(what).isEqualTo("urn:lanyard:problem:method-not-allowed");
                    assertThat(allowed(refused)).as(what).isEqualTo(path[1].equals("list") ? sessionsList : allowed(putOne));
                    assertThat(refused.body()).as(what + " echoes nothing").doesNotContain("echo-me").doesNotContain(session.split("=", 2)[1]);
                }
            }
            HttpResponse<String> nowhere = http.send(request("/api/v1/nothing-here").method(method, HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(nowhere.statusCode()).as(method + " on no API path").isEqualTo(404);
            assertThat(nowhere.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");

            HttpResponse<String> page = http.send(request("/login").header("Accept", "text/html").header("X-Echo", "echo-me")
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).as(method + " on a page").isEqualTo(405);
            assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(page.body()).contains("This address does not accept that kind of request.").doesNotContain("echo-me");
            assertThat(allowed(page)).isEqualTo(java.util.Set.of("GET", "POST"));
        }
    }

    /**
     * CONNECT, which Tomcat refuses itself before any filter, is answered as every method Lanyard never takes (PROPFIND):
     * 405 with the methods the path takes in Allow, 404 where nothing takes it, problem+json in the API and the error
     * page elsewhere, with the security headers. It was Tomcat's 501, said as "Something went wrong on our side"
     * (outside review).
     */
    @Test
    void connectIsAnsweredAsAMethodLanyardNeverTakes() throws Exception {
        for (String path : java.util.List.of("/api/v1/sessions", "/api/v1/sessions/ses_x", "/login", "/oauth2/token", "/userinfo")) {
            String connect = raw("CONNECT " + path, "Accept: text/html", "X-Echo: echo-me");
            String propfind = raw("PROPFIND " + path, "Accept: text/html");
            assertThat(connect).as(path).startsWith("HTTP/1.1 405").contains("This address does not accept that kind of request.")
                    .contains("Content-Security-Policy: default-src 'self'").doesNotContain("on our side").doesNotContain("echo-me");
            assertThat(header(connect, "Allow")).as(path).isNotEmpty().isEqualTo(header(propfind, "Allow"));
            assertThat(header(connect, "Content-Type").split(";")[0]).as(path).isEqualTo(header(propfind, "Content-Type").split(";")[0])
                    .isEqualTo(path.startsWith("/api/") || path.startsWith("/oauth2/") || path.equals("/userinfo")
                            ? "application/problem+json" : "text/html");
        }
        assertThat(raw("CONNECT /api/v1/sessions")).contains("\"type\":\"urn:lanyard:problem:method-not-allowed\"")
                .contains("\"instance\":\"/api/v1/sessions\"");
        assertThat(raw("CONNECT /nothing-here", "Accept: text/html")).startsWith("HTTP/1.1 404").contains("Content-Type: text/html")
                .contains("There is nothing at this address.").doesNotContain("Allow:");
        assertThat(raw("CONNECT /api/v1/nothing-here")).startsWith("HTTP/1.1 404").contains("Content-Type: application/problem+json")
                .contains("\"type\":\"urn:lanyard:problem:not-found\"");
        assertThat(raw("CONNECT example.com:443")).as("a proxy's request").startsWith("HTTP/1.1 404").doesNotContain("on our side");
    }

    /** The value of the header {@code name} in a raw response, or "". */
    private static String header(String response, String name) {
        return response.lines().takeWhile(line -> !line.isEmpty()).filter(line -> line.startsWith(name + ": "))
                .map(line -> line.substring(name.length() + 2)).findFirst().orElse("");
    }

    /**
     * The current session's address and the history's are not session ids: a method they do not take is 405 naming the
     * ones they do, as a PUT there was. PATCH on /current answered 404, a session named "current" not found, and named
     * PATCH among the methods of /current while refusing it (outside tester); PATCH or DELETE on /history did the same.
     * DELETE /current stays the 409 that says to log out, and PATCH on the session's own id still renames it.
     */
    @Test
    void theCurrentAndHistoryAddressesAre405ForAMethodTheyDoNotTake() throws Exception {
        String session = signUp(TestAccounts.newcomer("paths"));
        Map<String, java.util.Set<String>> takes = Map.of("/api/v1/sessions/current", java.util.Set.of("DELETE", "GET"),
                "/api/v1/sessions/history", java.util.Set.of("GET"));
        String[][] refused = {{"PATCH", "/api/v1/sessions/current"}, {"PUT", "/api/v1/sessions/current"},
                {"PATCH", "/api/v1/sessions/history"}, {"DELETE", "/api/v1/sessions/history"}, {"PUT", "/api/v1/sessions/history"}};
        for (String[] call : refused) {
            HttpResponse<String> response = send(request(call[1]).header("Cookie", session).header("Content-Type", "application/json")
                    .method(call[0], HttpRequest.BodyPublishers.ofString("{\"name\":\"renamed\"}")));
            String what = call[0] + " " + call[1];
            assertThat(response.statusCode()).as(what + ": " + response.body()).isEqualTo(405);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).as(what).startsWith("application/problem+json");
            assertThat(read(response).path("type").asString()).as(what).isEqualTo("urn:lanyard:problem:method-not-allowed");
            assertThat(allowed(response)).as(what).isEqualTo(takes.get(call[1]));
        }
        for (String path : takes.keySet()) {
            HttpResponse<String> dav = http.send(request(path).header("Cookie", session)
                    .method("PROPFIND", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(dav.statusCode()).as("PROPFIND " + path).isEqualTo(405);
            assertThat(allowed(dav)).as("PROPFIND " + path).isEqualTo(takes.get(path));
        }
        JsonNode current = read(send(request("/api/v1/sessions/current").header("Cookie", session).GET()));
        assertThat(current.path("name").asString()).as("nothing renamed").isNotEqualTo("renamed");
        assertThat(send(request("/api/v1/sessions/current").header("Cookie", session).DELETE()).statusCode()).isEqualTo(409);
        HttpResponse<String> renamed = send(request("/api/v1/sessions/" + current.path("id").asString()).header("Cookie", session)
                .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString("{\"name\":\"renamed\"}")));
        assertThat(renamed.statusCode()).as(renamed.body()).isEqualTo(200);
        assertThat(read(renamed).path("name").asString()).isEqualTo("renamed");
    }

    /**
     * A body in a transfer coding Tomcat does not decode (gzip, or gzip and then chunked) is refused by Tomcat before
     * Lanyard runs, with 501. It said "Something went wrong on our side": it is the request that cannot be read, and the
     * answer says so and how to send it, naming the coding only when it is short and plain (outside tester).
     */
    @Test
    void aBodyInATransferCodingTheServerDoesNotTakeIs501SayingHowToSendIt(CapturedOutput output) throws Exception {
        var registry = context.getBean(io.micrometer.core.instrument.MeterRegistry.class);
        java.util.function.Supplier<Long> serverErrors = () -> registry.find("http.server.requests").tag("outcome", "SERVER_ERROR")
                .timers().stream().mapToLong(io.micrometer.core.instrument.Timer::count).sum();
        long serverErrorsBefore = serverErrors.get();
        int before = output.getAll().length();
        String[][] codings = {{"gzip", "gzip"}, {"gzip, chunked", "gzip"}, {"deflate,gzip , chunked", "deflate, gzip"},
                {"x-" + "y".repeat(3000), null}, {"gz'ip", null}, {"a, b, c, d", null}};
        for (String[] coding : codings) {
            String named = coding[1] == null ? "that Transfer-Encoding" : "Transfer-Encoding " + coding[1];
            String expected = "This server does not accept request bodies sent with " + named
                    + "; send the body as it is, or chunked.";
            String what = coding[0].substring(0, Math.min(30, coding[0].length()));
            String api = raw("POST /api/v1/login", "Transfer-Encoding: " + coding[0], "Content-Type: application/json");
            assertThat(api).as(what).startsWith("HTTP/1.1 501").contains("Content-Type: application/problem+json")
                    .contains("\"type\":\"urn:lanyard:problem:not-implemented\"").contains("\"detail\":\"" + expected + "\"")
                    .contains("X-Content-Type-Options: nosniff").doesNotContain("on our side").doesNotContain("yyyyyyyyyy")
                    .doesNotContain("gz'ip");
            String page = raw("POST /login", "Transfer-Encoding: " + coding[0], "Accept: text/html",
                    "Content-Type: application/x-www-form-urlencoded");
            assertThat(page).as(what).startsWith("HTTP/1.1 501").contains("Content-Type: text/html")
                    .contains(org.springframework.web.util.HtmlUtils.htmlEscape(expected)).doesNotContain("on our side")
                    .doesNotContain("yyyyyyyyyy").doesNotContain("gz'ip").doesNotContain("gz&#39;ip");
        }
        // The one 5xx a client can bring about is not the server's fault (outside review): Tomcat answers it before any
        // filter, so it is neither a server error in http.server.requests nor an error or warning in the log.
        assertThat(registry.find("http.server.requests").tag("status", "501").timers()).isEmpty();
        assertThat(serverErrors.get()).isEqualTo(serverErrorsBefore);
        assertThat(output.getAll().substring(before).lines().filter(l -> l.contains(" ERROR ") || l.contains(" WARN "))).isEmpty();
    }

    /**
     * A page's address asked with a method no handler there takes, from a browser (its cookies, no CSRF token), said
     * "This form has expired or was sent from another site": the CSRF filter refused it before anything asked whether the
     * method was one the address takes (outside review). It is 405 naming the methods the address takes, as a PROPFIND
     * there is; a form posted without its token is still the CSRF refusal. And a PROPFIND whose Accept the firewall
     * refuses got its 405 through the error dispatch, which read that header again: it is written at once.
     */
    @Test
    void aPagesAddressAskedWithAMethodItDoesNotTakeIs405BeforeItsCsrfTokenIsChecked() throws Exception {
        String cookie = signUp(TestAccounts.newcomer("methods"));
        String[][] refused = {{"PUT /login", "GET, POST"}, {"DELETE /settings/sessions/ses_x/name", "POST"},
                {"PATCH /settings/sessions", "GET"}};
        for (String[] call : refused) {
            for (String sent : new String[] {"Cookie: " + cookie, "Cookie: XSRF-TOKEN=abc"}) {
                String response = raw(call[0], sent, "Accept: text/html", "X-Echo: echo-me");
                assertThat(response).as(call[0]).startsWith("HTTP/1.1 405").containsPattern("(?m)^Allow: " + call[1] + "\r?$")
                        .contains("Content-Type: text/html").contains("This address does not accept that kind of request.")
                        .contains("Content-Security-Policy: default-src 'self'").doesNotContain("This form has expired")
                        .doesNotContain("echo-me");
            }
        }
        assertThat(raw("POST /settings/sessions/ses_x/name", "Cookie: " + cookie, "Accept: text/html"))
                .as("a form the address takes, without its token").startsWith("HTTP/1.1 403").contains("This form has expired");
        assertThat(raw("POST /login", "Accept: text/html")).startsWith("HTTP/1.1 403").contains("This form has expired");

        // NEL (byte 0x85), a C1 control character as Tomcat reads the header's bytes.
        String dav = raw("PROPFIND /login", "Cookie: " + cookie, "Accept: text/html\u0085");
        assertThat(dav).as("PROPFIND with a refused Accept").startsWith("HTTP/1.1 405").containsPattern("(?m)^Allow: GET, POST\r?$")
                .contains("This address does not accept that kind of request.");
        String davApi = raw("PROPFIND /api/v1/sessions", "Cookie: " + cookie, "Accept: application/json\u0085");
        assertThat(davApi).startsWith("HTTP/1.1 405").contains("Content-Type: application/problem+json")
                .contains("\"type\":\"urn:lanyard:problem:method-not-allowed\"").contains("\"instance\":\"/api/v1/sessions\"");
    }

    /**
     * A problem's instance is the path as sent, without a path parameter: /api/v1/admin/members;x=1 was instance
     * "/api/v1/admin/membersx1", every character outside a path dropped (outside review). Problems written by a filter,
     * which had none, carry it too.
     */
    @Test
    void aProblemsInstanceIsThePathAsSentWithoutItsPathParameters() throws Exception {
        String cookie = signUp(TestAccounts.newcomer("instance"));
        assertThat(raw("PROPFIND /api/v1/admin/members;x=1", "Cookie: " + cookie)).startsWith("HTTP/1.1 405")
                .contains("\"instance\":\"/api/v1/admin/members\"");
        assertThat(raw("GET /api/v1/admin/members;x=1", "Cookie: " + cookie)).startsWith("HTTP/1.1 400")
                .contains("\"instance\":\"/api/v1/admin/members\"");
        assertThat(raw("GET /api/v1/sessions?=")).startsWith("HTTP/1.1 400").contains("\"instance\":\"/api/v1/sessions\"");
        assertThat(raw("GET /api/v1/sessions/ses_%27x", "Cookie: " + cookie)).startsWith("HTTP/1.1 404")
                .contains("\"instance\":\"/api/v1/sessions/ses_%27x\"");
        assertThat(raw("GET /api/v1/sessions")).as("a filter's problem").startsWith("HTTP/1.1 401")
                .contains("\"instance\":\"/api/v1/sessions\"");
        assertThat(raw("GET /api/v1/a%00b;c")).as("Tomcat's refusal").startsWith("HTTP/1.1 400")
                .contains("\"instance\":\"/api/v1/a%00b\"");
    }

    /**
     * A static file takes GET and HEAD only: TRACE, a WebDAV PROPFIND, DELETE or PUT on it is 405 naming them, as on
     * every other path (TRACE was 404, DELETE the missing CSRF token's 403), and echoes nothing. A path where no file is
     * served stays 404.
     */
    @Test
    void aMethodAStaticFileDoesNotTakeIs405WithGetAndHead() throws Exception {
        for (String file : java.util.List.of("/css/lanyard.css", "/js/times.js", "/img/lanyard.svg")) {
            assertThat(send(request(file).GET()).statusCode()).as("GET " + file).isEqualTo(200);
            for (String method : java.util.List.of("TRACE", "PROPFIND", "DELETE", "PUT")) {
                HttpResponse<String> refused = http.send(request(file).header("Accept", "text/html").header("X-Echo", "echo-me")
                        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).as(method + " " + file + ": " + refused.body()).isEqualTo(405);
                assertThat(allowed(refused)).as(method + " " + file).isEqualTo(java.util.Set.of("GET", "HEAD"));
                assertThat(refused.body()).as(method + " " + file + " echoes nothing").doesNotContain("echo-me");
            }
        }
        for (String method : java.util.List.of("TRACE", "PROPFIND", "DELETE")) {
            HttpResponse<String> nowhere = http.send(request("/css/nothing-here.css").method(method, HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(nowhere.statusCode()).as(method + " where no file is").isEqualTo(404);
        }
    }

    private static java.util.Set<String> allowed(HttpResponse<?> response) {
        return java.util.Arrays.stream(response.headers().firstValue("Allow").orElse("").split(","))
                .map(String::trim).filter(m -> !m.isEmpty()).collect(Collectors.toSet());
    }
}
