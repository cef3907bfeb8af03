package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.account.TeamId;
import org.junit.jupiter.api.Test;

/**
 * The consent page's form-action names where Allow and Deny may go: each redirect URI's origin, as a source browsers take
 * (outside QA AH and AI: a loopback redirect on the port the system gives a native app, and an IPv6 one, were refused).
 */
class ConsentPageTest {
    private static AppClient app(String... redirects) {
        return new AppClient("app_1", new TeamId("team_1"), "lc_app_1", "App", "", "", List.of(redirects), false,
                Set.of("openid"), Optional.empty(), Instant.EPOCH, Instant.EPOCH);
    }

    @Test
    void eachRedirectsOriginIsASourceAndALoopbackOneIsAnyPort() {
        assertThat(ConsentPage.origins(app("https://portal.example.com/cb", "https://b.example:8443/cb")))
                .isEqualTo(" https://portal.example.com https://b.example:8443");
        assertThat(ConsentPage.origins(app("http://127.0.0.1/callback", "http://127.0.0.1:8080/cb")))
                .isEqualTo(" http://127.0.0.1:* http://127.0.0.1:*");
        assertThat(ConsentPage.origins(app("http://localhost:8080/cb"))).isEqualTo(" http://localhost:8080");
        assertThat(ConsentPage.origins(app("com.example.app:/callback"))).isEqualTo(" com.example.app:");
    }

    /** A CSP source cannot name an IPv6 address: Chromium drops "http://[::1]:*" as invalid, and with it the answer. */
    @Test
    void anIpv6LoopbackRedirectIsTheSchemeAlone() {
        assertThat(ConsentPage.origins(app("http://[::1]/callback"))).isEqualTo(" http:");
        assertThat(ConsentPage.origins(app("http://[::1]:8080/cb"))).isEqualTo(" http:");
    }
}
