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

    static String hash(String value) {
        if (value.startsWith(PLACEHOLDER)) return value.substring(PLACEHOLDER.length());
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
