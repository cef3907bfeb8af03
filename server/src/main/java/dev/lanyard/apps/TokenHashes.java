package dev.lanyard.apps;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of tokens, codes and states: the only form of them that reaches the database. A
 * grant read back holds, in place of each token it was not looked up by, a placeholder made of
 * {@link #PLACEHOLDER} and the hash, which saving recognizes and keeps.
 */
final class TokenHashes {
    static final String PLACEHOLDER = "lanyard-hashed:";

    private TokenHashes() {
    }

    /** The hash of a grant's token, or the hash a placeholder holds (a grant read back and saved again keeps its tokens). */
    static String hash(String value) {
        if (value.startsWith(PLACEHOLDER)) return value.substring(PLACEHOLDER.length());
        return digest(value);
    }

    /**
     * The SHA-256 of {@code value}, whatever it is: for a value presented from outside (a client
     * secret), where the placeholder's pass-through would let the stored hash stand for the secret.
     */
    static String digest(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String placeholder(String hash) {
        return PLACEHOLDER + hash;
    }
}
