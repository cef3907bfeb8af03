package dev.lanyard.apps;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.lanyard.geo.Cidr;
import dev.lanyard.geo.IpLiteral;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Where Lanyard may send what a team admin asks it to: an app's back-channel logout URI and a Shared
 * Signals receiver's push endpoint. Anyone can sign up and be a team admin, and Lanyard shows an admin the
 * status each send got, so an address inside the server's own network (loopback, a private or link-local
 * network, a cloud's metadata address) would let them make Lanyard POST there and read the answer's status:
 * a server-side request forgery (decision 51).
 *
 * <p>A URL is checked when it is given and, resolved again, right before each send, so a name that later
 * points elsewhere is caught too (and Java keeps a resolved name for 30 s, so the client's own lookup a
 * moment later finds the same address). A public address takes https. An address outside the public
 * internet is refused unless its network is listed in {@code lanyard.signals.private-networks}, where plain
 * http is allowed too; this machine's loopback counts as listed when Lanyard's own address is on loopback
 * (a developer's machine, the tests).
 *
 * <p>A host name must resolve when given, and one that does not resolve gets the same answer as one that resolves
 * inward, when given and when sent to, so that the check tells an admin nothing about which names the server's own
 * network knows. A host that can never be public is refused as such and never tried again: a non-public IP address
 * written out, a zone id, {@code localhost}, or a number spelled some other way ({@code 0x7f000001}).
 */
@Component
public class ReceiverAddresses implements dev.lanyard.ops.CheckedBeforeMigration {
    private static final Logger log = LoggerFactory.getLogger(ReceiverAddresses.class);

    /** Blocks that are no public unicast address (IANA special-purpose registries), besides loopback, link-local and multicast. */
    private static final List<Cidr> NOT_PUBLIC = List.of(
            Cidr.parse("0.0.0.0/8"), Cidr.parse("10.0.0.0/8"), Cidr.parse("100.64.0.0/10"), Cidr.parse("172.16.0.0/12"),
            Cidr.parse("192.0.0.0/24"), Cidr.parse("192.0.2.0/24"), Cidr.parse("192.88.99.0/24"), Cidr.parse("192.168.0.0/16"),
            Cidr.parse("198.18.0.0/15"), Cidr.parse("198.51.100.0/24"), Cidr.parse("203.0.113.0/24"), Cidr.parse("240.0.0.0/4"),
            Cidr.parse("::/96"), Cidr.parse("100::/64"), Cidr.parse("2001::/23"), Cidr.parse("2001:db8::/32"),
            Cidr.parse("fc00::/7"), Cidr.parse("fec0::/10"),
            // Local-use NAT64 (RFC 8215): where its IPv4 address sits depends on the network's own prefix length.
            Cidr.parse("64:ff9b:1::/48"));
    private static final Cidr LOOPBACK_4 = Cidr.parse("127.0.0.0/8");
    private static final Cidr LOOPBACK_6 = Cidr.parse("::1/128");
    /** IPv6 blocks that carry an IPv4 address, which is what they reach: NAT64's well-known prefix (RFC 6052) and 6to4 (RFC 3056). */
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    /**
     * A host name as DNS has it: labels of letters, digits and hyphens, the last one starting with a letter (no
     * top-level domain is numeric), so that no number in another spelling passes for a name.
     */
    private static final Pattern DNS_NAME = Pattern.compile(
            "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)*[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    private final List<Cidr> privateNetworks;
    private final boolean loopbackListed;
    private final Resolver resolver;

    /**
     * From {@code lanyard.signals.private-networks} (a YAML list or comma-separated), Lanyard's own address as SETs name
     * it, where it listens and whether a proxy stands before it: the own address alone is a default
     * ({@code http://localhost:8080}) that a server behind a proxy may well keep, and then any admin could make it POST to
     * this machine's services. Loopback counts as listed only on a server nobody else reaches: listening on loopback,
     * with no proxy.
     */
    @Autowired
    ReceiverAddresses(Environment environment) {
        this(Binder.get(environment).bind("lanyard.signals.private-networks", Bindable.listOf(String.class)).orElse(List.of()),
                listensOnLoopback(environment.getProperty("server.address")) && !proxied(environment)
                        ? environment.getProperty("lanyard.signals.issuer", environment.getProperty("lanyard.mail.base-url", "http://localhost:8080"))
                        : "");
    }

    /**
     * Whether Lanyard is reached through a proxy ({@code lanyard.web.trusted-proxies}): one on the same machine makes a
     * server that listens on loopback only reachable by anyone, and no developer's machine.
     */
    private static boolean proxied(Environment environment) {
        return Binder.get(environment).bind("lanyard.web.trusted-proxies", Bindable.listOf(String.class)).orElse(List.of())
                .stream().anyMatch(p -> !p.isBlank());
    }

    /** Whether the server listens on a loopback address only ({@code server.address}; unset, it listens on every interface). */
    static boolean listensOnLoopback(String serverAddress) {
        if (serverAddress == null || serverAddress.isBlank()) return false;
        String host = serverAddress.strip();
        if (host.equalsIgnoreCase("localhost")) return true;
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        return IpLiteral.parse(host).map(InetAddress::isLoopbackAddress).orElse(false);
    }

    /** {@code ownAddress}: Lanyard's own address, on loopback only where it listens on loopback only (else empty). */
    public ReceiverAddresses(List<String> privateNetworks, String ownAddress) {
        this(privateNetworks, ownAddress, InetAddress::getAllByName);
    }

    ReceiverAddresses(List<String> privateNetworks, String ownAddress, Resolver resolver) {
        List<Cidr> networks = new ArrayList<>();
        for (String network : privateNetworks) {
            if (network.isBlank()) continue;
            try {
                networks.add(Cidr.parse(network));
            } catch (IllegalArgumentException e) {
                throw new dev.lanyard.ops.InvalidSetting("lanyard.signals.private-networks", e.getMessage(),
                        "List networks in CIDR form, like 10.0.0.0/8 or fd00::/8, comma-separated or as a YAML list.");
            }
        }
        this.privateNetworks = List.copyOf(networks);
        this.loopbackListed = onLoopback(ownAddress);
        this.resolver = resolver;
    }

    /** Why an address was refused: a sentence for the admin, and whether trying again later may help. */
    public static final class Refused extends Exception {
        private final boolean unresolved;

        Refused(String message, boolean unresolved) {
            super(message, null, false, false);
            this.unresolved = unresolved;
        }

        /**
         * The host name did not resolve to an address Lanyard may send to: a name not yet published, DNS down, or a
         * name pointed inward, which may all pass. An address that can never pass (a non-public IP written out, a
         * loopback name, a host no DNS name) is not unresolved: a send there is given up at once.
         */
        public boolean unresolved() {
            return unresolved;
        }
    }

    /** Looks up a host name's addresses; {@code InetAddress::getAllByName}, or a fixed table in tests. */
    interface Resolver {
        InetAddress[] addresses(String name) throws UnknownHostException;
    }

    /**
     * Checks a URL an admin gives ({@code what} names it in the message: "The back-channel logout URI"). A host name
     * must resolve now, over https as over http, and to public addresses (or a listed network): one that does not
     * resolve and one that resolves inward get the same refusal, so that an admin cannot use this check to learn which
     * names the server's own network knows (an outside review).
     */
    public URI check(String url, String what) throws Refused {
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new Refused(what + " is not a valid URL.", false);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new Refused(what + " must be an https URL.", false);
        }
        if (uri.getRawFragment() != null) throw new Refused(what + " cannot have a fragment (#).", false);
        if (uri.getRawUserInfo() != null) throw new Refused(what + " cannot hold a user name or password.", false);
        checkAddresses(uri, what, false);
        return uri;
    }

    /** Resolves the host of a URL about to be sent to and checks every address it has; a host that does not resolve is refused too. */
    public void checkBeforeSending(URI uri) throws Refused {
        checkAddresses(uri, "This URL", true);
    }

    private void checkAddresses(URI uri, String what, boolean sending) throws Refused {
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        String host = uri.getHost();
        if (host == null) throw new Refused(what + " must be an https URL.", false);
        if (host.startsWith("[") && host.endsWith("]")) {
            // A zone id names one of the server's own network interfaces: only link-local addresses take one.
            if (host.indexOf('%') >= 0) throw new Refused(what + " cannot name a network interface (an IPv6 zone id after %).", false);
            host = host.substring(1, host.length() - 1);
        }
        Optional<InetAddress> literal = IpLiteral.parse(host);
        if (literal.isPresent()) {
            checkAddress(literal.get(), https, what);
            return;
        }
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (!DNS_NAME.matcher(name).matches() || name.length() > 253) {
            // Such as 0x7f000001 or 017700000001, which the system's resolver reads as 127.0.0.1.
            throw new Refused(what + " must name its host by a DNS name or an IP address written the usual way "
                    + "(like 93.184.215.14 or [2001:db8::1]).", false);
        }
        String lowerCase = name.toLowerCase(Locale.ROOT);
        if (!loopbackListed && (lowerCase.equals("localhost") || lowerCase.endsWith(".localhost"))) throw notPublic(what);
        InetAddress[] addresses;
        try {
            addresses = resolver.addresses(name);
        } catch (UnknownHostException e) {
            throw doesNotResolveToAPublicAddress(host);
        }
        for (InetAddress address : addresses) {
            if (!listed(address) && !isPublic(address)) {
                if (sending) log.warn("Refused to send to {}: it resolves to {}, outside the public internet and not in lanyard.signals.private-networks",
                        host, address.getHostAddress());
                throw doesNotResolveToAPublicAddress(host);
            }
        }
        for (InetAddress address : addresses) checkAddress(address, https, what);
    }

    /** Checks an address itself: listed, or public over https. */
    private void checkAddress(InetAddress address, boolean https, String what) throws Refused {
        if (listed(address)) return;
        if (!isPublic(address)) throw notPublic(what);
        if (!https) {
            throw new Refused(what + " must be an https URL (plain http only to a network listed in lanyard.signals.private-networks).", false);
        }
    }

    private static Refused notPublic(String what) {
        return new Refused(what + " reaches an address outside the public internet (loopback, or a private or link-local "
                + "network). Lanyard sends there only to networks its operator lists in lanyard.signals.private-networks.", false);
    }

    /**
     * One refusal for a name that does not resolve and one that resolves inward, and one decision (tried again later,
     * at send time): telling them apart would tell an admin which names the server's own network knows.
     */
    private static Refused doesNotResolveToAPublicAddress(String host) {
        return new Refused("The host " + host + " does not resolve to a public internet address. Lanyard sends to other "
                + "networks only where its operator lists them in lanyard.signals.private-networks.", true);
    }

    private boolean listed(InetAddress address) {
        if (loopbackListed && address.isLoopbackAddress()) return true;
        return privateNetworks.stream().anyMatch(network -> network.contains(address));
    }

    /** Whether an address is public unicast: not loopback, link-local, multicast, private, shared, documentation or reserved. */
    static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()
                || LOOPBACK_4.contains(address) || LOOPBACK_6.contains(address)
                || NOT_PUBLIC.stream().anyMatch(block -> block.contains(address))) {
            return false;
        }
        if (address instanceof Inet6Address) {
            byte[] bytes = address.getAddress();
            if (NAT64.contains(address)) return isPublic(ipv4(Arrays.copyOfRange(bytes, 12, 16)));
            if (SIX_TO_FOUR.contains(address)) return isPublic(ipv4(Arrays.copyOfRange(bytes, 2, 6)));
            // fe80::/10 and ff00::/8 are caught above; anything else outside 2000::/3 is not allocated for unicast.
            return (bytes[0] & 0xe0) == 0x20;
        }
        return true;
    }

    private static InetAddress ipv4(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean onLoopback(String ownAddress) {
        try {
            String host = URI.create(ownAddress.strip()).getHost();
            if (host == null) return false;
            if (host.equalsIgnoreCase("localhost") || host.toLowerCase(Locale.ROOT).endsWith(".localhost")) return true;
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            return IpLiteral.parse(host).map(InetAddress::isLoopbackAddress).orElse(false);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
