package dev.lanyard.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;

import dev.lanyard.starter.SecurityEventTokens.SetRejected;
import dev.lanyard.starter.SecurityEventTokens.VerifiedSet;

/** SET verification (RFC 8417 as SSF 1.0 profiles it) with refusals named by RFC 8935 error codes, and what a SET does. */
class SecurityEventTokensTest {
    static FakeLanyard lanyard;
    static SecurityEventTokens tokens;
    EndedSessions ended = new EndedSessions(Clock.systemUTC(), java.time.Duration.ofDays(1), 1000);
    SessionSignals signals;

    @BeforeAll
    static void start() throws Exception {
        lanyard = new FakeLanyard();
        LanyardProperties properties = lanyard.properties();
        tokens = new SecurityEventTokens(new LanyardKeys(new LanyardEndpoints(properties)), properties,
                () -> Set.of(FakeLanyard.CLIENT_ID), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        lanyard.close();
    }

    SessionSignals signals() {
        return new SessionSignals(ended, lanyard.issuer);
    }

    static String err(Runnable verification) {
        try {
            verification.run();
        } catch (SetRejected e) {
            return e.err();
        }
        throw new AssertionError("the SET was accepted");
    }

    @Test
    void sessionRevokedSignedWithLanyardsKeyIsAcceptedAndEndsThatSession() {
        VerifiedSet set = tokens.verify(lanyard.set(lanyard.sessionRevoked("sid-1", "member-1")));

        assertThat(signals().apply(set)).isEqualTo(1);
        assertThat(ended.endedAt("sid-1")).isPresent();
        assertThat(ended.isEnded("sid-2", "member-1", Instant.now())).isFalse();
    }

    /** Lanyard's keys unreachable is no verdict on the SET: not refused (Lanyard would take that as final), to be taken again. */
    @Test
    void aSetThatCannotBeCheckedForWantOfKeysIsNeitherAcceptedNorRefused() {
        LanyardProperties properties = lanyard.properties();
        com.nimbusds.jose.jwk.source.JWKSource<com.nimbusds.jose.proc.SecurityContext> unreachable = (selector, context) -> {
            throw new com.nimbusds.jose.KeySourceException("Couldn't retrieve JWK set: timed out");
        };
        SecurityEventTokens cut = new SecurityEventTokens(unreachable, properties, () -> Set.of(FakeLanyard.CLIENT_ID), Clock.systemUTC());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cut.verify(lanyard.set(lanyard.sessionRevoked("sid-9", "member-9"))))
                .isInstanceOf(SecurityEventTokens.KeysUnavailable.class).isNotInstanceOf(SetRejected.class);
    }

    @Test
    void lanyardsKeysAreFetchedOnceForManySets() {
        LanyardProperties properties = lanyard.properties();
        SecurityEventTokens fresh = new SecurityEventTokens(new LanyardKeys(new LanyardEndpoints(properties)), properties,
                () -> Set.of(FakeLanyard.CLIENT_ID), Clock.systemUTC());
        int before = lanyard.jwksFetches.get();

        for (int i = 0; i < 50; i++) fresh.verify(lanyard.set(lanyard.sessionRevoked("sid-" + i, "member-1")));

        assertThat(lanyard.jwksFetches.get() - before).isEqualTo(1);
    }

    @Test
    void setSignedWithAnotherKeyIsRefusedAsInvalidKey() {
        String forged = lanyard.sign(lanyard.sessionRevoked("sid-1", "member-1").build(), "secevent+jwt", lanyard.otherKey);

        assertThat(err(() -> tokens.verify(forged))).isEqualTo("invalid_key");
    }

    @Test
    void unsignedSetIsRefused() {
        String plain = new PlainJWT(new PlainHeader.Builder().type(new com.nimbusds.jose.JOSEObjectType("secevent+jwt")).build(),
                lanyard.sessionRevoked("sid-1", "member-1").build()).serialize();

        assertThat(err(() -> tokens.verify(plain))).isEqualTo("invalid_request");
    }

    @Test
    void tokenNotTypedSeceventJwtIsRefused() {
        JWTClaimsSet claims = lanyard.sessionRevoked("sid-1", "member-1").build();

        assertThat(err(() -> tokens.verify(lanyard.sign(claims, "JWT")))).isEqualTo("invalid_request");
        assertThat(err(() -> tokens.verify(lanyard.sign(claims, null)))).isEqualTo("invalid_request");
        assertThat(err(() -> tokens.verify(lanyard.sign(claims, "logout+jwt")))).isEqualTo("invalid_request");
        assertThat(tokens.verify(lanyard.sign(claims, "application/secevent+jwt")).jti()).isEqualTo(claims.getJWTID());
    }

    @Test
    void setFromAnotherIssuerIsRefusedAsInvalidIssuer() {
        String set = lanyard.set(lanyard.sessionRevoked("sid-1", "member-1").issuer("https://elsewhere.example"));

        assertThat(err(() -> tokens.verify(set))).isEqualTo("invalid_issuer");
    }

    @Test
    void setForAnotherAudienceIsRefusedAsInvalidAudience() {
        String set = lanyard.set(lanyard.sessionRevoked("sid-1", "member-1").audience("another-app"));

        assertThat(err(() -> tokens.verify(set))).isEqualTo("invalid_audience");
    }

    @Test
    void expiredSetIsRefused() {
        String set = lanyard.set(lanyard.sessionRevoked("sid-1", "member-1").expirationTime(new Date(System.currentTimeMillis() - 3_600_000)));

        assertThat(err(() -> tokens.verify(set))).isEqualTo("invalid_request");
    }

    @Test
    void setWithoutJtiOrEventsIsRefused() {
        assertThat(err(() -> tokens.verify(lanyard.set(lanyard.sessionRevoked("s", "m").jwtID(null))))).isEqualTo("invalid_request");
        assertThat(err(() -> tokens.verify(lanyard.set(lanyard.sessionRevoked("s", "m").claim("events", Map.of()))))).isEqualTo("invalid_request");
        assertThat(err(() -> tokens.verify("not a jwt"))).isEqualTo("invalid_request");
    }

    @Test
    void setOfAnEventTypeTheReceiverDoesNotActOnIsAcceptedAndEndsNothing() {
        VerifiedSet set = tokens.verify(lanyard.set(lanyard.sessionRevoked("sid-1", "member-1")
                .claim("events", Map.of("https://schemas.openid.net/secevent/caep/event-type/credential-change",
                        Map.of("credential_type", "password", "change_type", "update")))));

        assertThat(signals().apply(set)).isZero();
        assertThat(ended.endedAt("sid-1")).isEmpty();
    }

    /**
     * Lanyard says so when it changed the stream's status, and why: an admin's off and on lost events. Every login that
     * began before it may have ended unheard, so it is refused (its user signs in again); the app's log says why.
     */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aStreamUpdatedEventEndsEveryLoginThatBeganBeforeItAndSaysWhy(CapturedOutput output) {
        Instant before = Instant.now().minusSeconds(60);
        Date sent = new Date();
        VerifiedSet set = tokens.verify(lanyard.set(lanyard.sessionRevoked("x", "m").issueTime(sent)
                .claim("sub_id", Map.of("format", "opaque", "id", "stream-1"))
                .claim("events", Map.of("https://schemas.openid.net/secevent/ssf/event-type/stream-updated",
                        Map.of("status", "enabled", "reason", "Events from while they were off were not kept.")))));

        assertThat(signals().apply(set)).isZero();

        assertThat(ended.isEnded("sid-live", "member-1", before)).as("a login from before the gap").isTrue();
        assertThat(ended.isEnded("sid-live", "member-1", Instant.now().plusSeconds(2))).as("a login after it").isFalse();
        assertThat(output.getOut()).containsPattern("WARN.*Lanyard changed this app's Shared Signals stream to enabled "
                + "\\(Events from while they were off were not kept\\.\\).*every login that began before .* is taken as ended");
    }

    /** CAEP's reason_user is kept with the ending, for the person's page; English first. */
    @Test
    void theReasonLanyardGaveThePersonIsKept() {
        VerifiedSet set = tokens.verify(lanyard.set(lanyard.sessionRevoked("x", "member-1").claim("events", Map.of(SessionSignals.SESSION_REVOKED,
                Map.of("subject", Map.of("format", "complex", "session", Map.of("format", "opaque", "id", "sid-r")),
                        "reason_user", Map.of("de", "Abgemeldet.", "en", "An admin of your team signed you out."))))));

        signals().apply(set);

        assertThat(ended.reason("sid-r", "member-1")).contains("An admin of your team signed you out.");
        assertThat(ended.reason("sid-other", "member-1")).isEmpty();
        assertThat(SessionSignals.reasonUser(Map.of("fr", "Déconnecté."))).isEqualTo("Déconnecté.");
        assertThat(SessionSignals.reasonUser("x".repeat(1000))).hasSize(300);
        assertThat(SessionSignals.reasonUser(Map.of())).isNull();
    }

    @Test
    void sessionRevokedNamingOnlyThePersonEndsEveryLoginOfTheirsBeforeIt() {
        Instant before = Instant.now().minusSeconds(60);
        VerifiedSet set = tokens.verify(lanyard.set(lanyard.sessionRevoked("unused", "member-1")
                .claim("sub_id", Map.of("format", "iss_sub", "iss", lanyard.issuer, "sub", "member-1"))));

        signals().apply(set);

        assertThat(ended.isEnded("any-sid", "member-1", before)).isTrue();
        assertThat(ended.isEnded("any-sid", "member-1", Instant.now().plusSeconds(60))).isFalse();
        assertThat(ended.isEnded("any-sid", "member-2", before)).isFalse();
    }

    @Test
    void sessionRevokedNamingNeitherSessionNorPersonIsRefusedAsInvalidRequest() {
        VerifiedSet set = tokens.verify(lanyard.set(lanyard.sessionRevoked("s", "m").claim("sub_id", Map.of("format", "email", "email", "a@example.com"))));

        assertThat(err(() -> signals().apply(set))).isEqualTo("invalid_request");
    }

    @Test
    void sessionInTheEventsOwnSubjectIsUnderstoodToo() {
        VerifiedSet set = tokens.verify(lanyard.set(lanyard.sessionRevoked("x", "m").claim("sub_id", null)
                .claim("events", Map.of(SessionSignals.SESSION_REVOKED, Map.of("subject", Map.of("format", "complex",
                        "session", Map.of("format", "opaque", "id", "sid-9")))))));

        signals().apply(set);

        assertThat(ended.endedAt("sid-9")).isPresent();
    }
}
