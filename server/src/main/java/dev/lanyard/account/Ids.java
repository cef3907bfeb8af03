package dev.lanyard.account;

import java.security.SecureRandom;
import java.util.Base64;

/** Random, URL-safe identifiers with a readable prefix ("acc_…", "team_…"). */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** {@code bytes} random bytes, base64url without padding, after {@code prefix}. */
    public static String random(String prefix, int bytes) {
        byte[] buffer = new byte[bytes];
        RANDOM.nextBytes(buffer);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(buffer);
    }
}
