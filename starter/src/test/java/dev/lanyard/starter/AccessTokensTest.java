package dev.lanyard.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;

/** The app's API takes Lanyard's access tokens only: not its ID tokens, logout tokens or SETs, signed by the same keys for the same audience. */
class AccessTokensTest {
    static FakeLanyard lanyard;
    static JwtDecoder decoder;

    @BeforeAll
    static void start() {
        lanyard = FakeLanyard.startOrFail();
        LanyardProperties properties = lanyard.properties();
        decoder = LanyardAutoConfiguration.accessTokens(new LanyardKeys(new LanyardEndpoints(properties)), properties, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        lanyard.close();
    }

    private static JWTClaimsSet.Builder token() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(lanyard.issuer).subject("acc_1").audience(FakeLanyard.CLIENT_ID)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .claim("sid", "ses_1");
    }

    @Test
    void anAccessTokenIsTaken() {
        assertThat(decoder.decode(lanyard.sign(token().claim("scope", List.of("openid", "profile")).build(), null)).getSubject())
                .isEqualTo("acc_1");
        assertThat(decoder.decode(lanyard.sign(token().claim("scope", "ssf").build(), "at+jwt")).getSubject()).isEqualTo("acc_1");
    }

    /**
     * Lanyard's access tokens name the app ({@code client_id}) and give their scopes as one space-separated string (RFC
     * 9068 §2.2), where they were a JSON array: taken, and each scope read as an authority by Spring's defaults.
     */
    @Test
    void anAccessTokenAsLanyardIssuesItIsTakenWithEachOfItsScopes() {
        var jwt = decoder.decode(lanyard.sign(token().claim("client_id", FakeLanyard.CLIENT_ID).claim("scope", "email openid profile").build(), null));
        assertThat(new JwtAuthenticationConverter().convert(jwt).getAuthorities()).extracting(GrantedAuthority::getAuthority)
                .filteredOn(authority -> authority.startsWith("SCOPE_")).containsExactlyInAnyOrder("SCOPE_email", "SCOPE_openid", "SCOPE_profile");
    }

    @Test
    void anIdTokenALogoutTokenOrASetIsNoBearerToken() {
        String idToken = lanyard.sign(token().claim("azp", FakeLanyard.CLIENT_ID).claim("nonce", "n-1").build(), null);
        String idTokenWithoutNonce = lanyard.sign(token().claim("azp", FakeLanyard.CLIENT_ID).build(), null);
        String logoutToken = lanyard.sign(token().claim("events",
                Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of())).build(), "logout+jwt");
        String set = lanyard.sign(token().claim("scope", "ssf").claim("events", Map.of("x", Map.of())).build(), "secevent+jwt");

        for (String notAccess : List.of(idToken, idTokenWithoutNonce, logoutToken, set)) {
            assertThatThrownBy(() -> decoder.decode(notAccess)).isInstanceOf(JwtValidationException.class)
                    .hasMessageContaining("Not an access token");
        }
    }

    /** The app's own client-credentials token (its subject the client, no sid) is no person's login: refused, as is any token without sid. */
    @Test
    void aTokenWithoutASessionIsNoLogin() {
        Instant now = Instant.now();
        String appsOwn = lanyard.sign(new JWTClaimsSet.Builder().issuer(lanyard.issuer).subject(FakeLanyard.CLIENT_ID).audience(FakeLanyard.CLIENT_ID)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300))).claim("scope", "ssf").build(), null);
        String withoutSid = lanyard.sign(token().claim("sid", null).claim("scope", "openid").build(), null);
        String appsOwnWithASid = lanyard.sign(token().subject(FakeLanyard.CLIENT_ID).claim("scope", "openid").build(), null);

        String appsOwnWithoutScope = lanyard.sign(new JWTClaimsSet.Builder().issuer(lanyard.issuer).subject(FakeLanyard.CLIENT_ID)
                .audience(FakeLanyard.CLIENT_ID).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300))).build(), null);

        for (String noLogin : List.of(appsOwn, withoutSid, appsOwnWithASid, appsOwnWithoutScope)) {
            assertThatThrownBy(() -> decoder.decode(noLogin)).isInstanceOf(JwtValidationException.class)
                    .hasMessageContaining("names no Lanyard session");
        }
    }
}
