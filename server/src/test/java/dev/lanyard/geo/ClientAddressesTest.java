package dev.lanyard.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.web.MockHttpServletRequest;

@ExtendWith(OutputCaptureExtension.class)
class ClientAddressesTest {

    private static ClientAddresses trusting(String... proxies) {
        return new ClientAddresses(new ProxySettings(List.of(proxies), null));
    }

    private static MockHttpServletRequest request(String peer, String... forwardedFor) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setRemoteAddr(peer);
        for (String header : forwardedFor) request.addHeader("X-Forwarded-For", header);
        return request;
    }

    private static InetAddress ip(String literal) {
        return IpLiteral.parse(literal).orElseThrow();
    }

    @Test
    void withoutTrustedProxiesForwardedForIsIgnored() {
        ClientAddresses addresses = trusting();

        assertThat(addresses.resolve(request("83.45.123.78", "1.2.3.4"))).isEqualTo(ip("83.45.123.78"));
    }

    @Test
    void untrustedPeerCannotClaimAnotherAddress() {
        ClientAddresses addresses = trusting("10.0.0.0/8");

        assertThat(addresses.resolve(request("203.0.113.9", "1.2.3.4"))).isEqualTo(ip("203.0.113.9"));
    }

    @Test
    void behindTrustedProxiesTheRightMostUntrustedAddressIsTheClient() {
        ClientAddresses addresses = trusting("10.0.0.0/8", "192.0.2.1");

        InetAddress client = addresses.resolve(request("10.0.0.5", "6.6.6.6, 83.45.123.78, 192.0.2.1, 10.1.2.3"));

        assertThat(client).as("6.6.6.6 was written by the client and may be forged").isEqualTo(ip("83.45.123.78"));
    }

    @Test
    void severalForwardedForHeadersReadAsOneList() {
        ClientAddresses addresses = trusting("10.0.0.0/8");

        assertThat(addresses.resolve(request("10.0.0.5", "6.6.6.6", "83.45.123.78, 10.0.0.9")))
                .isEqualTo(ip("83.45.123.78"));
    }

    @Test
    void malformedForwardedForFallsBackToThePeer() {
        ClientAddresses addresses = trusting("10.0.0.0/8");

        for (String garbage : new String[] {"example.com", "", "1.2.3", "999.1.1.1", "1.2.3.4 5.6.7.8", "010.1.1.1",
                "1::2::3", "unknown", "83.45.123.78, localhost"}) {
            assertThat(addresses.resolve(request("10.0.0.5", garbage))).as(garbage).isEqualTo(ip("10.0.0.5"));
        }
    }

    @Test
    void whenEveryHopIsTrustedTheFurthestOneIsTheClient() {
        ClientAddresses addresses = trusting("10.0.0.0/8");

        assertThat(addresses.resolve(request("10.0.0.5", "10.9.9.9, 10.0.0.7"))).isEqualTo(ip("10.9.9.9"));
        assertThat(addresses.resolve(request("10.0.0.5"))).isEqualTo(ip("10.0.0.5"));
    }

    @Test
    void ipv6ProxiesAndClientsAreUnderstood() {
        ClientAddresses addresses = trusting("2001:db8::/32", "::1");

        assertThat(addresses.resolve(request("::1", "2a02:1234:abcd::1, 2001:db8:ffff::2")))
                .isEqualTo(ip("2a02:1234:abcd::1"));
        assertThat(addresses.resolve(request("0:0:0:0:0:0:0:1", "[2a02:1234:abcd::1]:443")))
                .isEqualTo(ip("2a02:1234:abcd::1"));
        assertThat(addresses.resolve(request("2001:db8::5", "83.45.123.78:5555"))).isEqualTo(ip("83.45.123.78"));
    }

    @Test
    void unusablePeerAddressIsTheUnspecifiedAddress() {
        assertThat(trusting().resolve(request("not-an-address")).isAnyLocalAddress()).isTrue();
    }

    @Test
    void cidrBlocksMatchByPrefix() {
        Cidr cgnat = Cidr.parse("100.64.0.0/10");
        Cidr documentation = Cidr.parse("2001:db8::/32");

        assertThat(cgnat.contains(ip("100.64.0.0"))).isTrue();
        assertThat(cgnat.contains(ip("100.127.255.255"))).isTrue();
        assertThat(cgnat.contains(ip("100.128.0.0"))).isFalse();
        assertThat(cgnat.contains(ip("::ffff:100.64.0.1"))).as("IPv4-mapped is IPv4").isTrue();
        assertThat(cgnat.contains(ip("2001:db8::1"))).isFalse();
        assertThat(documentation.contains(ip("2001:db8:ffff:ffff::1"))).isTrue();
        assertThat(documentation.contains(ip("2001:db9::1"))).isFalse();
        assertThat(Cidr.parse("192.0.2.1").contains(ip("192.0.2.1"))).isTrue();
        assertThat(Cidr.parse("192.0.2.1").contains(ip("192.0.2.2"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("8.8.8.8"))).isTrue();
    }

    @Test
    void misconfiguredTrustedProxyStopsStartUp() {
        assertThatIllegalArgumentException().isThrownBy(() -> trusting("10.0.0.0/33"));
        assertThatIllegalArgumentException().isThrownBy(() -> trusting("proxy.internal"));
        assertThatIllegalArgumentException().isThrownBy(() -> trusting("10.0.0.0/x"));
    }

    @Test
    void masksHideTheHostPart() {
        assertThat(ClientAddresses.mask(ip("83.45.123.78"))).isEqualTo("83.45.123.•••");
        assertThat(ClientAddresses.mask(ip("2a02:1234:abcd:1:2:3:4:5"))).isEqualTo("2a02:1234:abcd:•••");
        assertThat(ClientAddresses.mask(ip("2a02:9130::1"))).isEqualTo("2a02:9130:0:•••");
    }

    @Test
    void storedAddressesAndNetworksMaskAlikeAndNothingElseMasksToAnything() {
        assertThat(ClientAddresses.mask("83.45.123.78")).isEqualTo("83.45.123.•••");
        assertThat(ClientAddresses.mask("83.45.123.0/24")).isEqualTo("83.45.123.•••");
        assertThat(ClientAddresses.mask("2a02:1234:abcd::/48")).isEqualTo("2a02:1234:abcd:•••");
        // Never a name (a lookup), a network of another size, or anything but an address.
        assertThat(ClientAddresses.mask("example.com")).isEmpty();
        assertThat(ClientAddresses.mask("83.45.0.0/16")).isEmpty();
        assertThat(ClientAddresses.mask("83.45.123.0/")).isEmpty();
        assertThat(ClientAddresses.mask("")).isEmpty();
        assertThat(ClientAddresses.mask((String) null)).isEmpty();
    }

    @Test
    void anAddressReducesToTheNetworkItsMaskShowsAndANetworkStaysAsItIs() {
        assertThat(ClientAddresses.network("83.45.123.78")).isEqualTo("83.45.123.0/24");
        assertThat(ClientAddresses.network("83.45.123.0/24")).isEqualTo("83.45.123.0/24");
        assertThat(ClientAddresses.network("2a02:1234:abcd:1:2:3:4:5")).isEqualTo("2a02:1234:abcd::/48");
        assertThat(ClientAddresses.network("2a02:9130::1")).isEqualTo("2a02:9130:0::/48");
        assertThat(ClientAddresses.network("2a02:1234:abcd::/48")).isEqualTo("2a02:1234:abcd::/48");
        assertThat(ClientAddresses.network("::ffff:83.45.123.78")).isEqualTo("83.45.123.0/24");
        assertThat(ClientAddresses.network("not an address")).isEmpty();
        // 6to4 (2002::/16): the /48 is the site's IPv4 address, so only its IPv4 /24 is kept and shown.
        assertThat(ClientAddresses.network("2002:532d:7b4e::1")).isEqualTo("2002:532d:7b00::/40");
        assertThat(ClientAddresses.network("2002:532d:7b00::/40")).isEqualTo("2002:532d:7b00::/40");
        assertThat(ClientAddresses.network("2002:532d:7b4e::/48")).as("reduced before this rule").isEqualTo("2002:532d:7b00::/40");
        assertThat(ClientAddresses.networkAsInVersion2("2002:532d:7b4e::1")).isEqualTo("2002:532d:7b4e::/48");
        assertThat(ClientAddresses.mask("2002:532d:7b4e::1")).isEqualTo("2002:532d:7b•••");
        assertThat(ClientAddresses.mask("2002:532d:7b00::/40")).isEqualTo("2002:532d:7b•••");
        assertThat(ClientAddresses.mask("2002:532d:7b4e::/48")).isEqualTo("2002:532d:7b•••");
        assertThat(ClientAddresses.mask("2a02:1234:abcd::/40")).as("/40 only for 6to4").isEmpty();
        assertThat(ClientAddresses.isNetwork("83.45.123.0/24")).isTrue();
        assertThat(ClientAddresses.isNetwork("83.45.123.78")).isFalse();
    }

    @Test
    void aPublicUrlWithoutTrustedProxiesIsWarnedOf(CapturedOutput output) {
        new ClientAddresses(new ProxySettings(List.of(), java.net.URI.create("https://lanyard.example.com")));
        assertThat(output).contains("lanyard.web.public-url is set and lanyard.web.trusted-proxies is empty");
        int before = output.length();
        new ClientAddresses(new ProxySettings(List.of("10.0.0.10"), java.net.URI.create("https://lanyard.example.com")));
        new ClientAddresses(new ProxySettings(List.of(), null));
        assertThat(output.toString().substring(before)).doesNotContain("trusted-proxies is empty");
    }

    @Test
    void sixToFourAndTeredoAddressesArePlacedAtTheIpv4AddressTheyCarry() {
        assertThat(ClientAddresses.placedAt(ip("2002:532d:7b4e::1"))).isEqualTo(ip("83.45.123.78"));
        assertThat(ClientAddresses.placedAt(ip("2001:0:4136:e378:8000:63bf:3fff:fdd2"))).as("RFC 4380's example")
                .isEqualTo(ip("192.0.2.45"));
        assertThat(ClientAddresses.placedAt("2002:532d:7b4e:0:0:0:0:1")).isEqualTo("83.45.123.78");
        for (String other : List.of("2a02:1234:abcd::1", "2001:db8::1", "83.45.123.78", "2002:532d:7b00::/40", "", "nonsense")) {
            assertThat(ClientAddresses.placedAt(other)).as(other).isEqualTo(other);
        }
    }

    @Test
    void storedAddressesAndNetworksAreShownInRfc5952Form() {
        assertThat(ClientAddresses.shown("2a02:1234:abcd:0:0:0:0:1")).isEqualTo("2a02:1234:abcd::1");
        assertThat(ClientAddresses.shown("2a02:0:0::/48")).isEqualTo("2a02::/48");
        assertThat(ClientAddresses.shown("2a02:1234:abcd::/48")).isEqualTo("2a02:1234:abcd::/48");
        for (String same : List.of("83.45.123.78", "83.45.123.0/24", "", "not an address")) {
            assertThat(ClientAddresses.shown(same)).as(same).isEqualTo(same);
        }
    }
}
