package dev.lanyard.geo;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

/** A block of IP addresses, {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is a block of one. */
public final class Cidr {

    /** Addresses that belong to no place on a map. */
    static final List<Cidr> LOCAL_NETWORKS = List.of(
            parse("0.0.0.0/8"),        // "this network", includes the unspecified address
            parse("10.0.0.0/8"), parse("172.16.0.0/12"), parse("192.168.0.0/16"),
            parse("100.64.0.0/10"),    // carrier-grade NAT
            parse("127.0.0.0/8"), parse("169.254.0.0/16"),
            parse("::/128"), parse("::1/128"),
            parse("fe80::/10"), parse("fc00::/7"));

    private final byte[] network;
    private final int prefix;

    private Cidr(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * Parses {@code address} or {@code address/prefix}.
     *
     * @throws IllegalArgumentException if the text is neither
     */
    public static Cidr parse(String text) {
        String s = text == null ? "" : text.strip();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = IpLiteral.parse(address).map(InetAddress::getAddress)
                .orElseThrow(() -> new IllegalArgumentException("Not an IP address or CIDR block: '" + text + "'"));
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            // "::ffff:10.0.0.0/104" arrives here as IPv4 bytes; take its prefix as IPv4 bits.
            if (bytes.length == 4 && address.indexOf(':') >= 0) prefix -= 96;
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("Bad prefix length in CIDR block: '" + text + "'");
            }
        }
        return new Cidr(bytes, prefix);
    }

    static boolean isLocalNetwork(InetAddress address) {
        return LOCAL_NETWORKS.stream().anyMatch(block -> block.contains(address));
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) return false;
        int whole = prefix / 8;
        for (int i = 0; i < whole; i++) {
            if (bytes[i] != network[i]) return false;
        }
        int rest = prefix % 8;
        if (rest == 0) return true;
        int mask = 0xff << (8 - rest) & 0xff;
        return (bytes[whole] & mask) == (network[whole] & mask);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
