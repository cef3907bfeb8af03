package dev.lanyard.session;

import java.util.HexFormat;
import java.util.Optional;

/** A token hash, the 32 bytes of a SHA-256 held as four longs: 48 bytes where its hex string takes 104. */
record TokenHashKey(long a, long b, long c, long d) {
    /** The key of a hash in lower-case hex, as {@link SessionToken#hash} writes it; empty for anything else. */
    static Optional<TokenHashKey> of(String hex) {
        if (hex == null || hex.length() != 64) return Optional.empty();
        for (int i = 0; i < 64; i++) {
            char c = hex.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return Optional.empty();
        }
        return Optional.of(new TokenHashKey(HexFormat.fromHexDigitsToLong(hex, 0, 16), HexFormat.fromHexDigitsToLong(hex, 16, 32),
                HexFormat.fromHexDigitsToLong(hex, 32, 48), HexFormat.fromHexDigitsToLong(hex, 48, 64)));
    }

    // Written out: a record's own equals and hashCode go through method handles that the JIT did not
    // fully inline here, ≈ 2.5% of /current's samples in the session cache's lookup (issue 13).

    @Override
    public boolean equals(Object other) {
        return other instanceof TokenHashKey k && a == k.a && b == k.b && c == k.c && d == k.d;
    }

    /** The bits of a SHA-256 are already uniform: its first 64 folded to an int spread as well as all 256. */
    @Override
    public int hashCode() {
        return Long.hashCode(a);
    }
}
