package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import dev.lanyard.signals.Tarpit;
import dev.lanyard.signals.TestReceiver;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * OpenID Connect Back-Channel Logout 1.0: when the session of an app's grant ends, the app's
 * back-channel logout URI gets a logout token that a relying app validates as the spec says
 * (signature from the JWKS, typ logout+jwt, the ID token's iss and sid, the app as audience).
 */
@LanyardSpringTest
class BackchannelLogoutTest {
    static final String REDIRECT = "http://127.0.0.1:9/callback";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    private ApiClient api;
    private Member admin;
    private TestReceiver app;

    @BeforeEach
    void team() throws Exception {
        api = new ApiClient(mvc, json);
        admin = api.signUp("admin");
        app = new TestReceiver();
        app.status.set(200);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private String issuer() {
        return "http://127.0.0.1:" + port;
    }

    JsonNode register(String name, String backchannel) throws Exception {
        MvcResult result = mvc.perform(post("/api/v1/admin/apps").cookie(admin.cookie()).with(admin.from())
                .contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(Map.of("name", name, "redirectUris", List.of(REDIRECT), "type", "confidential",
                        "scopes", List.of("openid", "profile"), "backchannelLogoutUri", backchannel)))).andReturn();
        assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(201);
        return api.read(result);
    }

    OIDCTokenResponse signIn(RelyingApp relying) throws Exception {
        RelyingApp.Attempt attempt = relying.authorizeRequest("openid profile");
        URI landed = relying.signIn(attempt, ApiClient.COOKIE + "=" + admin.token());
        return relying.exchange(attempt, relying.code(attempt, landed));
    }

    @Test
    void aBackChannelLogoutUriInsideTheServersNetworkIsRefusedWithTheReason() throws Exception {
        for (String uri : new String[] {"https://169.254.169.254/latest/meta-data", "http://192.168.1.1/logout", "https://[::ffff:10.0.0.1]/x"}) {
            MvcResult result = mvc.perform(post("/api/v1/admin/apps").cookie(admin.cookie()).with(admin.from())
                    .contentType(MediaType.APPLICATION_JSON)
                    .content(json.writeValueAsString(Map.of("name", "Internal", "redirectUris", List.of(REDIRECT), "type", "confidential",
                            "scopes", List.of("openid"), "backchannelLogoutUri", uri)))).andReturn();
            assertThat(result.getResponse().getStatus()).as(uri).isEqualTo(400);
            assertThat(result.getResponse().getContentAsString()).as(uri).contains("backchannelLogoutUri")
                    .contains("The back-channel logout URI reaches an address outside the public internet");
        }
    }

    /**
     * Outside review: a host that did not resolve was told so, and accepted over https, where one the server's network
     * knows was refused as internal, so that an admin could list the internal names. Both now get one answer, when an app
     * is registered or changed; an address that can never be public is refused as such.
     */
    @Test
    void aBackChannelLogoutUriWhoseHostDoesNotResolveIsRefusedAsAnInternalNameIs() throws Exception {
        String missing = "The host nosuchhost-xyz.invalid does not resolve to a public internet address. Lanyard sends to other "
                + "networks only where its operator lists them in lanyard.signals.private-networks.";
        String id = register("Resolving", app.url("/logout")).path("app").path("id").asString();
        String[][] refusals = {{"https://nosuchhost-xyz.invalid/x", missing}, {"http://nosuchhost-xyz.invalid/x", missing},
                {"https://017700000001:18251/", "The back-channel logout URI must name its host by a DNS name or an IP address "
                        + "written the usual way (like 93.184.215.14 or [2001:db8::1])."},
                {"https://[fe80::1%25lo]:18251/", "The back-channel logout URI cannot name a network interface (an IPv6 zone id after %)."}};
        for (String[] refusal : refusals) {
            String body = json.writeValueAsString(Map.of("name", "Resolving", "redirectUris", List.of(REDIRECT), "type", "confidential",
                    "scopes", List.of("openid"), "backchannelLogoutUri", refusal[0]));
            for (var request : List.of(post("/api/v1/admin/apps"), put("/api/v1/admin/apps/" + id))) {
                MvcResult result = mvc.perform(request.cookie(admin.cookie()).with(admin.from())
                        .contentType(MediaType.APPLICATION_JSON).content(body)).andReturn();
                assertThat(result.getResponse().getStatus()).as(refusal[0]).isEqualTo(400);
                assertThat(result.getResponse().getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
                JsonNode problem = json.readTree(result.getResponse().getContentAsString());
                assertThat(problem.path("field").asString()).isEqualTo("backchannelLogoutUri");
                assertThat(problem.path("detail").asString()).as(refusal[0]).contains(refusal[1]);
            }
        }
    }

    /**
     * Decision 87 left this untested: a team's app whose back-channel logout URI accepts the connection and never answers
     * must not hold another team's logout token or SET. Both are made while the tarpit is being sent its token, and arrive
     * well before that push times out (10 s).
     */
    @Test
    void aLogoutTokenToAnAppThatNeverAnswersHoldsNoOtherTeamsLogoutTokenOrSet() throws Exception {
        try (Tarpit tarpit = new Tarpit()) {
            JsonNode slow = register("Never answers", tarpit.url("/logout"));
            signIn(new RelyingApp(issuer(), slow.path("app").path("clientId").asString(),
                    Optional.of(slow.path("clientSecret").asString()), REDIRECT));
            Member other = api.signUp("other-team-admin");
            JsonNode healthy = registerWithSignals(other, "Answers", app.url("/logout"));
            pushStream(token(healthy), app.url("/ssf"));
            RelyingApp relying = new RelyingApp(issuer(), healthy.path("app").path("clientId").asString(),
                    Optional.of(healthy.path("clientSecret").asString()), REDIRECT);
            RelyingApp.Attempt attempt = relying.authorizeRequest("openid profile");
            relying.exchange(attempt, relying.code(attempt, relying.signIn(attempt, ApiClient.COOKIE + "=" + other.token())));
            app.drained();

            assertThat(mvc.perform(delete("/api/v1/apps/" + slow.path("app").path("id").asString()).cookie(admin.cookie())
                    .with(admin.from())).andReturn().getResponse().getStatus()).isEqualTo(204);
            long tarpitFirst = tarpit.firstConnection(Duration.ofSeconds(20));
            assertThat(mvc.perform(delete("/api/v1/apps/" + healthy.path("app").path("id").asString()).cookie(other.cookie())
                    .with(other.from())).andReturn().getResponse().getStatus()).isEqualTo(204);

            List<String> arrived = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                TestReceiver.Arrival arrival = app.next(Duration.ofSeconds(30));
                assertThat(arrival).as("the other team's %s arrived", arrived.isEmpty() ? "first" : "second").isNotNull();
                assertThat(Duration.ofNanos(arrival.nanos() - tarpitFirst)).as(arrival.path() + ", well within the tarpit's push timeout")
                        .isLessThan(Duration.ofSeconds(5));
                arrived.add(arrival.path());
            }
            assertThat(arrived).as("its logout token and its SET").containsExactlyInAnyOrder("/logout", "/ssf");
        }
    }

    /** An app of {@code owner}'s team with a back-channel logout URI, allowed to receive Shared Signals. */
    private JsonNode registerWithSignals(Member owner, String name, String backchannel) throws Exception {
        MvcResult result = mvc.perform(post("/api/v1/admin/apps").cookie(owner.cookie()).with(owner.from())
                .contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(Map.of("name", name, "redirectUris", List.of(REDIRECT), "type", "confidential",
                        "scopes", List.of("openid", "profile"), "backchannelLogoutUri", backchannel)))).andReturn();
        assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(201);
        JsonNode registered = api.read(result);
        MvcResult enabled = mvc.perform(put("/api/v1/admin/apps/" + registered.path("app").path("id").asString() + "/signals")
                .cookie(owner.cookie()).with(owner.from()).contentType(MediaType.APPLICATION_JSON).content("{\"enabled\":true}")).andReturn();
        assertThat(enabled.getResponse().getStatus()).as(enabled.getResponse().getContentAsString()).isEqualTo(200);
        return registered;
    }

    /** The app's own access token (client credentials, scope ssf). */
    private String token(JsonNode registered) throws Exception {
        String basic = java.util.Base64.getEncoder().encodeToString((registered.path("app").path("clientId").asString() + ":"
                + registered.path("clientSecret").asString()).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(issuer() + "/oauth2/token"))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=ssf")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body()).path("access_token").asString();
    }

    /** A push stream (RFC 8935) of session revocations to {@code endpoint}. */
    private void pushStream(String token, String endpoint) throws Exception {
        MvcResult created = mvc.perform(post("/api/v1/ssf/streams").header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(Map.of(
                        "delivery", Map.of("method", "urn:ietf:rfc:8935", "endpoint_url", endpoint),
                        "events_requested", List.of("https://schemas.openid.net/secevent/caep/event-type/session-revoked")))))
                .andReturn();
        assertThat(created.getResponse().getStatus()).as(created.getResponse().getContentAsString()).isEqualTo(201);
    }

    @Test
    void discoveryAdvertisesBackChannelLogoutWithSessions() throws Exception {
        JsonNode registered = register("Discovery", app.url("/logout"));
        RelyingApp relying = new RelyingApp(issuer(), registered.path("app").path("clientId").asString(),
                Optional.of(registered.path("clientSecret").asString()), REDIRECT);
        assertThat(relying.provider.supportsBackChannelLogout()).isTrue();
        assertThat(relying.provider.supportsBackChannelLogoutSession()).isTrue();
    }

    @Test
    void revokingTheAppSendsALogoutTokenWithTheSidOfItsIdToken() throws Exception {
        JsonNode registered = register("Wiki", app.url("/logout"));
        String clientId = registered.path("app").path("clientId").asString();
        RelyingApp relying = new RelyingApp(issuer(), clientId, Optional.of(registered.path("clientSecret").asString()), REDIRECT);
        JWTClaimsSet idToken = signIn(relying).getOIDCTokens().getIDToken().getJWTClaimsSet();
        String sid = idToken.getStringClaim("sid");
        assertThat(sid).as("the ID token names its session").isNotBlank();

        MvcResult revoked = mvc.perform(delete("/api/v1/apps/" + registered.path("app").path("id").asString())
                .cookie(admin.cookie()).with(admin.from())).andReturn();
        assertThat(revoked.getResponse().getStatus()).isEqualTo(204);

        TestReceiver.Arrival posted = app.next(Duration.ofSeconds(20));
        assertThat(posted).as("a logout token arrived").isNotNull();
        assertThat(posted.path()).isEqualTo("/logout");
        assertThat(posted.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(posted.body()).startsWith("logout_token=");
        SignedJWT token = SignedJWT.parse(URLDecoder.decode(posted.body().substring("logout_token=".length()), StandardCharsets.UTF_8));
        assertThat(token.getHeader().getType()).isEqualTo(new JOSEObjectType("logout+jwt"));
        String jwks = HTTP.send(HttpRequest.newBuilder(URI.create(issuer() + "/oauth2/jwks")).build(), HttpResponse.BodyHandlers.ofString()).body();
        RSAKey key = (RSAKey) JWKSet.parse(jwks).getKeyByKeyId(token.getHeader().getKeyID());
        assertThat(token.verify(new RSASSAVerifier(key))).isTrue();

        JWTClaimsSet claims = token.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(idToken.getIssuer()).isEqualTo(issuer());
        assertThat(claims.getAudience()).containsExactly(clientId);
        assertThat(claims.getSubject()).isEqualTo(admin.accountId());
        assertThat(claims.getStringClaim("sid")).isEqualTo(sid);
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getIssueTime()).isNotNull();
        assertThat(claims.getExpirationTime()).isAfter(claims.getIssueTime());
        assertThat(claims.getClaim("nonce")).as("a logout token never carries a nonce").isNull();
        assertThat(claims.getJSONObjectClaim("events")).isEqualTo(Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of()));
    }

    /**
     * A grant whose code was never exchanged has no ID token to take the issuer from: its logout token named
     * {@code lanyard.mail.base-url} ({@code http://localhost:8080} here) while the authorization response had said
     * {@code iss=http://127.0.0.1:…}, so a strict app refused it (outside review). It names the issuer the grant was made under.
     */
    @Test
    void theLogoutTokenOfACodeNeverExchangedNamesTheIssuerTheCodeWasIssuedUnder() throws Exception {
        JsonNode registered = register("Abandoned", app.url("/logout"));
        String clientId = registered.path("app").path("clientId").asString();
        RelyingApp relying = new RelyingApp(issuer(), clientId, Optional.of(registered.path("clientSecret").asString()), REDIRECT);
        RelyingApp.Attempt attempt = relying.authorizeRequest("openid profile");
        URI landed = relying.signIn(attempt, ApiClient.COOKIE + "=" + admin.token());
        assertThat(RelyingApp.query(landed).get("iss")).containsExactly(issuer());

        MvcResult revoked = mvc.perform(delete("/api/v1/apps/" + registered.path("app").path("id").asString())
                .cookie(admin.cookie()).with(admin.from())).andReturn();
        assertThat(revoked.getResponse().getStatus()).isEqualTo(204);

        TestReceiver.Arrival posted = app.next(Duration.ofSeconds(20));
        assertThat(posted).as("a logout token arrived").isNotNull();
        JWTClaimsSet claims = SignedJWT.parse(URLDecoder.decode(posted.body().substring("logout_token=".length()), StandardCharsets.UTF_8))
                .getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(issuer());
        assertThat(claims.getAudience()).containsExactly(clientId);
    }

    /**
     * An app that answers 202 took the logout token (an outside review: it was retried up to max-attempts, with a
     * warning each time): it is delivered at the first attempt, as 200 and 204 are.
     */
    @Test
    void aLogoutAnsweredAcceptedIsDeliveredAndNotSentAgain() throws Exception {
        app.status.set(202);
        JsonNode registered = register("Accepting", app.url("/logout"));
        String clientId = registered.path("app").path("clientId").asString();
        signIn(new RelyingApp(issuer(), clientId, Optional.of(registered.path("clientSecret").asString()), REDIRECT));

        assertThat(mvc.perform(delete("/api/v1/apps/" + registered.path("app").path("id").asString())
                .cookie(admin.cookie()).with(admin.from())).andReturn().getResponse().getStatus()).isEqualTo(204);
        TestReceiver.Arrival posted = app.next(Duration.ofSeconds(20));
        assertThat(posted).as("a logout token arrived").isNotNull();
        String jti = SignedJWT.parse(URLDecoder.decode(posted.body().substring("logout_token=".length()), StandardCharsets.UTF_8))
                .getJWTClaimsSet().getJWTID();

        for (int i = 0; i < 400 && jdbc.sql("SELECT COUNT(*) FROM signal_outbox WHERE jti = :jti AND delivered_at IS NOT NULL")
                .param("jti", jti).query(Long.class).single() == 0; i++) {
            Thread.sleep(50);
        }
        Map<String, Object> row = jdbc.sql("SELECT attempts, last_error, delivered_at FROM signal_outbox WHERE jti = :jti")
                .param("jti", jti).query().singleRow();
        assertThat(row.get("delivered_at")).as("delivered").isNotNull();
        assertThat(((Number) row.get("attempts")).intValue()).isEqualTo(1);
        assertThat(row.get("last_error")).as("no failure recorded").isNull();
        assertThat(app.next(Duration.ofMillis(500))).as("not sent again").isNull();
    }
}
