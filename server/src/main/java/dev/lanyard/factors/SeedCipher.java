package dev.lanyard.factors;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Protects TOTP seeds at rest, which the server must read back to check codes (a hash will not do).
 * With {@code lanyard.factors.seed-key} set, a seed is stored as {@code v1:} + base64(nonce ‖ AES-256-GCM
 * ciphertext), bound to its account id as associated data so a row copied to another account does not
 * decrypt. Without a key a seed is stored as {@code plain:} + base32. Seeds never reach a log.
 */
@Component
class SeedCipher {
    private static final Logger log = LoggerFactory.getLogger(SeedCipher.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    SeedCipher(FactorSettings settings) {
        if (settings.seedKey().isBlank()) {
            key = null;
            log.warn("lanyard.factors.seed-key is not set: two-factor seeds are stored unencrypted in the database");
        } else {
            // FactorSettings refused a key that is not base64 of 32 bytes at start-up.
            byte[] raw = FactorSettings.key(settings.seedKey());
            if (raw == null) throw new IllegalStateException("lanyard.factors.seed-key must be base64 of 32 bytes");
            key = new SecretKeySpec(raw, "AES");
        }
    }

    String seal(byte[] seed, String accountId) {
        if (key == null) return "plain:" + Base32.encode(seed);
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(accountId.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(seed);
            byte[] out = new byte[nonce.length + sealed.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
            return "v1:" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    /** The seed, or {@link FactorProblem.SeedUnreadable} when this server has no key, or another one, for it. */
    byte[] open(String stored, String accountId) {
        if (stored.startsWith("plain:")) return Base32.decode(stored.substring(6)).orElseThrow(FactorProblem.SeedUnreadable::new);
        if (!stored.startsWith("v1:") || key == null) throw new FactorProblem.SeedUnreadable();
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(3));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, 12));
            cipher.updateAAD(accountId.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(in, 12, in.length - 12);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new FactorProblem.SeedUnreadable();
        }
    }
}
