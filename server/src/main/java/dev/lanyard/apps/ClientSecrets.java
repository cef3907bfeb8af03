package dev.lanyard.apps;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import dev.lanyard.account.Ids;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Confidential apps' secrets: {@code lcs_} and 32 random bytes, kept as a SHA-256 hash (a secret
 * of that strength needs no slow hash), compared in constant time.
 */
final class ClientSecrets implements PasswordEncoder {
    static final String PREFIX = "{sha256}";

    static String generate() {
        return Ids.random("lcs_", 32);
    }

    @Override
    public String encode(CharSequence raw) {
        return PREFIX + TokenHashes.digest(raw.toString());
    }

    @Override
    public boolean matches(CharSequence raw, String encoded) {
        if (raw == null || encoded == null || !encoded.startsWith(PREFIX)) return false;
        // Always hashed: TokenHashes.hash would take "lanyard-hashed:" and the stored hash for the secret (outside review).
        byte[] presented = TokenHashes.digest(raw.toString()).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(presented, encoded.substring(PREFIX.length()).getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public boolean upgradeEncoding(String encoded) {
        return false;
    }
}
