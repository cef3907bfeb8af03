package dev.lanyard.factors;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which requests of a held member end their own sessions (and so pass), by method and routed path. */
class SecondFactorGateTest {

    @Test
    void endingOnesOwnSessionsPassesAndReadingThemDoesNot() {
        assertThat(SecondFactorGate.ending("GET", "/settings/sessions/events")).isTrue();
        assertThat(SecondFactorGate.ending("GET", "/settings/sessions/sign-out-others")).isTrue();
        assertThat(SecondFactorGate.ending("POST", "/settings/sessions/sign-out-all")).isTrue();
        assertThat(SecondFactorGate.ending("POST", "/settings/sessions/ses_abc/sign-out")).isTrue();
        assertThat(SecondFactorGate.ending("DELETE", "/api/v1/sessions")).isTrue();
        assertThat(SecondFactorGate.ending("DELETE", "/api/v1/sessions/ses_abc")).isTrue();

        assertThat(SecondFactorGate.ending("GET", "/settings/sessions")).isFalse();
        assertThat(SecondFactorGate.ending("GET", "/settings/sessions/ses_abc")).isFalse();
        assertThat(SecondFactorGate.ending("GET", "/settings/sessions/history")).isFalse();
        assertThat(SecondFactorGate.ending("POST", "/settings/sessions/sign-out-selected")).isFalse();
        assertThat(SecondFactorGate.ending("GET", "/api/v1/sessions")).isFalse();
        assertThat(SecondFactorGate.ending("GET", "/api/v1/sessions/ses_abc")).isFalse();
        assertThat(SecondFactorGate.ending("PATCH", "/api/v1/sessions/ses_abc")).isFalse();
        assertThat(SecondFactorGate.ending("DELETE", "/api/v1/sessions/ses_abc/approve")).isFalse();
        assertThat(SecondFactorGate.ending("DELETE", "/api/v1/sessions/")).isFalse();
        assertThat(SecondFactorGate.ending("DELETE", "/api/v1/api-keys/key_abc")).isFalse();
    }

    @Test
    void pathsThatOnlyLookLikeASignOutDoNotPassNorFail() {
        assertThat(SecondFactorGate.ending("POST", "/settings/sessions/sign-out")).isFalse();
        assertThat(SecondFactorGate.ending("POST", "/settings/sessions//sign-out")).isFalse();
        assertThat(SecondFactorGate.ending("POST", "/settings/sessions/a/b/sign-out")).isFalse();
        assertThat(SecondFactorGate.ending("GET", "/settings/sessions/events/")).isFalse();
    }
}
