package dev.lanyard.session;

import java.util.Objects;

import dev.lanyard.account.Ids;

/**
 * The public id of a session: shown in the UI and the API, unrelated to its secret token.
 *
 * <p>A value object like a record of its {@link #value()}, but held compactly (decision 0031): an id
 * of the form Lanyard makes ({@code "ses_"} and the base64url of 12 random bytes, 16 characters)
 * is kept as those 12 bytes, a {@code long} and an {@code int}, in 32 bytes of heap where the
 * string took 80; its string is written again when asked for. Any other value (an id from before,
 * a test's) is kept as given. Equality, hash code and the string are those of the value either way.
 */
public final class SessionId {
    private static final String PREFIX = "ses_";
    private static final int LENGTH = PREFIX.length() + 16;
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
    private static final byte[] DIGITS = new byte[128];

    static {
        java.util.Arrays.fill(DIGITS, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) DIGITS[ALPHABET[i]] = (byte) i;
    }

    /** The first 8 of the 12 random bytes of a packed id. */
    private final long high;
    /** The last 4 of them. */
    private final int low;
    /** The value when it is not of the packed form; null when packed. */
    private final String other;
    /** {@code value().hashCode()}, as the record this was had. */
    private final int hash;

    public SessionId(String value) {
        Objects.requireNonNull(value, "value");
        long h = 0;
        int l = 0;
        boolean packed = value.length() == LENGTH && value.startsWith(PREFIX);
        for (int i = PREFIX.length(); packed && i < LENGTH; i++) {
            char c = value.charAt(i);
            int d = c < 128 ? DIGITS[c] : -1;
            if (d < 0) packed = false;
            // 16 digits of 6 bits: the first 64 bits go to high, the last 32 to low.
            else if (i < PREFIX.length() + 10) h = h << 6 | d;
            else if (i == PREFIX.length() + 10) {
                h = h << 4 | d >>> 2;
                l = d & 3;
            } else l = l << 6 | d;
        }
        this.high = packed ? h : 0;
        this.low = packed ? l : 0;
        this.other = packed ? null : value;
        this.hash = value.hashCode();
    }

    static SessionId random() {
        return new SessionId(Ids.random(PREFIX, 12));
    }

    /** The id as shown and stored: {@code "ses_…"}. */
    public String value() {
        if (other != null) return other;
        char[] out = new char[LENGTH];
        PREFIX.getChars(0, PREFIX.length(), out, 0);
        for (int i = 0; i < 10; i++) out[PREFIX.length() + i] = ALPHABET[(int) (high >>> (58 - 6 * i)) & 63];
        out[PREFIX.length() + 10] = ALPHABET[(int) (high & 15) << 2 | low >>> 30];
        for (int i = 0; i < 5; i++) out[PREFIX.length() + 11 + i] = ALPHABET[low >>> (24 - 6 * i) & 63];
        return new String(out);
    }

    /** "ses_3fA9…", enough to tell sessions apart on screen. */
    public String shortForm() {
        String value = value();
        return value.length() <= 10 ? value : value.substring(0, 10) + "…";
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof SessionId that && hash == that.hash && high == that.high && low == that.low
                && Objects.equals(other, that.other);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return value();
    }
}
