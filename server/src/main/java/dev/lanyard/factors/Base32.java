package dev.lanyard.factors;

import java.io.ByteArrayOutputStream;
import java.util.Optional;

/** RFC 4648 base32 without padding: how authenticator apps take a TOTP seed. */
final class Base32 {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private Base32() {
    }

    static String encode(byte[] data) {
        StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) out.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
        return out.toString();
    }

    /** Decodes, ignoring case, spaces and padding; empty when a character is not base32. */
    static Optional<byte[]> decode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : text.toCharArray()) {
            if (c == ' ' || c == '=') continue;
            int value = ALPHABET.indexOf(Character.toUpperCase(c));
            if (value < 0) return Optional.empty();
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return Optional.of(out.toByteArray());
    }

    /** Groups of four characters, easier to read and type: "JBSW Y3DP EHPK 3PXP". */
    static String grouped(String encoded) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < encoded.length(); i += 4) {
            if (i > 0) out.append(' ');
            out.append(encoded, i, Math.min(encoded.length(), i + 4));
        }
        return out.toString();
    }
}
