package dev.lanyard.session;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.zip.CRC32;

/**
 * The secret of an API key: {@code lyk_}, 32 random bytes in base62 (43 characters), and the
 * CRC32 of those 43 characters in base62 (6 characters): 53 characters in all. The prefix lets
 * secret scanners find leaked keys, the checksum lets them (and {@link Sessions#check}) tell a
 * key from a typo without any lookup. Stored only as its SHA-256, like a session token.
 */
public final class ApiKeyToken {
    public static final String PREFIX = "lyk_";
    static final int BODY = 43;
    static final int CHECKSUM = 6;
    public static final int LENGTH = PREFIX.length() + BODY + CHECKSUM;
    /** Characters of a key shown in lists: the prefix and the first 8 random ones; never enough to use it. */
    public static final int SHOWN = PREFIX.length() + 8;
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final BigInteger BASE = BigInteger.valueOf(62);
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeyToken() {
    }

    /** A new secret. */
    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String body = base62(new BigInteger(1, bytes), BODY);
        return PREFIX + body + base62(BigInteger.valueOf(crc(body)), CHECKSUM);
    }

    /** Whether the value has the shape of a key and its checksum matches; cheap, and reads no storage. */
    public static boolean wellFormed(String token) {
        if (token == null || token.length() != LENGTH || !token.startsWith(PREFIX)) return false;
        for (int i = PREFIX.length(); i < LENGTH; i++) {
            if (digit(token.charAt(i)) < 0) return false;
        }
        long checksum = 0;
        for (int i = PREFIX.length() + BODY; i < LENGTH; i++) checksum = checksum * 62 + digit(token.charAt(i));
        // Byte by byte over the token itself: the check on every request copies nothing.
        CRC32 crc = new CRC32();
        for (int i = PREFIX.length(); i < PREFIX.length() + BODY; i++) crc.update(token.charAt(i));
        return checksum == crc.getValue();
    }

    /** What lists show of a key: {@code lyk_} and its first 8 random characters. */
    public static String shown(String token) {
        return token.substring(0, SHOWN);
    }

    /** The only form of a key that is stored. */
    public static String hash(String token) {
        return SessionToken.hash(token);
    }

    private static long crc(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        return crc.getValue();
    }

    private static String base62(BigInteger value, int width) {
        char[] out = new char[width];
        BigInteger rest = value;
        for (int i = width - 1; i >= 0; i--) {
            BigInteger[] qr = rest.divideAndRemainder(BASE);
            out[i] = ALPHABET.charAt(qr[1].intValue());
            rest = qr[0];
        }
        if (rest.signum() != 0) throw new IllegalArgumentException("does not fit");
        return new String(out);
    }

    private static int digit(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
        if (c >= 'a' && c <= 'z') return c - 'a' + 36;
        return -1;
    }
}
