package dev.lanyard.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import relyingapp.RelyingWebApp;
import dev.lanyard.testsupport.SqliteDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextConfiguration;

/**
 * A person signs in to a real relying app (Spring Boot, spring-boot-starter-oauth2-client) through
 * Lanyard in Chromium: Lanyard's sign-in page, the consent page, back in the app with their name;
 * then they revoke the app under Connected apps and the app's next userinfo and refresh fail.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"lanyard.web.trusted-proxies=127.0.0.1", "server.address=127.0.0.1"})
@ContextConfiguration(initializers = SqliteDatabase.class)
class OAuthBrowserTest extends BrowserTest {

    private final java.util.List<String> violations = new java.util.ArrayList<>();

    /** axe-core on the page as it is, as AccessibilityBrowserTest checks every other page. */
    private void axe(Page page, String name) {
        axeViolations(page).forEach(v -> violations.add(name + ": " + v));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void memberSignsInToARelyingAppConsentsAndRevokingItStopsTheApp() throws Exception {
        BrowserContext lanyard = Chromium.context(browser, port, Chromium.MAC_MADRID);
        Page page = lanyard.newPage();
        // Ada signs up, and registers the team's wiki as its admin.
        page.navigate("/signup");
        page.getByLabel("Your name").fill("Ada Lovelace");
        page.getByLabel("Email").fill("ada.oauth@example.com");
        page.getByLabel("Password").fill("correct horse battery staple");
        page.getByLabel("Team name").fill("Analytical Engines");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create account")).click();
        assertThat(page).hasURL(java.util.regex.Pattern.compile(".*/settings/sessions.*"));

        int appPort = freePort();
        page.navigate("/admin/apps");
        page.getByLabel("Name").fill("Wiki");
        page.getByLabel("Description").fill("The team's wiki");
        page.getByLabel("Redirect URIs").fill("http://localhost:" + appPort + "/login/oauth2/code/lanyard");
        page.getByLabel("Confidential: a server, PKCE and a client secret").check();
        // The wiki refreshes its tokens: it asks to stay connected.
        page.getByLabel("offline_access").check();
        axe(page, "team apps");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Register app")).click();
        axe(page, "app registered");
        String clientId = page.locator("#client-id").textContent().strip();
        String secret = page.locator("#client-secret").textContent().strip();
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Go to the app")).click();
        axe(page, "app details");

        // Ada logs out of Lanyard: the app must send her through Lanyard's sign-in page.
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log out")).click();

        try (ConfigurableApplicationContext wiki = RelyingWebApp.start(appPort, "http://127.0.0.1:" + port, clientId, secret)) {
            page.navigate("http://localhost:" + appPort + "/");
            assertThat(page).hasURL(java.util.regex.Pattern.compile("http://127\\.0\\.0\\.1:" + port + "/login\\?next=.*"));
            page.getByLabel("Email").fill("ada.oauth@example.com");
            page.getByLabel("Password").fill("correct horse battery staple");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();

            assertThat(page.getByRole(AriaRole.HEADING)).containsText("Wiki wants to use your Lanyard account");
            assertThat(page.getByText("The team's wiki")).isVisible();
            assertThat(page.getByText("See your email address")).isVisible();
            assertThat(page.getByText("Stay connected when you are not using the app")).isVisible();
            axe(page, "consent");
            page.screenshot(new Page.ScreenshotOptions().setPath(java.nio.file.Paths.get("target", "oauth-consent.png")));
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Allow")).click();

            assertThat(page.locator("body")).containsText("Hello Ada Lovelace <ada.oauth@example.com>");
            page.navigate("http://localhost:" + appPort + "/check");
            assertThat(page.locator("body")).containsText("userinfo=200 refresh=200");
            // The app kept the rotated tokens: they work again.
            page.reload();
            assertThat(page.locator("body")).containsText("userinfo=200 refresh=200");

            // Ada, the team's admin, sees herself among the members who allowed it: the apps list and the app's page
            // are cards on a phone, no table cut off in a box scrolled sideways (outside UI review: "Sco" at 390 px).
            com.microsoft.playwright.options.ViewportSize size = page.viewportSize();
            page.setViewportSize(390, 844);
            page.navigate("http://127.0.0.1:" + port + "/admin/apps");
            assertThat(tablesScrollingSideways(page)).as("/admin/apps at 390 px").isEmpty();
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Wiki").setExact(true)).click();
            assertThat(page.locator("main table")).containsText("ada.oauth@example.com");
            assertThat(tablesScrollingSideways(page)).as("the app's page at 390 px").isEmpty();
            page.setViewportSize(size.width, size.height);

            // The grant is listed in Lanyard, as a session and as a connected app; Ada revokes it.
            page.navigate("http://127.0.0.1:" + port + "/settings/apps");
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Wiki"))).isVisible();
            axe(page, "connected apps");
            page.screenshot(new Page.ScreenshotOptions().setPath(java.nio.file.Paths.get("target", "oauth-connected-apps.png")).setFullPage(true));
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Revoke access of Wiki")).click();
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Revoke access of Wiki?"))).isVisible();
            axe(page, "confirm: revoke an app's access");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Revoke access")).click();
            assertThat(page.getByText("Access revoked.")).isVisible();

            page.navigate("http://localhost:" + appPort + "/check");
            assertThat(page.locator("body")).containsText("userinfo=401 refresh=400");
        }
        lanyard.close();
        org.assertj.core.api.Assertions.assertThat(violations).as("serious or critical accessibility violations").isEmpty();
    }

    /**
     * A native app registers {@code http://127.0.0.1/callback} and listens on whatever port the system gives it (RFC 8252
     * 7.3): Deny and Allow on its first consent both reach it. Outside QA AH: the page's form-action allowed port 80 only,
     * so Chromium refused to send either answer and the member stayed on the consent page.
     */
    @Test
    void aNativeAppOnAPortTheSystemGaveItGetsTheAnswerOfDenyAndAllow() throws Exception {
        BrowserContext lanyard = Chromium.context(browser, port, Chromium.MAC_MADRID);
        Page page = lanyard.newPage();
        signUp(page, "Grace Hopper", "Compilers");
        page.navigate("/admin/apps");
        page.getByLabel("Name").fill("Desktop sync");
        page.getByLabel("Redirect URIs").fill("http://127.0.0.1/callback");
        page.getByLabel("Public: a browser or mobile app, PKCE only").check();
        page.getByLabel("profile").check();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Register app")).click();
        String clientId = page.locator("#client-id").textContent().strip();

        com.sun.net.httpserver.HttpServer app = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.0.0.1"), 0), 0);
        app.createContext("/callback", exchange -> {
            byte[] body = ("The app heard: " + exchange.getRequestURI().getRawQuery()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        app.start();
        try {
            String redirect = java.net.URLEncoder.encode("http://127.0.0.1:" + app.getAddress().getPort() + "/callback",
                    java.nio.charset.StandardCharsets.UTF_8);
            String challenge = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.security.MessageDigest
                    .getInstance("SHA-256").digest("a-verifier-of-at-least-forty-three-characters-long".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            String authorize = "/oauth2/authorize?response_type=code&client_id=" + clientId + "&redirect_uri=" + redirect
                    + "&scope=openid%20profile&state=s1&code_challenge=" + challenge + "&code_challenge_method=S256";

            page.navigate(authorize);
            assertThat(page.getByRole(AriaRole.HEADING)).containsText("Desktop sync wants to use your Lanyard account");
            // Deny and Allow are a row of buttons, level (outside UI review: Deny, a link, stood above Allow).
            java.util.Map<String, com.microsoft.playwright.Locator> answers = new java.util.LinkedHashMap<>();
            answers.put("Deny", page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Deny")));
            answers.put("Allow", page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Allow")));
            assertThat(outOfRow(answers)).as("the consent's buttons").isEmpty();
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Deny")).click();
            assertThat(page.locator("body")).containsText("The app heard: error=access_denied");
            assertThat(page.locator("body")).containsText("state=s1");

            page.navigate(authorize);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Allow")).click();
            assertThat(page.locator("body")).containsText("The app heard: code=");
            assertThat(page.locator("body")).containsText("state=s1");
        } finally {
            app.stop(0);
            lanyard.close();
        }
    }
    /**
     * An app on another site (here {@code localhost}, Lanyard at {@code 127.0.0.1}) posts its authorization request as a
     * form with {@code prompt=none} for a member signed in to Lanyard, and gets a code. Chromium sends the session cookie
     * (SameSite=Lax) with a top-level GET from another site, not with a POST: Lanyard showed its {@code login_required} page
     * (outside review, a Playwright run like this one). It now answers such a POST with a 303 to the same request as a GET.
     */
    @Test
    void anAppOnAnotherSitePostingItsRequestWithPromptNoneGetsACodeForTheMemberSignedIn() throws Exception {
        Page page = open(Chromium.MAC_MADRID);
        signUp(page, "Katherine Johnson", "Trajectories");
        page.navigate("/admin/apps");
        page.getByLabel("Name").fill("Orbit");
        page.getByLabel("Redirect URIs").fill("http://127.0.0.1/callback");
        page.getByLabel("Public: a browser or mobile app, PKCE only").check();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Register app")).click();
        String clientId = page.locator("#client-id").textContent().strip();

        java.net.InetAddress loopback = java.net.InetAddress.getByName("127.0.0.1");
        com.sun.net.httpserver.HttpServer callback = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress(loopback, 0), 0);
        callback.createContext("/callback", exchange -> answer(exchange, "text/plain", "The app heard: " + exchange.getRequestURI().getRawQuery()));
        callback.start();
        String challenge = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.security.MessageDigest
                .getInstance("SHA-256").digest("a-verifier-of-at-least-forty-three-characters-long".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        java.util.Map<String, String> request = new java.util.LinkedHashMap<>();
        request.put("response_type", "code");
        request.put("client_id", clientId);
        request.put("redirect_uri", "http://127.0.0.1:" + callback.getAddress().getPort() + "/callback");
        request.put("scope", "openid");
        request.put("code_challenge", challenge);
        request.put("code_challenge_method", "S256");
        // The app's own site, on another host name: its page posts the request to Lanyard as soon as it loads.
        com.sun.net.httpserver.HttpServer site = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress(loopback, 0), 0);
        site.createContext("/sign-in", exchange -> {
            StringBuilder form = new StringBuilder("<!doctype html><title>Orbit</title><form method=post action=\"http://127.0.0.1:" + port
                    + "/oauth2/authorize\">");
            request.forEach((name, value) -> form.append("<input type=hidden name=\"").append(name).append("\" value=\"").append(value).append("\">"));
            form.append("<input type=hidden name=state value=s2><input type=hidden name=prompt value=none></form>")
                    .append("<script>document.forms[0].submit()</script>");
            answer(exchange, "text/html", form.toString());
        });
        site.start();
        try {
            // The member allows the app once, through a GET.
            StringBuilder authorize = new StringBuilder("/oauth2/authorize?state=s1");
            request.forEach((name, value) -> authorize.append('&').append(name).append('=')
                    .append(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8)));
            page.navigate(authorize.toString());
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Allow")).click();
            assertThat(page.locator("body")).containsText("The app heard: code=");

            page.navigate("http://localhost:" + site.getAddress().getPort() + "/sign-in");
            assertThat(page.locator("body")).containsText("The app heard: code=");
            assertThat(page.locator("body")).containsText("state=s2");
        } finally {
            site.stop(0);
            callback.stop(0);
        }
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, String type, String text) throws java.io.IOException {
        byte[] body = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
