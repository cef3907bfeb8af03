package dev.lanyard.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class ExternalOriginsTest {

    private static ExternalOrigins origins(String publicUrl, String... trustedProxies) {
        ProxySettings settings = new ProxySettings(List.of(trustedProxies), publicUrl == null ? null : URI.create(publicUrl));
        return new ExternalOrigins(settings, new ClientAddresses(settings));
    }

    /** A plain-HTTP request to 10.0.0.2:8080, as a proxy in front of Lanyard sends it. */
    private static MockHttpServletRequest request(String peer, String... headers) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/login");
        request.setRemoteAddr(peer);
        request.setScheme("http");
        request.setServerName("10.0.0.2");
        request.setServerPort(8080);
        request.addHeader("Host", "10.0.0.2:8080");
        for (int i = 0; i < headers.length; i += 2) request.addHeader(headers[i], headers[i + 1]);
        return request;
    }

    @Test
    void withoutProxiesOrPublicUrlTheRequestItselfIsTheOrigin() {
        ExternalOrigin origin = origins(null).of(request("203.0.113.5", "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "lanyard.example.com"));

        assertThat(origin.serialized()).isEqualTo("http://10.0.0.2:8080");
        assertThat(origin.secure()).isFalse();
    }

    @Test
    void isSecureSaysWhatTheOriginSaysWhateverTheSettings() {
        List<ExternalOrigins> settings = List.of(origins(null), origins(null, "10.0.0.0/8"), origins("https://lanyard.example.com"),
                origins("http://lanyard.example.com", "10.0.0.0/8"));
        for (ExternalOrigins origins : settings) {
            for (String scheme : new String[] {"http", "https", "HTTPS"}) {
                for (String peer : new String[] {"203.0.113.5", "10.0.0.9"}) {
                    for (String proto : new String[] {null, "https", "http"}) {
                        MockHttpServletRequest request = proto == null ? request(peer) : request(peer, "X-Forwarded-Proto", proto);
                        request.setScheme(scheme);
                        MockHttpServletRequest again = proto == null ? request(peer) : request(peer, "X-Forwarded-Proto", proto);
                        again.setScheme(scheme);
                        assertThat(origins.isSecure(request)).as("%s %s %s", scheme, peer, proto).isEqualTo(origins.of(again).secure());
                    }
                }
            }
        }
        assertThat(origins(null).isSecure(request("203.0.113.5"))).isFalse();
        MockHttpServletRequest https = request("203.0.113.5");
        https.setScheme("https");
        assertThat(origins(null).isSecure(https)).isTrue();
    }

    @Test
    void anUntrustedPeerCannotClaimHttpsOrAnotherHost() {
        ExternalOrigins origins = origins(null, "10.0.0.0/8");

        ExternalOrigin origin = origins.of(request("203.0.113.5", "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "evil.example", "X-Forwarded-Port", "443"));

        assertThat(origin.serialized()).isEqualTo("http://10.0.0.2:8080");
        assertThat(origin.secure()).isFalse();
    }

    @Test
    void aTrustedProxySaysWhatTheBrowserUsed() {
        ExternalOrigins origins = origins(null, "10.0.0.0/8");

        ExternalOrigin origin = origins.of(request("10.0.0.9", "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "Lanyard.Example.com"));

        assertThat(origin.serialized()).isEqualTo("https://lanyard.example.com");
        assertThat(origin.secure()).isTrue();
        assertThat(origins.of(request("10.0.0.9", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "lanyard.example.com",
                "X-Forwarded-Port", "8443")).serialized()).isEqualTo("https://lanyard.example.com:8443");
        assertThat(origins.of(request("10.0.0.9", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "lanyard.example.com:8443"))
                .serialized()).isEqualTo("https://lanyard.example.com:8443");
    }

    @Test
    void aProxyThatPassesTheHostHeaderOnlyGetsTheSchemesDefaultPort() {
        MockHttpServletRequest request = request("10.0.0.9", "X-Forwarded-Proto", "https");
        request.removeHeader("Host");
        request.addHeader("Host", "lanyard.example.com");

        assertThat(origins(null, "10.0.0.9").of(request).serialized()).isEqualTo("https://lanyard.example.com");
    }

    @Test
    void httpsOnlyWhenEverySchemeInTheChainIsHttps() {
        ExternalOrigins origins = origins(null, "10.0.0.0/8");

        assertThat(origins.isSecure(request("10.0.0.9", "X-Forwarded-Proto", "https, http"))).isFalse();
        assertThat(origins.isSecure(request("10.0.0.9", "X-Forwarded-Proto", "http, https"))).isFalse();
        assertThat(origins.isSecure(request("10.0.0.9", "X-Forwarded-Proto", "https, https"))).isTrue();
        assertThat(origins.isSecure(request("10.0.0.9", "X-Forwarded-Proto", "javascript"))).isFalse();
        assertThat(origins.isSecure(request("10.0.0.9"))).as("no header: the connection's own scheme").isFalse();
    }

    @Test
    void malformedForwardedHostOrPortIsIgnored() {
        ExternalOrigins origins = origins(null, "10.0.0.0/8");

        for (String garbage : new String[] {"evil.example/path", "a b", "user@host", "[zz]", "host:99999", "host:-1", "ex\u00e4mple.com"}) {
            assertThat(origins.of(request("10.0.0.9", "X-Forwarded-Proto", "https", "X-Forwarded-Host", garbage)).host())
                    .as(garbage).isEqualTo("10.0.0.2");
        }
        assertThat(origins.of(request("10.0.0.9", "X-Forwarded-Host", "lanyard.example.com", "X-Forwarded-Port", "http")).port())
                .isEqualTo(80);
    }

    @Test
    void aPublicUrlIsEveryRequestsOriginWhateverTheHeadersSay() {
        ExternalOrigins origins = origins("https://lanyard.example.com", "10.0.0.0/8");

        for (MockHttpServletRequest request : List.of(request("203.0.113.5"), request("10.0.0.9", "X-Forwarded-Proto", "http",
                "X-Forwarded-Host", "evil.example"))) {
            assertThat(origins.of(request).serialized()).isEqualTo("https://lanyard.example.com");
            assertThat(origins.isSecure(request)).isTrue();
        }
        assertThat(origins("http://127.0.0.1:8080").of(request("203.0.113.5")).serialized()).isEqualTo("http://127.0.0.1:8080");
    }

    @Test
    void aPublicUrlWithMoreThanSchemeHostAndPortStopsStartUp() {
        for (String wrong : new String[] {"lanyard.example.com", "ftp://lanyard.example.com", "https://lanyard.example.com/app",
                "https://lanyard.example.com?x=1", "https://user@lanyard.example.com", "https:///nohost"}) {
            assertThatIllegalArgumentException().as(wrong).isThrownBy(() -> origins(wrong));
        }
        // A path is said how to serve Lanyard at it (decision 81).
        assertThatIllegalArgumentException().isThrownBy(() -> origins("https://example.com/lanyard/"))
                .withMessageEndingWith("; to serve Lanyard at /lanyard, give the origin here and set server.servlet.context-path=/lanyard");
    }
}
