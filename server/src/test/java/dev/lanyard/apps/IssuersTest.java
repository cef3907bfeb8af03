package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.lanyard.geo.ClientAddresses;
import org.junit.jupiter.api.Test;

/** The issuers the Shared Signals API takes a token of: never one a forged Host named. */
class IssuersTest {
    private static Issuers issuers(String configured, boolean trustedProxy) {
        ClientAddresses addresses = mock(ClientAddresses.class);
        when(addresses.anyTrustedProxy()).thenReturn(trustedProxy);
        return new Issuers(new IssuerSetting(configured), addresses);
    }

    @Test
    void withoutAConfiguredIssuerOnlyThisServersOwnKindsOfNameAreIssuers() {
        Issuers issuers = issuers(null, false);
        assertThat(issuers.issued("http://localhost:8080")).isTrue();
        assertThat(issuers.issued("http://127.0.0.1:8080")).isTrue();
        assertThat(issuers.issued("http://[::1]:8080")).isTrue();
        assertThat(issuers.issued("http://192.168.1.5:8080")).isTrue();
        assertThat(issuers.issued("http://evil.example")).isFalse();
        assertThat(issuers.issued("http://evil.example:8080")).isFalse();
        assertThat(issuers.issued("javascript:alert(1)")).isFalse();
        assertThat(issuers.issued(null)).isFalse();
    }

    @Test
    void aConfiguredIssuerIsTheOnlyOne() {
        Issuers issuers = issuers("https://lanyard.example.com", false);
        assertThat(issuers.issued("https://lanyard.example.com")).isTrue();
        assertThat(issuers.issued("https://lanyard.example.com/")).isTrue();
        assertThat(issuers.issued("http://localhost:8080")).isFalse();
        assertThat(issuers.issued("https://evil.example")).isFalse();
    }

    @Test
    void behindATrustedProxyTheProxyChoosesTheName() {
        assertThat(issuers(null, true).issued("https://lanyard.example.com")).isTrue();
    }
}
