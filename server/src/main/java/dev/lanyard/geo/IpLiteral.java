package dev.lanyard.geo;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Parses textual IP addresses into {@link InetAddress} without ever touching DNS.
 *
 * <p>{@code InetAddress.getByName} resolves anything that is not a literal, so a client could
 * make Lanyard look up a name of its choosing by sending it in {@code X-Forwarded-For}. This
 * parser builds the bytes itself and hands them to {@code getByAddress}, which never resolves.
 */
public final class IpLiteral {

    private IpLiteral() {
    }

    /**
     * The address in {@code text}: a dotted-quad IPv4 address or an IPv6 address, optionally in
     * brackets, optionally with a port ({@code 1.2.3.4:443}, {@code [2001:db8::1]:443}) or an
     * IPv6 zone ({@code fe80::1%eth0}), both dropped. Empty for anything else.
     */
    public static Optional<InetAddress> parse(String text) {
        if (text == null) return Optional.empty();
        String s = text.strip();
        if (s.isEmpty() || s.length() > 64) return Optional.empty();
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || !(close == s.length() - 1 || s.charAt(close + 1) == ':')) return Optional.empty();
            s = s.substring(1, close);
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':') && s.indexOf('.') >= 0) {
            s = s.substring(0, s.indexOf(':'));
        }
        int zone = s.indexOf('%');
        if (zone >= 0) s = s.substring(0, zone);
        byte[] bytes = s.indexOf(':') >= 0 ? ipv6(s) : ipv4(s);
        if (bytes == null) return Optional.empty();
        try {
            // getByAddress also turns an IPv4-mapped IPv6 address into the IPv4 address.
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * The address as people should read it (RFC 5952): IPv4 dotted, IPv6 in lower case without leading zeros and with
     * its longest run of two or more zero groups, the first of equals, as "::" ({@code 2a02:1234:abcd::1}, where
     * {@code getHostAddress} writes {@code 2a02:1234:abcd:0:0:0:0:1}).
     */
    public static String format(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) return address.getHostAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) groups[i] = (b[i * 2] & 0xff) << 8 | (b[i * 2 + 1] & 0xff);
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int length = 0;
            while (i + length < 8 && groups[i + length] == 0) length++;
            if (length > bestLength) {
                bestStart = i;
                bestLength = length;
            }
            i += length;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') out.append(':');
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    private static byte[] ipv4(String s) {
        byte[] out = new byte[4];
        int start = 0;
        for (int i = 0; i < 4; i++) {
            int end = i < 3 ? s.indexOf('.', start) : s.length();
            if (end < 0) return null;
            int length = end - start;
            // Leading zeros are refused: some parsers read "010" as octal, so it is ambiguous.
            if (length == 0 || length > 3 || (length > 1 && s.charAt(start) == '0')) return null;
            int value = 0;
            for (int j = start; j < end; j++) {
                char c = s.charAt(j);
                if (c < '0' || c > '9') return null;
                value = value * 10 + (c - '0');
            }
            if (value > 255) return null;
            out[i] = (byte) value;
            start = end + 1;
        }
        return out;
    }

    private static byte[] ipv6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) return null;
        int[] head = gap >= 0 ? groups(s.substring(0, gap), false) : groups(s, true);
        int[] tail = gap >= 0 ? groups(s.substring(gap + 2), true) : new int[0];
        if (head == null || tail == null) return null;
        int count = head.length + tail.length;
        if (gap >= 0 ? count > 7 : count != 8) return null;
        byte[] out = new byte[16];
        for (int i = 0; i < head.length; i++) put(out, i, head[i]);
        for (int i = 0; i < tail.length; i++) put(out, 8 - tail.length + i, tail[i]);
        return out;
    }

    /** The 16-bit groups of one side of "::"; an IPv4 tail counts as two groups. */
    private static int[] groups(String part, boolean ipv4TailAllowed) {
        if (part.isEmpty()) return new int[0];
        String[] texts = part.split(":", -1);
        int[] values = new int[texts.length + 1];
        int n = 0;
        for (int i = 0; i < texts.length; i++) {
            String t = texts[i];
            if (i == texts.length - 1 && ipv4TailAllowed && t.indexOf('.') >= 0) {
                byte[] v4 = ipv4(t);
                if (v4 == null) return null;
                values[n++] = (v4[0] & 0xff) << 8 | (v4[1] & 0xff);
                values[n++] = (v4[2] & 0xff) << 8 | (v4[3] & 0xff);
                continue;
            }
            if (t.isEmpty() || t.length() > 4) return null;
            int value = 0;
            for (int j = 0; j < t.length(); j++) {
                int digit = Character.digit(t.charAt(j), 16);
                if (digit < 0) return null;
                value = value << 4 | digit;
            }
            values[n++] = value;
        }
        return java.util.Arrays.copyOf(values, n);
    }

    private static void put(byte[] out, int group, int value) {
        out[group * 2] = (byte) (value >>> 8);
        out[group * 2 + 1] = (byte) value;
    }
}
