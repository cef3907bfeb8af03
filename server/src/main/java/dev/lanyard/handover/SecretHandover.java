package dev.lanyard.handover;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import dev.lanyard.geo.BrowserCookie;
import dev.lanyard.geo.ExternalOrigins;
import dev.lanyard.session.SessionId;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Carries a secret (a new API key's, a member's new recovery codes) from the POST that makes it to the one page
 * that shows it, so that the POST can answer with a redirect (a reload then makes nothing new) without the secret
 * ever being in a URL, a log, or Lanyard's database in a form it can read. There is no HttpSession, and any node
 * may take the next request: the secret is sealed (AES-256-GCM) under a fresh key, the sealed secret is a database
 * row under a reveal id (in the page's URL, no secret) tied to the browser session that made it, and the fresh key
 * goes to that browser only, in a cookie (HttpOnly, SameSite=Strict, Secure with the {@code __Host-} prefix on
 * HTTPS) named after the reveal. Showing the page deletes the row, so the secret is shown once; an unshown one is
 * deleted after {@link #LIFETIME}, by the next secret held or the sweep every few minutes, whichever comes first.
 */
@Component
public class SecretHandover {
    public static final Duration LIFETIME = Duration.ofMinutes(5);
    public static final String COOKIE = "lanyard_reveal_";
    /** What a reveal id may be: it names a cookie and sits in a path. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final RevealStore store;
    private final ExternalOrigins origins;
    private final Clock clock;

    SecretHandover(RevealStore store, ExternalOrigins origins, Clock clock) {
        this.store = store;
        this.origins = origins;
        this.clock = clock;
    }

    /** A new reveal id that no other can collide with: {@code prefix} and 128 random bits ({@code rc_…}). */
    public static String newId(String prefix) {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return prefix + BASE64URL.encodeToString(random);
    }

    /** Deletes the sealed secrets no page took in time. */
    @Scheduled(fixedDelayString = "PT5M", initialDelayString = "PT5M")
    void sweep() {
        store.deleteExpired(clock.instant());
    }

    /**
     * Keeps {@code secret} under the reveal {@code id} (unique: an API key's id, or {@link #newId}) for the page of
     * {@code viewer}'s browser; sets the cookie that opens it. Inside the caller's transaction, if there is one: a
     * secret that could not be kept is not made either.
     */
    @Transactional
    public void hold(SessionId viewer, String id, String secret, HttpServletRequest request, HttpServletResponse response) {
        if (!ID.matcher(id).matches()) throw new IllegalArgumentException("A reveal id names a cookie: " + id);
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        store.insert(new RevealStore.Reveal(id, viewer.value(), seal(key, id, secret), clock.instant().plus(LIFETIME)), clock.instant());
        cookie(id).write(request, response, BASE64URL.encodeToString(key), LIFETIME);
    }

    /**
     * The secret held under {@code id}, once: for the browser session that made it, with its cookie, within
     * {@link #LIFETIME}. Clears the cookie. Empty when it was shown already, expired or is not this browser's.
     */
    @Transactional
    public Optional<String> take(SessionId viewer, String id, HttpServletRequest request, HttpServletResponse response) {
        if (!ID.matcher(id).matches()) return Optional.empty();
        Optional<byte[]> key = cookieKey(request, id);
        if (key.isEmpty()) return Optional.empty();
        cookie(id).clear(request, response);
        return store.take(id, viewer.value(), clock.instant()).flatMap(r -> open(key.get(), id, r.sealed()));
    }

    private Optional<byte[]> cookieKey(HttpServletRequest request, String id) {
        return cookie(id).read(request).flatMap(value -> {
            try {
                byte[] key = Base64.getUrlDecoder().decode(value);
                return key.length == 32 ? Optional.of(key) : Optional.empty();
            } catch (IllegalArgumentException malformed) {
                return Optional.empty(); // not a key of ours: as if there were no cookie
            }
        });
    }

    /** The cookie that holds the key to {@code id}'s sealed secret: Strict, so no other site's link carries it. */
    private BrowserCookie cookie(String id) {
        return new BrowserCookie(COOKIE + id, "Strict", origins);
    }

    /** base64(nonce ‖ ciphertext), bound to the reveal id as associated data. */
    private static String seal(byte[] key, String id, String secret) {
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(id.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[nonce.length + sealed.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    /** The secret, or empty when the cookie's key is not the one it was sealed with. */
    private static Optional<String> open(byte[] key, String id, String sealed) {
        try {
            byte[] in = Base64.getDecoder().decode(sealed);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, in, 0, 12));
            cipher.updateAAD(id.getBytes(StandardCharsets.UTF_8));
            return Optional.of(new String(cipher.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
