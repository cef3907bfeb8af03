package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Where a team admin may make Lanyard send a logout token or a SET: public addresses over https; loopback,
 * private, link-local and other special-purpose addresses only when the operator listed their network (or,
 * for loopback, when Lanyard itself runs on loopback), however the address is spelled.
 */
class ReceiverAddressesTest {
    private static final String WHAT = "The back-channel logout URI";
    private final ReceiverAddresses deployed = new ReceiverAddresses(List.of(), "https://lanyard.example.com");

    @Test
    void aPublicAddressOverHttpsIsAccepted() throws Exception {
        assertThat(deployed.check("https://93.184.215.14/logout", WHAT)).isEqualTo(URI.create("https://93.184.215.14/logout"));
        assertThat(deployed.check("https://[2a00:1450:4001:80b::200e]:8443/ssf", WHAT)).isNotNull();
        deployed.checkBeforeSending(URI.create("https://93.184.215.14/logout"));
    }

    @Test
    void aPublicAddressOverPlainHttpIsRefused() {
        assertThatThrownBy(() -> deployed.check("http://93.184.215.14/logout", WHAT))
                .hasMessage(WHAT + " must be an https URL (plain http only to a network listed in lanyard.signals.private-networks).");
    }

    @Test
    void everyWayOfSpellingAnAddressInsideTheServersNetworkIsRefusedOnADeployedServer() {
        for (String host : new String[] {"127.0.0.1", "127.1.2.3", "localhost", "[::1]", "0.0.0.0", "[::]", "10.1.2.3", "172.16.0.9",
                "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "[fd00:ec2::254]", "[fe80::1]", "[::ffff:127.0.0.1]",
                "[::ffff:169.254.169.254]", "[::127.0.0.1]", "[64:ff9b::a9fe:a9fe]", "[64:ff9b:1::a00:1]", "[2002:7f00:1::1]",
                "[2002:a9fe:a9fe::1]", "224.0.0.1", "[ff02::1]", "255.255.255.255", "198.18.0.1", "192.0.2.1", "[2001:db8::1]",
                "[2001::1]", "[fec0::1]"}) {
            assertThatThrownBy(() -> deployed.check("https://" + host + ":9000/x", WHAT)).as(host)
                    .isInstanceOf(ReceiverAddresses.Refused.class)
                    .hasMessageStartingWith(WHAT + " reaches an address outside the public internet");
            assertThatThrownBy(() -> deployed.checkBeforeSending(URI.create("http://" + host + ":9000/x"))).as(host)
                    .isInstanceOf(ReceiverAddresses.Refused.class);
        }
    }

    @Test
    void anAddressThatCarriesAPublicIpv4AddressIsPublic() throws Exception {
        assertThat(ReceiverAddresses.isPublic(InetAddress.getByName("64:ff9b::5db8:d70e"))).isTrue();
        assertThat(ReceiverAddresses.isPublic(InetAddress.getByName("2002:5db8:d70e::1"))).isTrue();
        assertThat(ReceiverAddresses.isPublic(InetAddress.getByName("::ffff:93.184.215.14"))).isTrue();
        assertThat(ReceiverAddresses.isPublic(InetAddress.getByName("4000::1"))).as("outside 2000::/3").isFalse();
        assertThat(ReceiverAddresses.isPublic(InetAddress.getByName("64:ff9b:1::5db8:d70e"))).as("local-use NAT64: its layout is the network's").isFalse();
    }

    @Test
    void loopbackIsAllowedOverHttpWhenLanyardItselfRunsOnLoopback() throws Exception {
        for (String own : new String[] {"http://localhost:8080", "http://127.0.0.1:8080", "http://[::1]:8080", "http://lanyard.localhost"}) {
            ReceiverAddresses developing = new ReceiverAddresses(List.of(), own);
            assertThat(developing.check("http://127.0.0.1:9000/ssf", WHAT)).as(own).isNotNull();
            assertThat(developing.check("http://localhost:9000/ssf", WHAT)).as(own).isNotNull();
            developing.checkBeforeSending(URI.create("http://[::1]:9000/ssf"));
            assertThatThrownBy(() -> developing.check("https://10.1.2.3/ssf", WHAT)).as("private networks are not loopback")
                    .hasMessageStartingWith(WHAT + " reaches an address outside the public internet");
            assertThatThrownBy(() -> developing.check("https://169.254.169.254/latest/meta-data", WHAT))
                    .hasMessageStartingWith(WHAT + " reaches an address outside the public internet");
        }
    }

    /** The default own address (localhost) on a server others reach (every interface, or a proxy) is no developer's machine. */
    @Test
    void loopbackCountsAsListedOnlyWhereLanyardListensOnLoopbackOnlyWithNoProxy() throws Exception {
        for (String listening : new String[] {"127.0.0.1", "::1", "localhost"}) {
            ReceiverAddresses developing = new ReceiverAddresses(new org.springframework.mock.env.MockEnvironment()
                    .withProperty("server.address", listening));
            assertThat(developing.check("http://127.0.0.1:9000/ssf", WHAT)).as(listening).isNotNull();
        }
        for (String listening : new String[] {"0.0.0.0", "::", "10.1.2.3", ""}) {
            ReceiverAddresses behindAProxy = new ReceiverAddresses(new org.springframework.mock.env.MockEnvironment()
                    .withProperty("server.address", listening));
            assertThatThrownBy(() -> behindAProxy.check("http://127.0.0.1:9000/internal", WHAT)).as(listening)
                    .hasMessageStartingWith(WHAT + " reaches an address outside the public internet");
        }
        ReceiverAddresses behindAProxyOnThisMachine = new ReceiverAddresses(new org.springframework.mock.env.MockEnvironment()
                .withProperty("server.address", "127.0.0.1").withProperty("lanyard.web.trusted-proxies", "127.0.0.1"));
        assertThatThrownBy(() -> behindAProxyOnThisMachine.check("http://127.0.0.1:9000/internal", WHAT)).as("a proxy on the same machine")
                .hasMessageStartingWith(WHAT + " reaches an address outside the public internet");
        ReceiverAddresses unset = new ReceiverAddresses(new org.springframework.mock.env.MockEnvironment());
        assertThatThrownBy(() -> unset.check("http://localhost:9000/internal", WHAT))
                .hasMessageStartingWith(WHAT + " reaches an address outside the public internet");
    }

    @Test
    void aListedPrivateNetworkIsAllowedOverHttpAndNothingBesideIt() throws Exception {
        ReceiverAddresses internal = new ReceiverAddresses(List.of("10.20.0.0/16", " fd00:1::/32 "), "https://lanyard.example.com");

        assertThat(internal.check("http://10.20.3.4:8080/logout", WHAT)).isNotNull();
        assertThat(internal.check("https://[fd00:1::5]/logout", WHAT)).isNotNull();
        internal.checkBeforeSending(URI.create("http://10.20.255.255/logout"));
        assertThatThrownBy(() -> internal.check("http://10.21.0.1/logout", WHAT)).isInstanceOf(ReceiverAddresses.Refused.class);
        assertThatThrownBy(() -> internal.check("http://127.0.0.1/logout", WHAT)).as("loopback is not listed")
                .isInstanceOf(ReceiverAddresses.Refused.class);
    }

    /**
     * An outside review: a name that did not resolve was told so (and accepted over https) while one the server's own
     * network knows was refused as internal, so an admin could list the internal names by registering URLs.
     */
    @Test
    void aNameThatDoesNotResolveAndOneThatResolvesInwardGetTheSameAnswer() throws Exception {
        ReceiverAddresses.Resolver intranet = name -> switch (name) {
            case "runsc", "vm" -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};
            case "wiki.corp.example" -> new InetAddress[] {InetAddress.getByName("10.1.2.3")};
            case "mixed.example.com" -> new InetAddress[] {InetAddress.getByName("93.184.215.14"), InetAddress.getByName("192.168.1.1")};
            default -> throw new java.net.UnknownHostException(name);
        };
        ReceiverAddresses deployed = new ReceiverAddresses(List.of(), "https://lanyard.example.com", intranet);
        for (String scheme : new String[] {"https", "http"}) {
            for (String host : new String[] {"runsc", "vm", "wiki.corp.example", "mixed.example.com", "nosuchhost-xyz", "receiver.invalid"}) {
                String url = scheme + "://" + host + "/x";
                String answer = "The host " + host + " does not resolve to a public internet address. Lanyard sends to other networks "
                        + "only where its operator lists them in lanyard.signals.private-networks.";
                assertThatThrownBy(() -> deployed.check(url, WHAT)).as(url).hasMessage(answer);
                assertThatThrownBy(() -> deployed.checkBeforeSending(URI.create(url))).as(url)
                        .isInstanceOfSatisfying(ReceiverAddresses.Refused.class, refused -> assertThat(refused.unresolved())
                                .as("tried again later, as a name not yet published is").isTrue())
                        .hasMessage(answer);
            }
        }
    }

    /**
     * An outside review: these were accepted when given, then found "not resolving" at each send and tried 20 times.
     * None of them can ever reach the public internet, so they are refused when given and a send is given up at once.
     */
    @Test
    void aHostThatCanNeverBePublicIsRefusedWhenGivenAndGivenUpWhenSent() {
        for (String host : new String[] {"[fe80::1%25lo]", "[2a00:1450:4001:80b::200e%25eth0]"}) {
            assertThatThrownBy(() -> deployed.check("https://" + host + ":18251/", WHAT)).as(host)
                    .hasMessage(WHAT + " cannot name a network interface (an IPv6 zone id after %).");
            assertThatThrownBy(() -> deployed.checkBeforeSending(URI.create("https://" + host + ":18251/"))).as(host)
                    .isInstanceOfSatisfying(ReceiverAddresses.Refused.class, refused -> assertThat(refused.unresolved()).isFalse());
        }
        for (String host : new String[] {"0x7f000001", "017700000001", "0177.0.0.01", "1e100", "[::ffff:127.000.0.1]"}) {
            assertThatThrownBy(() -> deployed.check("https://" + host + ":18251/", WHAT)).as(host)
                    .hasMessage(WHAT + " must name its host by a DNS name or an IP address written the usual way "
                            + "(like 93.184.215.14 or [2001:db8::1]).");
            assertThatThrownBy(() -> deployed.checkBeforeSending(URI.create("https://" + host + ":18251/"))).as(host)
                    .isInstanceOfSatisfying(ReceiverAddresses.Refused.class, refused -> assertThat(refused.unresolved()).isFalse());
        }
        for (String host : new String[] {"localhost", "localhost.", "foo.localhost", "FOO.LocalHost.", "[fe80::1]", "10.0.0.5"}) {
            assertThatThrownBy(() -> deployed.check("https://" + host + ":18251/", WHAT)).as(host)
                    .hasMessageStartingWith(WHAT + " reaches an address outside the public internet");
            assertThatThrownBy(() -> deployed.checkBeforeSending(URI.create("https://" + host + ":18251/"))).as(host)
                    .isInstanceOfSatisfying(ReceiverAddresses.Refused.class, refused -> assertThat(refused.unresolved()).isFalse());
        }
    }

    @Test
    void aNameWithATrailingDotIsAName() throws Exception {
        ReceiverAddresses.Resolver publicDns = name -> new InetAddress[] {InetAddress.getByName("93.184.215.14")};
        ReceiverAddresses deployed = new ReceiverAddresses(List.of(), "https://lanyard.example.com", publicDns);
        assertThat(deployed.check("https://receiver.example.com./ssf", WHAT)).isNotNull();
        assertThat(deployed.check("https://xn--bcher-kva.example/ssf", WHAT)).isNotNull();
    }

    @Test
    void whatIsNoHttpUrlIsRefusedWithTheReason() {
        assertThatThrownBy(() -> deployed.check("https://a b", WHAT)).hasMessage(WHAT + " is not a valid URL.");
        assertThatThrownBy(() -> deployed.check("ftp://93.184.215.14/x", WHAT)).hasMessage(WHAT + " must be an https URL.");
        assertThatThrownBy(() -> deployed.check("https:///x", WHAT)).hasMessage(WHAT + " must be an https URL.");
        assertThatThrownBy(() -> deployed.check("https://u:p@93.184.215.14/x", WHAT)).hasMessage(WHAT + " cannot hold a user name or password.");
        assertThatThrownBy(() -> deployed.check("https://93.184.215.14/x#f", WHAT)).hasMessage(WHAT + " cannot have a fragment (#).");
    }

    @Test
    void aNetworkThatIsNoCidrBlockStopsStartUp() {
        assertThatThrownBy(() -> new ReceiverAddresses(List.of("10.0.0.0/33"), "https://lanyard.example.com"))
                .hasMessageStartingWith("lanyard.signals.private-networks: ");
        assertThatThrownBy(() -> new ReceiverAddresses(List.of("internal.example"), "https://lanyard.example.com"))
                .hasMessageStartingWith("lanyard.signals.private-networks: ");
    }
}
