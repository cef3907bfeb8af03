package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import dev.lanyard.Lanyard;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.Nodes;
import dev.lanyard.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two Lanyard nodes on one PostgreSQL database: they publish the same signing keys, a restarted
 * node keeps them, and a grant revoked on one node is refused on the other.
 */
class OAuthTwoNodesTest {
    /** How long a node may take to hear another's NOTIFY (as in TwoNodesTest). */
    private static final Duration HEARING = Duration.ofSeconds(5);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private static String[] arguments;
    private static ConfigurableApplicationContext nodeA;
    private static ConfigurableApplicationContext nodeB;

    @BeforeAll
    static void startTwoNodes() {
        TestPostgres postgres = TestPostgres.shared();
        String database = postgres.createDatabase();
        arguments = Nodes.arguments(postgres, database);
        nodeA = Nodes.start(arguments);
        nodeB = Nodes.start(arguments);
    }

    @AfterAll
    static void stopNodes() {
        if (nodeB != null) nodeB.close();
        if (nodeA != null) nodeA.close();
    }

    private static String url(ConfigurableApplicationContext node) {
        return "http://127.0.0.1:" + node.getEnvironment().getProperty("local.server.port");
    }

    private static String get(String uri) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static HttpResponse<String> send(String method, String uri, String cookie, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (cookie != null) request.header("Cookie", cookie);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> keyIds(String jwks) throws Exception {
        return JWKSet.parse(jwks).getKeys().stream().map(k -> k.getKeyID()).toList();
    }

    @Test
    void bothNodesAndARestartedNodePublishTheSameKeys() throws Exception {
        String fromA = get(url(nodeA) + "/oauth2/jwks");
        List<String> kids = keyIds(fromA);
        assertThat(kids).isNotEmpty();
        assertThat(JWKSet.parse(fromA).getKeys()).allSatisfy(k -> assertThat(k.isPrivate()).isFalse());
        assertThat(keyIds(get(url(nodeB) + "/oauth2/jwks"))).isEqualTo(kids);

        nodeB.close();
        nodeB = Nodes.start(arguments);
        assertThat(keyIds(get(url(nodeB) + "/oauth2/jwks"))).isEqualTo(kids);
    }

    @Test
    void aGrantRevokedOnOneNodeIsRefusedOnTheOther() throws Exception {
        var who = TestAccounts.newcomer("ada");
        HttpResponse<String> signedUp = send("POST", url(nodeA) + "/api/v1/signup", null,
                Map.of("email", who.email(), "password", who.password(), "name", who.name(), "team", who.team()));
        assertThat(signedUp.statusCode()).as(signedUp.body()).isEqualTo(201);
        String cookie = signedUp.headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith("lanyard_session="))
                .map(h -> h.split(";", 2)[0]).findFirst().orElseThrow();
        HttpResponse<String> registered = send("POST", url(nodeA) + "/api/v1/admin/apps", cookie, Map.of("name", "Wiki",
                "redirectUris", List.of(OAuthFlowTest.REDIRECT), "type", "confidential", "scopes", List.of("openid", "email", "offline_access")));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        JsonNode app = JSON.readTree(registered.body());

        RelyingApp onA = new RelyingApp(url(nodeA), app.path("app").path("clientId").asString(),
                Optional.of(app.path("clientSecret").asString()), OAuthFlowTest.REDIRECT);
        RelyingApp.Attempt attempt = onA.authorizeRequest("openid email offline_access");
        OIDCTokenResponse tokens = onA.exchange(attempt, onA.code(attempt, onA.signIn(attempt, cookie)));
        var access = tokens.getOIDCTokens().getAccessToken();
        assertThat(onA.active(access)).isTrue();

        HttpResponse<String> revoked = send("DELETE", url(nodeB) + "/api/v1/apps/" + app.path("app").path("id").asString(), cookie, null);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(204);

        Instant deadline = Instant.now().plus(HEARING);
        boolean active = onA.active(access);
        while (active && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
            active = onA.active(access);
        }
        assertThat(active).as("node A still says the revoked grant's token is active").isFalse();
        assertThat(onA.userInfo(access).indicatesSuccess()).isFalse();
        assertThat(onA.refresh(tokens.getOIDCTokens().getRefreshToken()).indicatesSuccess()).isFalse();
    }
}
