package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.LanyardSpringTest;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Device-bound sessions (PRODUCT.md V6, Device Bound Session Credentials) with a client that does what a
 * supporting browser does: a sign-in asks for a key, the browser registers one with a proof and gets a new,
 * short-lived cookie; the old cookie and any cookie past its time are refused; a refresh is a challenge
 * answered with the key, which gives the next cookie; nothing without the key renews it; an ended session
 * tells the browser to stop.
 */
@LanyardSpringTest
class DeviceBoundSessionTest {
    private static final Pattern COOKIE = Pattern.compile(ApiClient.COOKIE + "=([^;]*)");
    private static final Pattern CHALLENGE = Pattern.compile("\"([^\"]+)\";id=\"([^\"]+)\"");

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    MutableClock clock;

    private ApiClient.Member ada;
    private ECKey deviceKey;

    @BeforeEach
    void adaSignsInOnABrowserThatCanBindSessions() throws Exception {
        ada = new ApiClient(mvc, json).signUp("ada");
        deviceKey = new ECKeyGenerator(Curve.P_256).generate();
    }

    private String proof(JWK key, JWSAlgorithm algorithm, Optional<String> challenge, boolean withKey) throws Exception {
        JWSHeader.Builder header = new JWSHeader.Builder(algorithm).type(new JOSEObjectType("dbsc+jwt"));
        if (withKey) header.jwk(key.toPublicJWK());
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issueTime(Date.from(clock.instant()));
        challenge.ifPresent(claims::jwtID);
        SignedJWT jwt = new SignedJWT(header.build(), claims.build());
        jwt.sign(key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key));
        return jwt.serialize();
    }

    private MockHttpServletResponse perform(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.with(ada.from())).andReturn().getResponse();
    }

    private MockHttpServletResponse register(String token, String proof) throws Exception {
        return perform(post(DeviceBindings.REGISTER_PATH).cookie(new Cookie(ApiClient.COOKIE, token))
                .header(DeviceBindingEndpoints.PROOF, proof));
    }

    private MockHttpServletResponse current(String token) throws Exception {
        return perform(get("/api/v1/sessions/current").cookie(new Cookie(ApiClient.COOKIE, token)));
    }

    private static String newCookie(MockHttpServletResponse response) {
        String header = response.getHeaders(HttpHeaders.SET_COOKIE).stream()
                .filter(h -> h.startsWith(ApiClient.COOKIE + "=") && !h.startsWith(ApiClient.COOKIE + "=;")).findFirst().orElseThrow();
        assertThat(header).contains("Max-Age=600", "HttpOnly", "SameSite=Lax", "Path=/");
        Matcher m = COOKIE.matcher(header);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** Registers the device key; returns the bound session's first cookie. */
    private String bind() throws Exception {
        MockHttpServletResponse registered = register(ada.token(), proof(deviceKey, JWSAlgorithm.ES256, Optional.empty(), true));
        assertThat(registered.getStatus()).as(registered.getContentAsString()).isEqualTo(200);
        return newCookie(registered);
    }

    /** A refresh as a browser makes it: asks, gets a challenge, answers it with {@code key}. */
    private MockHttpServletResponse refresh(JWK key, JWSAlgorithm algorithm) throws Exception {
        MockHttpServletResponse asked = perform(post(DeviceBindings.REFRESH_PATH).header(DeviceBindingEndpoints.SESSION_ID, ada.sessionId()));
        assertThat(asked.getStatus()).isEqualTo(403);
        Matcher challenge = CHALLENGE.matcher(asked.getHeader(DeviceBindingEndpoints.CHALLENGE));
        assertThat(challenge.matches()).isTrue();
        assertThat(challenge.group(2)).isEqualTo(ada.sessionId());
        return perform(post(DeviceBindings.REFRESH_PATH).header(DeviceBindingEndpoints.SESSION_ID, ada.sessionId())
                .header(DeviceBindingEndpoints.PROOF, proof(key, algorithm, Optional.of(challenge.group(1)), false)));
    }

    @Test
    void aBrowserSignInAsksForAKey() throws Exception {
        MockHttpServletResponse signedIn = perform(post("/api/v1/login").contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(Map.of("email", ada.email(), "password", dev.lanyard.account.TestAccounts.PASSWORD,
                        "rememberMe", false))));
        assertThat(signedIn.getStatus()).isEqualTo(201);
        assertThat(signedIn.getHeader("Secure-Session-Registration")).isEqualTo("(ES256 RS256);path=\"/dbsc/register\"");
        // Lanyard served at a path (server.servlet.context-path, decision 81): the browser registers under it.
        MockHttpServletResponse atAPath = perform(post(java.net.URI.create("/lanyard/api/v1/login")).contextPath("/lanyard")
                .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(Map.of("email", ada.email(),
                        "password", dev.lanyard.account.TestAccounts.PASSWORD, "rememberMe", false))));
        assertThat(atAPath.getStatus()).isEqualTo(201);
        assertThat(atAPath.getHeader("Secure-Session-Registration")).isEqualTo("(ES256 RS256);path=\"/lanyard/dbsc/register\"");

        MockHttpServletResponse bearer = perform(post("/api/v1/login").contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(Map.of("email", ada.email(), "password", dev.lanyard.account.TestAccounts.PASSWORD,
                        "rememberMe", false, "tokenType", "bearer"))));
        assertThat(bearer.getHeader("Secure-Session-Registration")).as("a bearer token has no cookie to bind").isNull();
    }

    @Test
    void registeringAKeyReplacesTheCookieWithOneThatLivesMinutesAndShowsTheSessionAsBound() throws Exception {
        MockHttpServletResponse registered = register(ada.token(), proof(deviceKey, JWSAlgorithm.ES256, Optional.empty(), true));

        assertThat(registered.getStatus()).as(registered.getContentAsString()).isEqualTo(200);
        JsonNode instructions = json.readTree(registered.getContentAsString());
        assertThat(instructions.path("session_identifier").asString()).isEqualTo(ada.sessionId());
        assertThat(instructions.path("refresh_url").asString()).isEqualTo("/dbsc/refresh");
        assertThat(instructions.path("scope").path("origin").asString()).isEqualTo("http://localhost");
        assertThat(instructions.path("credentials").get(0).path("name").asString()).isEqualTo(ApiClient.COOKIE);
        assertThat(instructions.path("credentials").get(0).path("attributes").asString()).isEqualTo("Path=/; HttpOnly; SameSite=Lax");
        String bound = newCookie(registered);

        assertThat(current(ada.token()).getStatus()).as("the cookie before binding").isEqualTo(401);
        MockHttpServletResponse now = current(bound);
        assertThat(now.getStatus()).isEqualTo(200);
        assertThat(json.readTree(now.getContentAsString()).path("deviceBound").asBoolean()).isTrue();
        assertThat(perform(get("/settings/sessions/" + ada.sessionId()).accept(MediaType.TEXT_HTML)
                .cookie(new Cookie(ApiClient.COOKIE, bound))).getContentAsString())
                .contains("Device-bound", "Bound to a key this device keeps");

        clock.advance(Duration.ofMinutes(10));
        assertThat(current(bound).getStatus()).as("within a minute's grace for the browser's clock").isEqualTo(200);
        clock.advance(Duration.ofMinutes(1));
        assertThat(current(bound).getStatus()).as("a bound cookie past its time, as a copy would be").isEqualTo(401);
    }

    @Test
    void aRefreshAnsweredWithTheKeyGivesTheNextCookieAndNothingElseDoes() throws Exception {
        String first = bind();
        clock.advance(Duration.ofMinutes(9));
        assertThat(current(first).getStatus()).isEqualTo(200);

        MockHttpServletResponse wrongKey = refresh(new ECKeyGenerator(Curve.P_256).generate(), JWSAlgorithm.ES256);
        assertThat(wrongKey.getStatus()).isEqualTo(400);
        assertThat(wrongKey.getHeaders(HttpHeaders.SET_COOKIE)).noneMatch(h -> h.startsWith(ApiClient.COOKIE + "=") && h.contains("Max-Age=600"));

        MockHttpServletResponse renewed = refresh(deviceKey, JWSAlgorithm.ES256);
        assertThat(renewed.getStatus()).as(renewed.getContentAsString()).isEqualTo(200);
        assertThat(json.readTree(renewed.getContentAsString()).path("session_identifier").asString()).isEqualTo(ada.sessionId());
        String second = newCookie(renewed);
        assertThat(second).isNotEqualTo(first);
        assertThat(current(first).getStatus()).as("the cookie it replaced").isEqualTo(401);

        clock.advance(Duration.ofMinutes(9));
        assertThat(current(second).getStatus()).isEqualTo(200);
    }

    @Test
    void aChallengeAnswersOnceAndOnlyWhileItIsFresh() throws Exception {
        bind();
        MockHttpServletResponse asked = perform(post(DeviceBindings.REFRESH_PATH).header(DeviceBindingEndpoints.SESSION_ID, ada.sessionId()));
        Matcher challenge = CHALLENGE.matcher(asked.getHeader(DeviceBindingEndpoints.CHALLENGE));
        assertThat(challenge.matches()).isTrue();
        String answer = proof(deviceKey, JWSAlgorithm.ES256, Optional.of(challenge.group(1)), false);
        var answered = post(DeviceBindings.REFRESH_PATH).header(DeviceBindingEndpoints.SESSION_ID, ada.sessionId())
                .header(DeviceBindingEndpoints.PROOF, answer);

        assertThat(perform(answered).getStatus()).isEqualTo(200);
        MockHttpServletResponse replayed = perform(answered);
        assertThat(replayed.getStatus()).as("the same answer again gets a new challenge, and no cookie").isEqualTo(403);
        assertThat(replayed.getHeader(DeviceBindingEndpoints.CHALLENGE)).isNotNull();
        assertThat(replayed.getHeaders(HttpHeaders.SET_COOKIE)).noneMatch(h -> h.startsWith(ApiClient.COOKIE + "="));

        clock.advance(Duration.ofSeconds(1));
        MockHttpServletResponse again = perform(post(DeviceBindings.REFRESH_PATH).header(DeviceBindingEndpoints.SESSION_ID, ada.sessionId()));
        Matcher late = CHALLENGE.matcher(again.getHeader(DeviceBindingEndpoints.CHALLENGE));
        assertThat(late.matches()).isTrue();
        clock.advance(DeviceBindings.CHALLENGE_LIFETIME.plusSeconds(1));
        assertThat(perform(post(DeviceBindings.REFRESH_PATH).header(DeviceBindingEndpoints.SESSION_ID, ada.sessionId())
                .header(DeviceBindingEndpoints.PROOF, proof(deviceKey, JWSAlgorithm.ES256, Optional.of(late.group(1)), false)))
                .getStatus()).as("a challenge past its time gets a new one").isEqualTo(403);
    }

    /**
     * What Chrome does: it signs the challenge it was last given before asking for one, so each refresh after
     * the first answers a challenge from ten minutes before; it is given a fresh one, answers it, and keeps
     * its session. Quoted header values, as the protocol's examples write them, are read as Chrome's bare ones.
     */
    @Test
    void aBrowserAnsweringTheChallengeItKeptFromTheLastRefreshIsGivenAFreshOne() throws Exception {
        bind();
        MockHttpServletResponse asked = perform(post(DeviceBindings.REFRESH_PATH).header(DeviceBindingEndpoints.SESSION_ID, ada.sessionId()));
        Matcher kept = CHALLENGE.matcher(asked.getHeader(DeviceBindingEndpoints.CHALLENGE));
        assertThat(kept.matches()).isTrue();
        assertThat(perform(post(DeviceBindings.REFRESH_PATH).header(DeviceBindingEndpoints.SESSION_ID, ada.sessionId())
                .header(DeviceBindingEndpoints.PROOF, proof(deviceKey, JWSAlgorithm.ES256, Optional.of(kept.group(1)), false)))
                .getStatus()).isEqualTo(200);

        for (int refresh = 0; refresh < 3; refresh++) {
            clock.advance(Duration.ofMinutes(10));
            MockHttpServletResponse stale = perform(post(DeviceBindings.REFRESH_PATH)
                    .header(DeviceBindingEndpoints.SESSION_ID, "\"" + ada.sessionId() + "\"")
                    .header(DeviceBindingEndpoints.PROOF, "\"" + proof(deviceKey, JWSAlgorithm.ES256, Optional.of(kept.group(1)), false) + "\""));
            assertThat(stale.getStatus()).as("the kept challenge, answered already").isEqualTo(403);
            kept = CHALLENGE.matcher(stale.getHeader(DeviceBindingEndpoints.CHALLENGE));
            assertThat(kept.matches()).isTrue();
            MockHttpServletResponse renewed = perform(post(DeviceBindings.REFRESH_PATH).header(DeviceBindingEndpoints.SESSION_ID, ada.sessionId())
                    .header(DeviceBindingEndpoints.PROOF, proof(deviceKey, JWSAlgorithm.ES256, Optional.of(kept.group(1)), false)));
            assertThat(renewed.getStatus()).as(renewed.getContentAsString()).isEqualTo(200);
            assertThat(current(newCookie(renewed)).getStatus()).isEqualTo(200);
        }
    }

    /** A browser registers as its sign-in is answered; a copy of the cookie taken later cannot bind the session to another key. */
    @Test
    void aSessionSignedInLongerAgoThanTheRegistrationWindowCannotBeBound() throws Exception {
        clock.advance(DeviceBindings.REGISTRATION_WINDOW.plusSeconds(1));

        MockHttpServletResponse late = register(ada.token(), proof(deviceKey, JWSAlgorithm.ES256, Optional.empty(), true));

        assertThat(late.getStatus()).isEqualTo(400);
        assertThat(current(ada.token()).getStatus()).as("the session goes on unbound, with its cookie").isEqualTo(200);
        assertThat(json.readTree(current(ada.token()).getContentAsString()).path("deviceBound").asBoolean()).isFalse();
    }

    @Test
    void challengesAskedForByAnyoneDisplaceNoneAndAForgedOneAnswersNothing() throws Exception {
        bind();
        MockHttpServletResponse mine = perform(post(DeviceBindings.REFRESH_PATH).header(DeviceBindingEndpoints.SESSION_ID, ada.sessionId()));
        Matcher challenge = CHALLENGE.matcher(mine.getHeader(DeviceBindingEndpoints.CHALLENGE));
        assertThat(challenge.matches()).isTrue();
        // Someone who knows the session's id asks for more challenges meanwhile.
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofMillis(10));
            assertThat(perform(post(DeviceBindings.REFRESH_PATH).header(DeviceBindingEndpoints.SESSION_ID, ada.sessionId())).getStatus())
                    .isEqualTo(403);
        }
        String forged = clock.millis() + "." + "A".repeat(43);
        assertThat(perform(post(DeviceBindings.REFRESH_PATH).header(DeviceBindingEndpoints.SESSION_ID, ada.sessionId())
                .header(DeviceBindingEndpoints.PROOF, proof(deviceKey, JWSAlgorithm.ES256, Optional.of(forged), false)))
                .getStatus()).as("a challenge Lanyard did not make, signed with the key: a new one").isEqualTo(403);

        assertThat(perform(post(DeviceBindings.REFRESH_PATH).header(DeviceBindingEndpoints.SESSION_ID, ada.sessionId())
                .header(DeviceBindingEndpoints.PROOF, proof(deviceKey, JWSAlgorithm.ES256, Optional.of(challenge.group(1)), false)))
                .getStatus()).as("the browser's own challenge").isEqualTo(200);
    }

    @Test
    void anRsaKeyBindsToo() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).generate();
        MockHttpServletResponse registered = register(ada.token(), proof(rsa, JWSAlgorithm.RS256, Optional.empty(), true));
        assertThat(registered.getStatus()).as(registered.getContentAsString()).isEqualTo(200);
        assertThat(refresh(rsa, JWSAlgorithm.RS256).getStatus()).isEqualTo(200);
    }

    @Test
    void aProofNotSignedByTheKeyItNamesOrASecondRegistrationIsRefused() throws Exception {
        ECKey other = new ECKeyGenerator(Curve.P_256).generate();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("dbsc+jwt")).jwk(deviceKey.toPublicJWK()).build();
        SignedJWT forged = new SignedJWT(header, new JWTClaimsSet.Builder().issueTime(Date.from(clock.instant())).build());
        forged.sign(new ECDSASigner(other));

        MockHttpServletResponse refused = register(ada.token(), forged.serialize());
        assertThat(refused.getStatus()).isEqualTo(400);
        assertThat(refused.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(register(ada.token(), "not a proof").getStatus()).isEqualTo(400);
        assertThat(current(ada.token()).getStatus()).as("nothing changed").isEqualTo(200);

        String bound = bind();
        MockHttpServletResponse second = mvc.perform(post(DeviceBindings.REGISTER_PATH).cookie(new Cookie(ApiClient.COOKIE, bound))
                .header(DeviceBindingEndpoints.PROOF, proof(other, JWSAlgorithm.ES256, Optional.empty(), true)).with(ada.from()))
                .andReturn().getResponse();
        assertThat(second.getStatus()).as("a bound session keeps its key").isEqualTo(400);
        assertThat(current(bound).getStatus()).isEqualTo(200);
    }

    /**
     * Whoever knows a session's id learns nothing from asking: an unknown, unbound, ended or bound session is
     * given a challenge alike, and a proof not signed by the session's key is refused alike. Only the device
     * that holds an ended session's key is told to stop.
     */
    @Test
    void anEndedSessionTellsOnlyItsDeviceToStopAndNobodyLearnsWhetherASessionIsBound() throws Exception {
        ECKey stranger = new ECKeyGenerator(Curve.P_256).generate();
        MockHttpServletResponse unbound = perform(post(DeviceBindings.REFRESH_PATH).header(DeviceBindingEndpoints.SESSION_ID, ada.sessionId()));
        MockHttpServletResponse unknown = perform(post(DeviceBindings.REFRESH_PATH).header(DeviceBindingEndpoints.SESSION_ID, "ses_unknown"));
        for (MockHttpServletResponse asked : List.of(unbound, unknown)) {
            assertThat(asked.getStatus()).isEqualTo(403);
            assertThat(CHALLENGE.matcher(asked.getHeader(DeviceBindingEndpoints.CHALLENGE)).matches()).isTrue();
        }
        Matcher decoy = CHALLENGE.matcher(unbound.getHeader(DeviceBindingEndpoints.CHALLENGE));
        assertThat(decoy.matches()).isTrue();
        MockHttpServletResponse answeredDecoy = perform(post(DeviceBindings.REFRESH_PATH).header(DeviceBindingEndpoints.SESSION_ID, ada.sessionId())
                .header(DeviceBindingEndpoints.PROOF, proof(stranger, JWSAlgorithm.ES256, Optional.of(decoy.group(1)), false)));
        assertThat(answeredDecoy.getStatus()).as("an unbound session's challenge answers nothing").isEqualTo(400);
        assertThat(answeredDecoy.getHeaders(HttpHeaders.SET_COOKIE)).noneMatch(h -> h.startsWith(ApiClient.COOKIE + "="));

        String bound = bind();
        MockHttpServletResponse active = perform(post(DeviceBindings.REFRESH_PATH).header(DeviceBindingEndpoints.SESSION_ID, ada.sessionId()));
        assertThat(active.getStatus()).isEqualTo(403);
        assertThat(active.getHeader(DeviceBindingEndpoints.CHALLENGE)).hasSameSizeAs(unbound.getHeader(DeviceBindingEndpoints.CHALLENGE));
        MockHttpServletResponse wrongKey = perform(post(DeviceBindings.REFRESH_PATH).header(DeviceBindingEndpoints.SESSION_ID, ada.sessionId())
                .header(DeviceBindingEndpoints.PROOF, proof(stranger, JWSAlgorithm.ES256, Optional.of(decoy.group(1)), false)));
        assertThat(wrongKey.getStatus()).isEqualTo(400);
        assertThat(wrongKey.getContentAsString()).isEqualTo(answeredDecoy.getContentAsString());

        assertThat(perform(post("/api/v1/logout").cookie(new Cookie(ApiClient.COOKIE, bound)).contentType(MediaType.APPLICATION_JSON))
                .getStatus()).isEqualTo(204);
        MockHttpServletResponse ended = perform(post(DeviceBindings.REFRESH_PATH).header(DeviceBindingEndpoints.SESSION_ID, ada.sessionId()));
        assertThat(ended.getStatus()).as("asked without a proof: like any other").isEqualTo(403);
        Matcher endedChallenge = CHALLENGE.matcher(ended.getHeader(DeviceBindingEndpoints.CHALLENGE));
        assertThat(endedChallenge.matches()).isTrue();
        assertThat(perform(post(DeviceBindings.REFRESH_PATH).header(DeviceBindingEndpoints.SESSION_ID, ada.sessionId())
                .header(DeviceBindingEndpoints.PROOF, proof(stranger, JWSAlgorithm.ES256, Optional.of(endedChallenge.group(1)), false)))
                .getStatus()).as("another key is refused").isEqualTo(400);
        MockHttpServletResponse over = perform(post(DeviceBindings.REFRESH_PATH).header(DeviceBindingEndpoints.SESSION_ID, ada.sessionId())
                .header(DeviceBindingEndpoints.PROOF, proof(deviceKey, JWSAlgorithm.ES256, Optional.of(endedChallenge.group(1)), false)));
        assertThat(over.getStatus()).isEqualTo(200);
        assertThat(json.readTree(over.getContentAsString()).path("continue").asBoolean(true)).as("its device is told to stop").isFalse();
        assertThat(perform(post(DeviceBindings.REFRESH_PATH).header(DeviceBindingEndpoints.SESSION_ID, "bad\"id")).getStatus()).isEqualTo(400);
    }

}
