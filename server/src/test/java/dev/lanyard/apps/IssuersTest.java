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

    /** A request to {@code host}:{@code port} that reached this server on loopback at that port. */
    private static org.springframework.mock.web.MockHttpServletRequest reaching(String host, int port) {
        var request = new org.springframework.mock.web.MockHttpServletRequest("GET", "/.well-known/ssf-configuration");
        request.setServerName(host);
        request.setServerPort(port);
        request.setLocalAddr("127.0.0.1");
        request.setLocalPort(9000);
        return request;
    }

    /** The issuer of a request, as the authorization server's discovery names it, for the other modules (Shared Signals). */
    @Test
    void aRequestsIssuerIsItsOwnAddressUnlessOneIsConfiguredAndNeverAForeignHost() {
        Issuers issuers = issuers(null, false);
        assertThat(issuers.of(reaching("127.0.0.1", 9000))).hasValue("http://127.0.0.1:9000");
        assertThat(issuers.of(reaching("localhost", 9000))).hasValue("http://localhost:9000");
        assertThat(issuers.of(reaching("evil.example", 9000))).isEmpty();
        assertThat(issuers.of(reaching("127.0.0.1", 9001))).as("another port than the connection's").isEmpty();
        assertThat(issuers.configured()).isEmpty();

        Issuers configured = issuers("https://lanyard.example.com", false);
        assertThat(configured.of(reaching("evil.example", 9000))).hasValue("https://lanyard.example.com");
        assertThat(configured.configured()).hasValue("https://lanyard.example.com");
    }
}
