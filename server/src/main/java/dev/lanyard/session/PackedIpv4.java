package dev.lanyard.session;

/** Dotted IPv4 addresses packed into an int; anything else (IPv6, empty) is not packed. */
final class PackedIpv4 {
    /** Not packed; 0.0.0.0 is never a client's address, so it cannot be confused with one. */
    static final int NONE = 0;

    private PackedIpv4() {
    }

    /** The address packed, or {@link #NONE} when {@code ip} is not written as four decimal octets without leading zeros. */
    static int pack(String ip) {
        int n = ip.length();
        if (n < 7 || n > 15) return NONE;
        int packed = 0, octet = 0, digits = 0, dots = 0;
        for (int i = 0; i < n; i++) {
            char c = ip.charAt(i);
            if (c == '.') {
                if (digits == 0 || ++dots > 3) return NONE;
                packed = packed << 8 | octet;
                octet = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                if (digits > 0 && octet == 0) return NONE; // a leading zero: "01" would not read back the same
                octet = octet * 10 + (c - '0');
                if (++digits > 3 || octet > 255) return NONE;
            } else {
                return NONE;
            }
        }
        if (dots != 3 || digits == 0) return NONE;
        packed = packed << 8 | octet;
        return packed == NONE ? NONE : packed;
    }

    /** Whether {@code ip} is written exactly as {@link #format} writes {@code packed}. */
    static boolean is(String ip, int packed) {
        return packed != NONE && pack(ip) == packed;
    }

    static String format(int packed) {
        return (packed >>> 24) + "." + (packed >>> 16 & 255) + "." + (packed >>> 8 & 255) + "." + (packed & 255);
    }
}
