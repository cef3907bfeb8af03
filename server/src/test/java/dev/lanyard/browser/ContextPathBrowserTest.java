package dev.lanyard.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.lanyard.browser.Chromium.IPHONE_LONDON;
import static dev.lanyard.browser.Chromium.MAC_MADRID;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.regex.Pattern;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PageAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.Cookie;
import dev.lanyard.testsupport.SqliteDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * Lanyard served at a path of its own ({@code server.servlet.context-path=/lanyard}, decision 81), as behind a gateway
 * that gives it {@code https://example.com/lanyard/}: every page, redirect, live update and OAuth document stays under
 * that path. Before, a signed-out page was sent to {@code /login}, outside Lanyard; an open page listened for its live
 * updates at {@code /settings/sessions/events}, outside Lanyard too, and so never learned it was signed out; the
 * OAuth endpoints' CORS and method checks compared {@code /lanyard/oauth2/jwks} with {@code /oauth2/jwks} and never held.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"lanyard.web.trusted-proxies=127.0.0.1", "server.address=127.0.0.1", "server.servlet.context-path=/lanyard"})
@ContextConfiguration(initializers = SqliteDatabase.class)
class ContextPathBrowserTest extends BrowserTest {
    private static final String AT = "/lanyard";

    @Test
    void aMemberSignsUpSeesAPhoneArriveEndsItAndThePhoneIsToldAllUnderThePath() {
        Page desk = open(MAC_MADRID);
        desk.navigate(AT + "/");
        assertThat(desk).hasURL(Pattern.compile(AT + "/login$"));
        String email = nextEmail("path");
        withStream(desk, () -> submitSignUp(desk, AT, "Ada Lovelace", email, "Engines"));
        assertThat(desk).hasURL(Pattern.compile(AT + "/settings/sessions\\?done=welcome$"));

        // A phone signs in through the form under the path, and the desk's open page shows it without a reload.
        Page phone = open(IPHONE_LONDON);
        withStream(phone, () -> submitLogIn(phone, AT, email));
        assertThat(phone).hasURL(Pattern.compile(AT + "/settings/sessions$"));
        Cookie phoneSession = phone.context().cookies().stream().filter(c -> c.name.equals("lanyard_session")).findFirst().orElseThrow();
        Locator card = desk.locator("ul.cards article.card");
        assertThat(card).hasCount(1);

        // The desk ends it through the confirmation page, whose form posts under the path.
        card.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName(Pattern.compile("^Sign out \u2068"))).click();
        assertThat(desk.locator("h1")).hasText("Sign out session?");
        desk.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out").setExact(true)).click();
        assertThat(desk).hasURL(Pattern.compile(AT + "/settings/sessions\\?done=signed-out&session=[^&]+$"));
        assertThat(card).hasCount(0);

        // The phone's open page hears it at once and moves to the sign-in page under the path, saying why.
        assertThat(phone).hasURL(Pattern.compile(AT + "/login\\?ended=revoked$"), new PageAssertions.HasURLOptions().setTimeout(20_000));
        assertThat(phone.locator("main.auth .alert.warning")).hasText(SessionsBrowserTest.SIGNED_OUT_ELSEWHERE);

        // A stream asked for again with the ended session is told why (EventSource cannot follow a redirect).
        HttpResponse<String> stream = withCookie("GET", AT + "/settings/sessions/events", phoneSession);
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.body()).startsWith("event: signed-out\n").contains("\"reason\":\"revoked\"");

        // Signed out, a page asked for leads to sign-in and back to itself, under the path.
        phone.navigate(AT + "/settings/activity");
        assertThat(phone).hasURL(Pattern.compile(AT + "/login\\?next=%2Fsettings%2Factivity$"));
        phone.getByLabel("Email").fill(email);
        phone.getByLabel("Password").fill(PASSWORD);
        phone.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        assertThat(phone).hasURL(Pattern.compile(AT + "/settings/activity$"));
        assertThat(phone.locator("h1")).isVisible();
    }

    @Test
    void appsFindTheAuthorizationServerAndItsChecksUnderThePath() {
        String base = "http://127.0.0.1:" + port + AT;
        HttpResponse<String> discovery = api("GET", AT + "/.well-known/openid-configuration", null, null);
        assertThat(discovery.statusCode()).isEqualTo(200);
        assertThat(discovery.body()).contains("\"issuer\":\"" + base + "\"", "\"token_endpoint\":\"" + base + "/oauth2/token\"",
                "\"jwks_uri\":\"" + base + "/oauth2/jwks\"");
        HttpResponse<String> signals = api("GET", AT + "/.well-known/ssf-configuration", null, null);
        assertThat(signals.body()).contains("\"issuer\":\"" + base + "\"", "\"configuration_endpoint\":\"" + base + "/api/v1/ssf/streams\"");

        // The key set is open to every origin, and takes GET only (both checks compared the path without Lanyard's own).
        HttpResponse<String> keys = send("GET", AT + "/oauth2/jwks", "Origin", "https://app.example");
        assertThat(keys.statusCode()).isEqualTo(200);
        assertThat(keys.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        HttpResponse<String> posted = api("POST", AT + "/oauth2/jwks", null, "{}");
        assertThat(posted.statusCode()).isEqualTo(405);
        assertThat(posted.headers().firstValue("Allow")).contains("GET");
        assertThat(posted.body()).contains("This endpoint takes GET only.");

        // The API under the path is the API: a problem, not a page.
        HttpResponse<String> signedOut = api("GET", AT + "/api/v1/sessions/current", null, null);
        assertThat(signedOut.statusCode()).isEqualTo(401);
        assertThat(signedOut.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));

        // Refusals before any handler: the error page leads back to the page it came from, under the path once...
        HttpResponse<String> control = send("GET", AT + "/login?email=%01", "Accept", "text/html",
                "Referer", "http://127.0.0.1:" + port + AT + "/settings/activity");
        assertThat(control.statusCode()).isEqualTo(400);
        assertThat(control.body()).contains("href=\"" + AT + "/settings/activity\"").doesNotContain(AT + AT);
        // ...and Tomcat's own refusals are Lanyard's page, its style and link under the path, or a problem for the API.
        HttpResponse<String> page = send("GET", AT + "/settings/%00", "Accept", "text/html");
        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("href=\"" + AT + "/css/lanyard.css\"", "href=\"" + AT + "/settings/sessions\"");
        HttpResponse<String> api = send("GET", AT + "/api/v1/%00", "Accept", "*/*");
        assertThat(api.statusCode()).isEqualTo(400);
        assertThat(api.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }

    /**
     * A relying app (Spring Boot's OAuth client) given the issuer with the path signs a member in through the sign-in and
     * consent pages under it, and back; revoking it under Connected apps stops it.
     */
    @Test
    void aRelyingAppSignsAMemberInThroughThePathAndRevokingItStopsTheApp() throws Exception {
        Page page = open(MAC_MADRID);
        String email = nextEmail("path-app");
        submitSignUp(page, AT, "Grace Hopper", email, "Compilers");
        assertThat(page).hasURL(Pattern.compile(AT + "/settings/sessions\\?done=welcome$"));

        int appPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            appPort = socket.getLocalPort();
        }
        page.navigate(AT + "/admin/apps");
        page.getByLabel("Name").fill("Wiki");
        page.getByLabel("Redirect URIs").fill("http://localhost:" + appPort + "/login/oauth2/code/lanyard");
        page.getByLabel("Confidential: a server, PKCE and a client secret").check();
        page.getByLabel("offline_access").check();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Register app")).click();
        String clientId = page.locator("#client-id").textContent().strip();
        String secret = page.locator("#client-secret").textContent().strip();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log out")).click();
        assertThat(page).hasURL(Pattern.compile(AT + "/login\\?out$"));

        String issuer = "http://127.0.0.1:" + port + AT;
        try (var wiki = relyingapp.RelyingWebApp.start(appPort, issuer, clientId, secret)) {
            page.navigate("http://localhost:" + appPort + "/");
            assertThat(page).hasURL(Pattern.compile("^http://127\\.0\\.0\\.1:" + port + AT + "/login\\?next=%2Foauth2%2Fauthorize%3F"));
            page.getByLabel("Email").fill(email);
            page.getByLabel("Password").fill(PASSWORD);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
            assertThat(page.getByRole(AriaRole.HEADING)).containsText("Wiki wants to use your Lanyard account");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Allow")).click();
            assertThat(page.locator("body")).containsText("Hello Grace Hopper <" + email + ">");
            page.navigate("http://localhost:" + appPort + "/check");
            assertThat(page.locator("body")).containsText("userinfo=200 refresh=200");

            page.navigate(issuer + "/settings/apps");
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Revoke access of Wiki")).click();
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Revoke access")).click();
            assertThat(page.getByText("Access revoked.")).isVisible();
            page.navigate("http://localhost:" + appPort + "/check");
            assertThat(page.locator("body")).containsText("userinfo=401 refresh=400");
        }
    }

    private HttpResponse<String> withCookie(String method, String path, Cookie cookie) {
        return send(method, path, "Cookie", cookie.name + "=" + cookie.value, "Accept", "text/event-stream");
    }

    /** A request with the {@code headers} given as name, value, name, value... */
    private HttpResponse<String> send(String method, String path, String... headers) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + path)).headers(headers)
                    .method(method, java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
