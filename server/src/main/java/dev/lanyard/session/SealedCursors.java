package dev.lanyard.session;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import dev.lanyard.account.AccountId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The session lists' page cursors as they leave the server: sealed, so that no one reads the session ids they hold (the
 * last session of the page, the one listed first). An admin reading a member's sessions sees no session id of theirs
 * (decision 14), and an outside review read every one from the cursors, a page of one session at a time. The owner's
 * own cursors are sealed the same way: one rule for every session list.
 *
 * <p>A sealed cursor is base64url of a random nonce and the AES-256-GCM ciphertext of the cursor's bytes, bound to the
 * account whose list it is. Every node seals with the same key ({@link JdbcSharedKeys}), so a cursor one node hands out
 * reads on any other. A cursor changed by a single bit, or handed out for another member's list, is
 * {@link SessionProblem.InvalidCursor}, as any other bad cursor.
 */
@Component
class SealedCursors {
    private static final Logger log = LoggerFactory.getLogger(SealedCursors.class);
    static final String KEY_NAME = "session-cursors";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE = 12;
    private static final int TAG = 16;
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final JdbcSharedKeys keys;
    private volatile SecretKeySpec key;

    SealedCursors(JdbcSharedKeys keys) {
        this.keys = keys;
    }

    /**
     * Reads the key at start, outside any transaction: made inside one that then rolled back, it would be this node's
     * alone. A failure does not stop the start: the first list read tries again.
     */
    @EventListener(ApplicationReadyEvent.class)
    void readKeyAtStart() {
        try {
            key();
        } catch (RuntimeException e) {
            log.warn("Could not read the key of session cursors at start; the first list that needs it reads it: {}", e.toString());
        }
    }

    /** {@code cursor} (as {@link Cursors#encode} writes it) sealed for the list of {@code owner}'s sessions. */
    String seal(String cursor, AccountId owner) {
        byte[] plain = Base64.getUrlDecoder().decode(cursor);
        byte[] out = new byte[NONCE + plain.length + TAG];
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, 0, NONCE);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, owner);
            cipher.doFinal(plain, 0, plain.length, out, NONCE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
        return ENCODER.encodeToString(out);
    }

    /**
     * The cursor {@link #seal} sealed for {@code owner}'s list, as {@link Cursors#encode} wrote it.
     *
     * @throws SessionProblem.InvalidCursor for a value it did not seal for that list
     */
    String open(String sealed, AccountId owner) {
        if (sealed.length() > Cursors.MAX_LENGTH || !BASE64URL.matcher(sealed).matches()) throw new SessionProblem.InvalidCursor();
        byte[] in;
        try {
            in = Base64.getUrlDecoder().decode(sealed);
        } catch (IllegalArgumentException e) {
            throw new SessionProblem.InvalidCursor();
        }
        // One spelling, as Cursors reads: the decoder ignores the unused low bits of the last character.
        if (in.length <= NONCE + TAG || !ENCODER.encodeToString(in).equals(sealed)) throw new SessionProblem.InvalidCursor();
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(in, NONCE), owner);
            return ENCODER.encodeToString(cipher.doFinal(in, NONCE, in.length - NONCE));
        } catch (GeneralSecurityException e) {
            // AEADBadTagException: changed, sealed for another list, or by another server's key.
            throw new SessionProblem.InvalidCursor();
        }
    }

    private Cipher cipher(int mode, byte[] nonce, AccountId owner) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key(), new GCMParameterSpec(TAG * 8, nonce));
        cipher.updateAAD(owner.value().getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    private SecretKeySpec key() {
        SecretKeySpec read = key;
        if (read != null) return read;
        synchronized (this) {
            if (key == null) key = new SecretKeySpec(keys.key(KEY_NAME), "AES");
            return key;
        }
    }
}
