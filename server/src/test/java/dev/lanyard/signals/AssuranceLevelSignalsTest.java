package dev.lanyard.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.account.AccountId;
import dev.lanyard.device.Device;
import dev.lanyard.device.DeviceType;
import dev.lanyard.geo.GeoLocation;
import dev.lanyard.session.AppType;
import dev.lanyard.session.Approvals;
import dev.lanyard.session.ClientOrigin;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Sessions;
import dev.lanyard.session.Verification;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * CAEP assurance-level-change: each way a session becomes verified (a second factor after the password, a
 * passkey alone or after the password, an approval from a verified session, a second factor passed later) writes exactly one SET per
 * listening stream into the outbox, in the transaction that made the session verified, about that session;
 * a password alone writes none. End to end: an approval and a two-factor sign-in through the API are
 * polled as signed SETs.
 */
@LanyardSpringTest
class AssuranceLevelSignalsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ClientOrigin LISBON = new ClientOrigin(new Device("Firefox", "140", "Windows", "11", DeviceType.DESKTOP, ""),
            "Mozilla/5.0 (Windows NT 10.0) Firefox/140.0", "85.240.10.7",
            new GeoLocation("Lisbon", "Lisbon", "Portugal", "PT", "MEO", Optional.empty(), Optional.empty(), false));

    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Sessions sessions;
    @Autowired
    Approvals approvals;
    @Autowired
    dev.lanyard.testsupport.MutableClock clock;

    private ApiClient api;
    private Member admin;
    private String clientId;
    private String token;
    private String streamId;

    @BeforeEach
    void aTeamWithAPollStreamForAssuranceLevelChanges() throws Exception {
        api = new ApiClient(mvc, json);
        admin = api.signUp("vera");
        MvcResult registered = mvc.perform(post("/api/v1/admin/apps").cookie(admin.cookie()).with(admin.from())
                .contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(Map.of("name", "Assurance watcher", "redirectUris", List.of("http://127.0.0.1:9/callback"),
                        "type", "confidential", "scopes", List.of("openid"))))).andReturn();
        assertThat(registered.getResponse().getStatus()).isEqualTo(201);
        JsonNode app = api.read(registered);
        String appId = app.path("app").path("id").asString();
        clientId = app.path("app").path("clientId").asString();
        MvcResult enabled = mvc.perform(put("/api/v1/admin/apps/" + appId + "/signals").cookie(admin.cookie()).with(admin.from())
                .contentType(MediaType.APPLICATION_JSON).content("{\"enabled\":true}")).andReturn();
        assertThat(enabled.getResponse().getStatus()).isEqualTo(200);

        String basic = Base64.getEncoder().encodeToString((clientId + ":" + app.path("clientSecret").asString()).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> issued = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/oauth2/token"))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=ssf")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        token = json.readTree(issued.body()).path("access_token").asString();

        MvcResult created = mvc.perform(post("/api/v1/ssf/streams").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(Map.of("delivery", Map.of("method", Stream.POLL),
                        "events_requested", List.of(SecurityEvents.ASSURANCE_LEVEL_CHANGE, SecurityEvents.SESSION_REVOKED))))).andReturn();
        assertThat(created.getResponse().getStatus()).as(created.getResponse().getContentAsString()).isEqualTo(201);
        JsonNode stream = api.read(created);
        streamId = stream.path("stream_id").asString();
        assertThat(stream.path("events_supported").values()).extracting(JsonNode::asString).contains(SecurityEvents.ASSURANCE_LEVEL_CHANGE);
        assertThat(stream.path("events_delivered").values()).extracting(JsonNode::asString)
                .containsExactlyInAnyOrder(SecurityEvents.ASSURANCE_LEVEL_CHANGE, SecurityEvents.SESSION_REVOKED);
    }

    /** The assurance-level-change events of the stream's queued SETs about {@code sessionId}. */
    private List<JsonNode> queuedFor(String sessionId) {
        return jdbc.sql("SELECT claims FROM signal_outbox WHERE stream_id = :stream ORDER BY id").param("stream", streamId)
                .query(String.class).list().stream().map(json::readTree)
                .filter(set -> set.path("events").has(SecurityEvents.ASSURANCE_LEVEL_CHANGE))
                .filter(set -> set.path("sub_id").path("session").path("id").asString().equals(sessionId))
                .toList();
    }

    private JsonNode onlyEventFor(String sessionId) {
        List<JsonNode> sets = queuedFor(sessionId);
        assertThat(sets).as("one assurance-level-change SET for " + sessionId).hasSize(1);
        JsonNode set = sets.get(0);
        assertThat(set.path("aud").asString()).isEqualTo(clientId);
        assertThat(set.path("sub_id").path("format").asString()).isEqualTo("complex");
        assertThat(set.path("sub_id").path("user").path("format").asString()).isEqualTo("iss_sub");
        assertThat(set.path("sub_id").path("user").path("sub").asString()).isEqualTo(admin.accountId());
        assertThat(set.path("sub_id").path("session").path("format").asString()).isEqualTo("opaque");
        JsonNode event = set.path("events").path(SecurityEvents.ASSURANCE_LEVEL_CHANGE);
        assertThat(event.path("namespace").asString()).isEqualTo("lanyard-verification");
        assertThat(event.path("current_level").asString()).isEqualTo("verified");
        assertThat(event.path("initiating_entity").asString()).isEqualTo("user");
        assertThat(event.path("event_timestamp").isNumber()).isTrue();
        return event;
    }

    private Sessions.Started signIn(Verification how) {
        return sessions.signIn(new NewSession(new AccountId(admin.accountId()), LISBON, AppType.WEB, false, how), Optional.empty());
    }

    @Test
    void secondFactorAfterThePasswordEnqueuesOneIncreaseFromUnverified() {
        String id = signIn(Verification.PASSWORD_AND_CODE).session().id().value();
        JsonNode event = onlyEventFor(id);
        assertThat(event.path("previous_level").asString()).isEqualTo("unverified");
        assertThat(event.path("change_direction").asString()).isEqualTo("increase");
        assertThat(event.path("reason_admin").path("en").asString()).contains("password and a code");
    }

    @Test
    void passkeyAsTheSecondStepEnqueuesOneIncreaseFromUnverified() {
        String id = signIn(Verification.PASSWORD_AND_PASSKEY).session().id().value();
        JsonNode event = onlyEventFor(id);
        assertThat(event.path("previous_level").asString()).isEqualTo("unverified");
        assertThat(event.path("change_direction").asString()).isEqualTo("increase");
        assertThat(event.path("reason_admin").path("en").asString()).contains("password and a passkey");
    }

    @Test
    void passkeySignInEnqueuesOneVerifiedLevelWithNoPreviousOne() {
        String id = signIn(Verification.PASSKEY).session().id().value();
        JsonNode event = onlyEventFor(id);
        assertThat(event.has("previous_level")).as("the session was never unverified").isFalse();
        assertThat(event.has("change_direction")).isFalse();
        assertThat(event.path("reason_admin").path("en").asString()).isEqualTo("Signed in with a passkey");
    }

    @Test
    void approvalFromAVerifiedSessionEnqueuesOneIncreaseAndApprovingAgainNone() {
        Sessions.Started laptop = signIn(Verification.PASSWORD_AND_CODE);
        String phone = signIn(Verification.NONE).session().id().value();
        assertThat(queuedFor(phone)).as("a password alone verifies nothing").isEmpty();
        CurrentSession by = ((Sessions.Check.Valid) sessions.check(laptop.token(), Optional.empty())).session();

        approvals.approve(new dev.lanyard.session.SessionId(phone), by);
        JsonNode event = onlyEventFor(phone);
        assertThat(event.path("previous_level").asString()).isEqualTo("unverified");
        assertThat(event.path("change_direction").asString()).isEqualTo("increase");
        assertThat(event.path("reason_admin").path("en").asString()).isEqualTo("Approved from verified session " + laptop.session().id().value());

        approvals.approve(new dev.lanyard.session.SessionId(phone), by);
        assertThat(queuedFor(phone)).as("approving a verified session changes nothing").hasSize(1);
    }

    /** Past its lifetime, though the sweep has not ended it yet: it reads as ended, and no approval raises its level. */
    @Test
    void approvingASignInThatHadExpiredEnqueuesNothing() {
        Sessions.Started laptop = signIn(Verification.PASSWORD_AND_CODE);
        String phone = signIn(Verification.NONE).session().id().value();
        CurrentSession by = ((Sessions.Check.Valid) sessions.check(laptop.token(), Optional.empty())).session();
        jdbc.sql("UPDATE sessions SET expires_at = :at WHERE id = :id")
                .param("at", clock.instant().minusSeconds(60).toEpochMilli()).param("id", phone).update();

        approvals.approve(new dev.lanyard.session.SessionId(phone), by);

        assertThat(queuedFor(phone)).isEmpty();
    }

    @Test
    void aSecondFactorPassedLaterInThePasswordSessionEnqueuesOneIncreaseAndVerifyingAgainNone() {
        Sessions.Started phone = signIn(Verification.NONE);
        String id = phone.session().id().value();
        assertThat(sessions.verify(phone.session().id(), new AccountId(admin.accountId()), Verification.PASSWORD_AND_PASSKEY)).isTrue();
        JsonNode event = onlyEventFor(id);
        assertThat(event.path("previous_level").asString()).isEqualTo("unverified");
        assertThat(event.path("change_direction").asString()).isEqualTo("increase");
        assertThat(event.path("reason_admin").path("en").asString()).isEqualTo("Verified with a passkey after signing in");

        assertThat(sessions.verify(phone.session().id(), new AccountId(admin.accountId()), Verification.PASSWORD_AND_CODE)).isFalse();
        assertThat(queuedFor(id)).as("verifying a verified session changes nothing").hasSize(1);
    }

    @Test
    void turningOnAnAuthenticatorAppEnqueuesOneIncreaseForTheSessionThatDidItAndNoneForAnother() throws Exception {
        Member phone = api.logIn(admin);
        enrolAuthenticatorApp(admin);
        JsonNode event = onlyEventFor(admin.sessionId());
        assertThat(event.path("previous_level").asString()).isEqualTo("unverified");
        assertThat(event.path("change_direction").asString()).isEqualTo("increase");
        assertThat(event.path("reason_admin").path("en").asString()).isEqualTo("Verified with a code from an authenticator app after signing in");
        assertThat(queuedFor(phone.sessionId())).as("a session that passed nothing").isEmpty();
    }

    @Test
    void approvalThroughTheApiIsPolledAsASignedAssuranceLevelChange() throws Exception {
        Sessions.Started laptop = signIn(Verification.PASSWORD_AND_CODE);
        Member phone = api.logIn(admin);
        JsonNode drained = poll(List.of());
        List<String> before = drained.path("sets").propertyNames().stream().toList();

        MvcResult approved = mvc.perform(post("/api/v1/sessions/" + phone.sessionId() + "/approve")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + laptop.token()).contentType(MediaType.APPLICATION_JSON)).andReturn();
        assertThat(approved.getResponse().getStatus()).as(approved.getResponse().getContentAsString()).isEqualTo(204);

        JsonNode polled = poll(before);
        assertThat(polled.path("sets").size()).as(polled.toString()).isEqualTo(1);
        String jti = polled.path("sets").propertyNames().iterator().next();
        SignedJWT set = SignedJWT.parse(polled.path("sets").path(jti).asString());
        assertThat(set.getHeader().getType()).isEqualTo(new JOSEObjectType("secevent+jwt"));
        HttpResponse<String> jwks = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/oauth2/jwks")).build(),
                HttpResponse.BodyHandlers.ofString());
        RSAKey key = (RSAKey) JWKSet.parse(jwks.body()).getKeyByKeyId(set.getHeader().getKeyID());
        assertThat(set.verify(new RSASSAVerifier(key))).isTrue();

        JsonNode claims = json.readTree(set.getJWTClaimsSet().toString());
        String issuer = api.read(mvc.perform(get("/.well-known/ssf-configuration")).andReturn()).path("issuer").asString();
        assertThat(claims.path("iss").asString()).isEqualTo(issuer);
        assertThat(claims.path("aud").asString()).isEqualTo(clientId);
        assertThat(json.convertValue(claims.path("sub_id"), Map.class)).isEqualTo(Map.of("format", "complex",
                "user", Map.of("format", "iss_sub", "iss", issuer, "sub", admin.accountId()),
                "session", Map.of("format", "opaque", "id", phone.sessionId())));
        assertThat(json.convertValue(claims.path("events"), Map.class)).isEqualTo(Map.of(SecurityEvents.ASSURANCE_LEVEL_CHANGE, Map.of(
                "event_timestamp", json.convertValue(claims.path("events").path(SecurityEvents.ASSURANCE_LEVEL_CHANGE).path("event_timestamp"),
                        Object.class),
                "initiating_entity", "user", "namespace", "lanyard-verification", "current_level", "verified",
                "previous_level", "unverified", "change_direction", "increase",
                "reason_admin", Map.of("en", "Approved from verified session " + laptop.session().id().value()),
                "reason_user", Map.of("en", "This session is now verified."))));
        assertThat(poll(List.of(jti)).path("sets").size()).as("acknowledged, it is not handed out again").isZero();
    }

    @Test
    void twoFactorSignInThroughTheApiIsPolledAsAnIncreaseFromUnverified() throws Exception {
        byte[] seed = enrolAuthenticatorApp(admin);
        List<String> before = poll(List.of()).path("sets").propertyNames().stream().toList();

        MvcResult password = mvc.perform(post("/api/v1/login").with(ApiClient.from(ApiClient.newAddress())).contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(Map.of("email", admin.email(), "password", dev.lanyard.account.TestAccounts.PASSWORD,
                        "tokenType", "bearer")))).andReturn();
        assertThat(password.getResponse().getStatus()).as(password.getResponse().getContentAsString()).isEqualTo(200);
        String challenge = api.read(password).path("challenge").asString();
        assertThat(poll(before).path("sets").size()).as("the password alone verifies nothing").isZero();
        clock.advance(java.time.Duration.ofSeconds(30)); // the enrolment's code is used up

        MvcResult code = mvc.perform(post("/api/v1/login/second-factor").with(ApiClient.from(ApiClient.newAddress()))
                .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(Map.of("challenge", challenge, "code", totp(seed)))))
                .andReturn();
        assertThat(code.getResponse().getStatus()).as(code.getResponse().getContentAsString()).isEqualTo(201);
        String sessionId = api.read(code).path("session").path("id").asString();

        JsonNode polled = poll(before);
        assertThat(polled.path("sets").size()).as(polled.toString()).isEqualTo(1);
        JsonNode claims = json.readTree(SignedJWT.parse(polled.path("sets").path(polled.path("sets").propertyNames().iterator().next()).asString()).getJWTClaimsSet().toString());
        assertThat(claims.path("sub_id").path("session").path("id").asString()).isEqualTo(sessionId);
        JsonNode event = claims.path("events").path(SecurityEvents.ASSURANCE_LEVEL_CHANGE);
        assertThat(event.path("previous_level").asString()).isEqualTo("unverified");
        assertThat(event.path("current_level").asString()).isEqualTo("verified");
        assertThat(event.path("reason_admin").path("en").asString()).isEqualTo("Signed in with a password and a code (authenticator app or recovery code)");
    }

    /** Turns on two-factor authentication through /settings/security, as a member would; returns the seed shown. */
    private byte[] enrolAuthenticatorApp(Member member) throws Exception {
        MvcResult started = mvc.perform(post("/settings/security/two-factor/start").with(csrf()).with(member.from()).cookie(member.cookie()))
                .andReturn();
        assertThat(started.getResponse().getStatus()).isEqualTo(302);
        // Only the browser that started enrolment is shown its secret: it carries the cookie it was given.
        jakarta.servlet.http.Cookie enrolment = started.getResponse().getCookie("lanyard_enrolment");
        String page = mvc.perform(get("/settings/security").with(member.from()).cookie(member.cookie(), enrolment)).andReturn().getResponse().getContentAsString();
        java.util.regex.Matcher secret = java.util.regex.Pattern.compile("id=\"two-factor-secret\">([A-Z2-7 ]+)<").matcher(page);
        assertThat(secret.find()).as(page).isTrue();
        byte[] seed = base32(secret.group(1));
        MvcResult confirmed = mvc.perform(post("/settings/security/two-factor/confirm").with(csrf()).with(member.from()).cookie(member.cookie(), enrolment)
                .param("password", TestAccounts.PASSWORD).param("code", totp(seed))).andReturn();
        assertThat(confirmed.getResponse().getStatus()).isEqualTo(200);
        return seed;
    }

    private static byte[] base32(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : text.replace(" ", "").toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }

    /** RFC 6238 (HMAC-SHA1, 6 digits, 30 s) at the application's clock. */
    private String totp(byte[] seed) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
        mac.init(new javax.crypto.spec.SecretKeySpec(seed, "RAW"));
        byte[] hash = mac.doFinal(java.nio.ByteBuffer.allocate(8).putLong(Math.floorDiv(clock.instant().getEpochSecond(), 30)).array());
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16) | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
        return String.format("%06d", binary % 1_000_000);
    }

    /** Polls the stream at once, acknowledging {@code ack}. */
    private JsonNode poll(List<String> ack) throws Exception {
        MvcResult polled = mvc.perform(post("/api/v1/ssf/poll/" + streamId).header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(Map.of("returnImmediately", true, "maxEvents", 50,
                        "ack", ack)))).andReturn();
        if (polled.getRequest().isAsyncStarted()) polled = mvc.perform(asyncDispatch(polled)).andReturn(); // decision 58
        assertThat(polled.getResponse().getStatus()).as(polled.getResponse().getContentAsString()).isEqualTo(200);
        return api.read(polled);
    }
}
