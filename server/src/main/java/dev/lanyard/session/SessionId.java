package dev.lanyard.session;

import java.nio.ByteBuffer;
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
    private static final int RANDOM_BYTES = 12;
    /** The same base64url as {@link Ids#random} writes: 12 bytes are 16 characters, no padding. */
    private static final java.util.Base64.Encoder ENCODER = java.util.Base64.getUrlEncoder().withoutPadding();
    private static final java.util.Base64.Decoder DECODER = java.util.Base64.getUrlDecoder();

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
        ByteBuffer random = randomBytes(value);
        this.high = random == null ? 0 : random.getLong();
        this.low = random == null ? 0 : random.getInt();
        this.other = random == null ? value : null;
        this.hash = value.hashCode();
    }

    /** The 12 random bytes of an id Lanyard makes, or null for any other value. */
    private static ByteBuffer randomBytes(String value) {
        if (value.length() != PREFIX.length() + 16 || !value.startsWith(PREFIX)) return null;
        try {
            byte[] bytes = DECODER.decode(value.substring(PREFIX.length()));
            // 16 characters of base64url are exactly 96 bits: they decode to 12 bytes that encode back to them
            // (padding would make fewer bytes).
            return bytes.length == RANDOM_BYTES ? ByteBuffer.wrap(bytes) : null;
        } catch (IllegalArgumentException notBase64url) {
            return null;
        }
    }

    static SessionId random() {
        return new SessionId(Ids.random(PREFIX, RANDOM_BYTES));
    }

    /** The id as shown and stored: {@code "ses_…"}. */
    public String value() {
        if (other != null) return other;
        return PREFIX + ENCODER.encodeToString(ByteBuffer.allocate(RANDOM_BYTES).putLong(high).putInt(low).array());
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
