package dev.lanyard.geo;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Finds the client's IP address for a request, and masks addresses for display.
 *
 * <p>{@code X-Forwarded-For} is written by whoever sends the request, so it is read only when
 * the socket peer is one of the configured trusted proxies ({@code lanyard.web.trusted-proxies}),
 * and then from the right: each trusted proxy appends the address it received from, so the first
 * address from the right that is not a trusted proxy is the client. Everything left of it could
 * be forged. Nothing here resolves host names.
 */
@Component
public class ClientAddresses {

    private static final String FORWARDED_FOR = "X-Forwarded-For";
    private static final String MASK = "•••";

    /** Where a request came from when the servlet container reports no usable peer address. */
    private static final InetAddress UNSPECIFIED = unspecified();

    private final List<Cidr> trustedProxies;

    ClientAddresses(ProxySettings settings) {
        // A mistyped proxy address must stop start-up: ignoring it would silently change whose
        // address every session records.
        this.trustedProxies = settings.trustedProxies().stream().map(Cidr::parse).toList();
        if (settings.publicUrl() != null && trustedProxies.isEmpty()) {
            // The public URL gives the origin and scheme, never the client's address.
            LoggerFactory.getLogger(ClientAddresses.class).warn("lanyard.web.public-url is set and lanyard.web.trusted-proxies is "
                    + "empty: if a proxy stands in front of Lanyard, every request seems to come from the proxy's address (one "
                    + "sign-in throttle for everyone, no locations, no new-country alerts). List the proxy in lanyard.web.trusted-proxies.");
        }
    }

    /** The client's address: the socket peer, or what trusted proxies say they received from. */
    public InetAddress resolve(HttpServletRequest request) {
        InetAddress peer = IpLiteral.parse(request.getRemoteAddr()).orElse(UNSPECIFIED);
        if (!isTrustedProxy(peer)) return peer;
        List<String> hops = forwardedFor(request);
        InetAddress furthest = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = IpLiteral.parse(hops.get(i));
            if (hop.isEmpty()) return peer;
            if (!isTrustedProxy(hop.get())) return hop.get();
            furthest = hop.get();
        }
        // Every hop was a trusted proxy: the request started inside the trusted network.
        return furthest;
    }

    /** Whether any proxy is trusted ({@code lanyard.web.trusted-proxies}). */
    public boolean anyTrustedProxy() {
        return !trustedProxies.isEmpty();
    }

    /** Whether the socket peer is one of the trusted proxies, whose forwarded headers may be believed. */
    public boolean fromTrustedProxy(HttpServletRequest request) {
        // Without trusted proxies (the default) no peer is one: its address is not parsed (issue 13).
        return !trustedProxies.isEmpty() && isTrustedProxy(IpLiteral.parse(request.getRemoteAddr()).orElse(UNSPECIFIED));
    }

    /**
     * The address with its host part hidden, for showing to people who need to recognise an
     * address, not know it: {@code 83.45.123.•••} or {@code 2a02:1234:abcd:•••}.
     */
    public static String mask(InetAddress address) {
        if (address == null) return "";
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + MASK;
        }
        // A 6to4 address's /48 is its IPv4 address: only the IPv4 /24 is shown, as for IPv4 (2002:532d:7b•••).
        if (is6to4(address)) return leadingGroups(address, 2) + Integer.toHexString(b[4] & 0xff) + MASK;
        return leadingGroups(address, 3) + MASK;
    }

    /** Whether an address is 6to4 (2002::/16, RFC 3056), whose next 32 bits are the site's IPv4 address. */
    private static boolean is6to4(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 16 && b[0] == 0x20 && b[1] == 0x02;
    }

    /** Whether an address is Teredo (2001:0::/32, RFC 4380), whose last 32 bits are its client's IPv4 address, inverted. */
    private static boolean isTeredo(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 16 && b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0;
    }

    /**
     * The address that says where a client is: for a 6to4 address the IPv4 address of its site (bits 16–47), for a
     * Teredo address its client's public IPv4 address (the last 32 bits, inverted), for any other the address itself.
     * The prefixes of both belong to relays, placed wherever their operators are (docs/decisions/0054).
     */
    public static InetAddress placedAt(InetAddress address) {
        byte[] b = address.getAddress();
        byte[] ipv4;
        if (is6to4(address)) {
            ipv4 = new byte[] {b[2], b[3], b[4], b[5]};
        } else if (isTeredo(address)) {
            ipv4 = new byte[] {(byte) ~b[12], (byte) ~b[13], (byte) ~b[14], (byte) ~b[15]};
        } else {
            return address;
        }
        try {
            return InetAddress.getByAddress(ipv4);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@link #placedAt(InetAddress)} of a stored address, as text ({@code 2002:532d:7b4e::1} → {@code 83.45.123.78}); a
     * network or a text that is no address is returned as it is.
     */
    public static String placedAt(String stored) {
        if (stored == null || isNetwork(stored)) return stored;
        return IpLiteral.parse(stored).map(address -> {
            InetAddress placed = placedAt(address);
            return placed == address ? stored : placed.getHostAddress();
        }).orElse(stored);
    }

    /**
     * A stored address or network with its host part hidden ({@link #mask(InetAddress)}), or "" for
     * a text that is neither. A reduced address ({@link #network}) masks like the address it was.
     * Never asks DNS.
     */
    public static String mask(String stored) {
        return parseStored(stored).map(ClientAddresses::mask).orElse("");
    }

    /**
     * The network a stored address belongs to, kept once the address itself no longer may be
     * (PRODUCT.md D6): {@code 83.45.123.0/24} for IPv4, {@code 2a02:1234:abcd::/48} for IPv6, and
     * for a 6to4 address, whose /48 is an IPv4 address, its IPv4 /24 ({@code 2002:532d:7b00::/40}):
     * the same blocks {@link #mask(InetAddress)} leaves visible. A network is returned as it is, so
     * reducing twice changes nothing (a 6to4 /48 reduced before this rule becomes its /40); a text
     * that is neither gives "".
     */
    public static String network(String stored) {
        return parseStored(stored).map(address -> {
            if (!is6to4(address)) return networkAsInVersion2(address);
            // The /48 of a 6to4 address is its site's whole IPv4 address: keep what an IPv4 address keeps, its /24.
            byte[] b = address.getAddress();
            return leadingGroups(address, 2) + Integer.toHexString((b[4] & 0xff) << 8) + "::/40";
        }).orElse("");
    }

    /**
     * The network as {@link #network} gave it before 6to4 addresses kept only their IPv4 /24: every IPv6 address's
     * /48. Audit entries of hash version 2 cover this text and are reduced to it (docs/decisions/0049).
     */
    public static String networkAsInVersion2(String stored) {
        return parseStored(stored).map(ClientAddresses::networkAsInVersion2).orElse("");
    }

    private static String networkAsInVersion2(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + ".0/24";
        }
        return leadingGroups(address, 3) + ":/48";
    }

    /**
     * The address a throttle counts a client under, one subscriber's: an IPv4 address as it is (an IPv4-mapped IPv6
     * address is its IPv4 address), an IPv6 address as its /64, {@code 2001:db8:0:1::/64}, since a subscriber is usually
     * given a whole /64 (decision 53). A text that is no IP address is kept as it is, null as "". Never asks DNS.
     */
    public static String subscriber(String address) {
        return IpLiteral.parse(address).map(ip -> ip instanceof Inet4Address ? ip.getHostAddress() : leadingGroups(ip, 4) + ":/64")
                .orElse(address == null ? "" : address);
    }

    /**
     * The first {@code groups} 16-bit groups of an IPv6 address, each followed by a colon ({@code 2a02:1234:abcd:}
     * for three): the part of the address that names its network, for {@code /16 × groups} blocks.
     */
    public static String leadingGroups(InetAddress ipv6, int groups) {
        byte[] b = ipv6.getAddress();
        StringBuilder leading = new StringBuilder();
        for (int group = 0; group < groups; group++) {
            leading.append(Integer.toHexString((b[group * 2] & 0xff) << 8 | (b[group * 2 + 1] & 0xff))).append(':');
        }
        return leading.toString();
    }

    /**
     * A stored address or network as people should read it, in RFC 5952's form ({@code 2a02:1234:abcd::1},
     * {@code 2a02:1234:abcd::/48}); any other text as it is. Addresses are stored as {@code getHostAddress} writes them
     * ({@code 2a02:1234:abcd:0:0:0:0:1}), and stay so: a session's address is compared with each request's, the risk
     * memory's with each sign-in's, and an audit entry's hash covers its text (docs/decisions/0005).
     */
    public static String shown(String stored) {
        if (stored == null || stored.indexOf(':') < 0) return stored;
        int slash = stored.indexOf('/');
        String address = slash < 0 ? stored : stored.substring(0, slash);
        return IpLiteral.parse(address).map(a -> IpLiteral.format(a) + (slash < 0 ? "" : stored.substring(slash))).orElse(stored);
    }

    /** Whether a stored text is a network that an address was reduced to, not an address. */
    public static boolean isNetwork(String stored) {
        return stored != null && stored.indexOf('/') > 0;
    }

    /** The address in a stored address, or the first address of a stored network; never DNS. */
    private static Optional<InetAddress> parseStored(String stored) {
        if (stored == null || stored.isEmpty()) return Optional.empty();
        int slash = stored.indexOf('/');
        if (slash < 0) return IpLiteral.parse(stored);
        String prefix = stored.substring(slash + 1);
        Optional<InetAddress> base = IpLiteral.parse(stored.substring(0, slash));
        return base.filter(a -> prefix.equals(a instanceof Inet4Address ? "24" : "48") || prefix.equals("40") && is6to4(a));
    }

    private boolean isTrustedProxy(InetAddress address) {
        for (Cidr block : trustedProxies) {
            if (block.contains(address)) return true;
        }
        return false;
    }

    /** All X-Forwarded-For entries in order; several headers count as one comma-separated list. */
    private static List<String> forwardedFor(HttpServletRequest request) {
        List<String> hops = new ArrayList<>();
        Enumeration<String> headers = request.getHeaders(FORWARDED_FOR);
        if (headers == null) return hops;
        for (String header : Collections.list(headers)) {
            for (String hop : header.split(",", -1)) hops.add(hop.strip());
        }
        return hops;
    }

    private static InetAddress unspecified() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
