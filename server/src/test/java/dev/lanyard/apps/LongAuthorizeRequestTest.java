package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.json.JsonMapper;

/**
 * An authorize request too long to come back to after signing in is refused on Lanyard's error page; the
 * redirect to sign in, carrying the whole request, overflowed the server's room for headers (an empty 500).
 */
@LanyardSpringTest
class LongAuthorizeRequestTest {
    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;

    private Member admin;
    private RelyingApp app;
    private final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void anApp() throws Exception {
        TeamApps apps = new TeamApps(mvc, json, port);
        admin = new ApiClient(mvc, json).signUp("admin");
        app = apps.app(apps.register(admin, "Wiki"));
    }

    /** The app's authorize request with its state replaced by {@code state} (already encoded). */
    private URI withState(String state) {
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        return URI.create(attempt.uri().toString().replace("state=" + attempt.state().getValue(), "state=" + state));
    }

    private static void assertRefusedInWords(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("too long to come back to after you sign in");
    }

    @Test
    void aSignedOutRequestTooLongToComeBackToIsRefusedInWordsNotA500() throws Exception {
        assertRefusedInWords(app.browse(withState("%22".repeat(2000)), null));
        assertRefusedInWords(app.browse(withState("a".repeat(4100)), null));
    }

    @Test
    void aPostedRequestWithAHugeParameterIsRefusedInWordsNotA500() throws Exception {
        RelyingApp.Attempt attempt = app.authorizeRequest("openid");
        HttpResponse<String> response = browser.send(HttpRequest.newBuilder(URI.create(attempt.uri().resolve("/oauth2/authorize").toString()))
                .header("Accept", "text/html").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(attempt.uri().getRawQuery() + "&claims=" + "%7B".repeat(4400))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertRefusedInWords(response);
    }

    @Test
    void aSignedInMemberAskedToSignInAgainWithATooLongRequestIsRefusedInWords() throws Exception {
        TeamApps.signIn(app, admin, "openid");
        assertRefusedInWords(app.browse(URI.create(withState("%22".repeat(2000)) + "&prompt=login"), TeamApps.cookie(admin)));
    }

    @Test
    void aLongRequestThatFitsStillGoesToSignInAndComesBackWhole() throws Exception {
        String state = "%22".repeat(700);
        HttpResponse<String> response = app.browse(withState(state), null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
        URI login = RelyingApp.location(response);
        assertThat(login.getPath()).isEqualTo("/login");
        assertThat(RelyingApp.query(login).get("next").get(0)).startsWith("/oauth2/authorize?").contains("state=" + state);
    }
}
