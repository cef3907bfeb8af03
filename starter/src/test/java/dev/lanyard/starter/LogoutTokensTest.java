package dev.lanyard.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.Date;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.nimbusds.jwt.JWTClaimsSet;

import dev.lanyard.starter.LogoutTokens.InvalidLogoutToken;
import dev.lanyard.starter.LogoutTokens.Logout;

/** Logout token validation as OpenID Connect Back-Channel Logout 1.0 section 2.6 lists it. */
class LogoutTokensTest {
    static FakeLanyard lanyard;
    static LogoutTokens tokens;

    @BeforeAll
    static void start() throws Exception {
        lanyard = new FakeLanyard();
        LanyardProperties properties = lanyard.properties();
        tokens = new LogoutTokens(new LanyardKeys(new LanyardEndpoints(properties)), properties, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        lanyard.close();
    }

    void refused(JWTClaimsSet.Builder claims, String type, String reason) {
        String token = lanyard.sign(claims.build(), type);
        assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(InvalidLogoutToken.class).hasMessageContaining(reason);
    }

    @Test
    void validLogoutTokenNamesItsSessionAndPerson() {
        Logout logout = tokens.verify(lanyard.sign(lanyard.logoutToken("sid-1", "member-1").build(), "logout+jwt"));

        assertThat(logout.sid()).isEqualTo("sid-1");
        assertThat(logout.sub()).isEqualTo("member-1");
    }

    @Test
    void logoutTokenWithOnlySubOrOnlySidIsValid() {
        assertThat(tokens.verify(lanyard.sign(lanyard.logoutToken("sid-1", null).build(), "logout+jwt")).sub()).isNull();
        assertThat(tokens.verify(lanyard.sign(lanyard.logoutToken(null, "member-1").build(), null)).sid()).isNull();
    }

    @Test
    void logoutTokenWithNeitherSubNorSidIsRefused() {
        refused(lanyard.logoutToken(null, null), "logout+jwt", "neither sub nor sid");
    }

    @Test
    void logoutTokenWithANonceIsRefused() {
        refused(lanyard.logoutToken("sid-1", "member-1").claim("nonce", "n-0S6_WzA2Mj"), "logout+jwt", "nonce");
    }

    @Test
    void logoutTokenWithoutTheBackChannelLogoutEventIsRefused() {
        refused(lanyard.logoutToken("sid-1", "member-1").claim("events", Map.of(SessionSignals.SESSION_REVOKED, Map.of())), "logout+jwt", "events");
        refused(lanyard.logoutToken("sid-1", "member-1").claim("events", null), "logout+jwt", "events");
    }

    @Test
    void logoutTokenSignedWithAnotherKeyIsRefused() {
        String forged = lanyard.sign(lanyard.logoutToken("sid-1", "member-1").build(), "logout+jwt", lanyard.otherKey);

        assertThatThrownBy(() -> tokens.verify(forged)).isInstanceOf(InvalidLogoutToken.class).hasMessageContaining("signature");
    }

    @Test
    void logoutTokenFromAnotherIssuerOrForAnotherClientIsRefused() {
        refused(lanyard.logoutToken("sid-1", "member-1").issuer("https://elsewhere.example"), "logout+jwt", "issuer");
        refused(lanyard.logoutToken("sid-1", "member-1").audience("another-app"), "logout+jwt", "addressed");
    }

    @Test
    void expiredOrFutureOrUndatedLogoutTokenIsRefused() {
        refused(lanyard.logoutToken("sid-1", "member-1").expirationTime(new Date(System.currentTimeMillis() - 600_000)), "logout+jwt", "expired");
        refused(lanyard.logoutToken("sid-1", "member-1").expirationTime(null), "logout+jwt", "no exp");
        refused(lanyard.logoutToken("sid-1", "member-1").issueTime(new Date(System.currentTimeMillis() + 600_000)), "logout+jwt", "future");
        refused(lanyard.logoutToken("sid-1", "member-1").issueTime(null), "logout+jwt", "no iat");
    }

    @Test
    void anotherKindOfJwtIsNotALogoutToken() {
        refused(lanyard.logoutToken("sid-1", "member-1"), "secevent+jwt", "typ");
        refused(lanyard.logoutToken("sid-1", "member-1"), "at+jwt", "typ");
        assertThatThrownBy(() -> tokens.verify("garbage")).isInstanceOf(InvalidLogoutToken.class);
    }
}
