package dev.lanyard.factors;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.OptionalLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA1, 30-second steps counted from
 * the Unix epoch, 6 digits, what every authenticator app uses by default.
 */
final class Totp {
    static final int DIGITS = 6;
    static final long STEP_SECONDS = 30;
    /** Codes of the step before and after the current one are accepted too: clocks drift, people type slowly. */
    static final int WINDOW = 1;

    private Totp() {
    }

    /** The time step {@code at} falls in. */
    static long step(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), STEP_SECONDS);
    }

    /** The 6-digit code of {@code step}. */
    static String code(byte[] seed, long step) {
        return code(seed, step, DIGITS, "HmacSHA1");
    }

    /** RFC 6238's TOTP of {@code step} with {@code digits} digits and an HMAC {@code algorithm} (for its test vectors). */
    static String code(byte[] seed, long step, int digits, String algorithm) {
        byte[] hash;
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(seed, "RAW"));
            hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC is part of every JDK", e);
        }
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
        long modulus = (long) Math.pow(10, digits);
        return String.format("%0" + digits + "d", binary % modulus);
    }

    /**
     * The step within {@link #WINDOW} of {@code at} whose code is {@code code}, if any. Every step of the
     * window is compared, in constant time, whichever matches, so the time taken says nothing about which.
     */
    static OptionalLong matchingStep(byte[] seed, String code, Instant at) {
        if (code == null || code.length() != DIGITS || !code.chars().allMatch(c -> c >= '0' && c <= '9')) return OptionalLong.empty();
        long now = step(at);
        long found = Long.MIN_VALUE;
        byte[] given = code.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (long s = now - WINDOW; s <= now + WINDOW; s++) {
            boolean same = MessageDigest.isEqual(given, code(seed, s).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            if (same && found == Long.MIN_VALUE) found = s;
        }
        return found == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(found);
    }
}
