package dev.lanyard.session;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.ToIntBiFunction;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Device-bound sessions (PRODUCT.md V6, Device Bound Session Credentials; docs/decisions/0050). A browser
 * that supports them answers a sign-in's {@code Secure-Session-Registration} header by making a key that
 * never leaves the device and registering it with a proof ({@link DeviceProof}); from then on the session's
 * cookie is replaced every {@link #COOKIE_LIFETIME} by a refresh only that key can sign, and the session
 * refuses a cookie older than that. A cookie copied off the device stops working within minutes, and a
 * refresh needs the key. Sessions of browsers without support stay as they are.
 */
@Service
class DeviceBindings {
    static final String REGISTER_PATH = "/dbsc/register";
    static final String REFRESH_PATH = "/dbsc/refresh";
    /** How long a bound session's cookie lives in the browser, which renews it when it is gone. */
    static final Duration COOKIE_LIFETIME = Duration.ofMinutes(10);
    /** How much longer Lanyard accepts it: a browser whose clock runs a little behind is not signed out. */
    static final Duration CLOCK_GRACE = Duration.ofMinutes(1);
    /** How long a refresh challenge can be answered. */
    static final Duration CHALLENGE_LIFETIME = Duration.ofMinutes(5);
    /** How far ahead of this node's clock a challenge made by another node may be: their clocks differ a little. */
    static final Duration NODE_SKEW = Duration.ofSeconds(5);
    /**
     * How long after its sign-in a session can be bound. A browser registers as soon as the sign-in's answer
     * asks it to; later, only someone else holding a copy of the cookie would, to take the session over.
     */
    static final Duration REGISTRATION_WINDOW = Duration.ofMinutes(5);

    private final DeviceBindingStore bindings;
    private final TimelineStore timeline;
    private final SessionBroadcast broadcast;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final boolean enabled;
    /** What challenges for no active bound session are made with: this node's, never stored, never answerable. */
    private final byte[] decoySecret = randomBytes(32);
    private static final String NOT_SIGNED = "The proof is not signed with the key this session is bound to.";

    DeviceBindings(DeviceBindingStore bindings, TimelineStore timeline, SessionBroadcast broadcast,
                   TransactionTemplate transactions, Clock clock,
                   DeviceBindingSetting setting) {
        this.bindings = bindings;
        this.timeline = timeline;
        this.broadcast = broadcast;
        this.transactions = transactions;
        this.clock = clock;
        this.enabled = setting.enabled();
    }

    /** What a registration or refresh came to. */
    sealed interface Outcome {
        /** Bound or refreshed: the session's new token. */
        record Bound(SessionId session, String token) implements Outcome {
        }

        /** The refresh must answer this challenge first. */
        record Challenge(SessionId session, String challenge) implements Outcome {
        }

        /** The session has ended, or was never bound: the browser should stop refreshing it. */
        record Over() implements Outcome {
        }

        /** Refused, and why (for the response; the session stays as it was). */
        record Refused(String why) implements Outcome {
        }
    }

    boolean enabled() {
        return enabled;
    }

    /** The {@code Secure-Session-Registration} header a browser sign-in answers with, Lanyard served at {@code contextPath}. */
    String registrationHeader(String contextPath) {
        return "(ES256 RS256);path=\"" + contextPath + REGISTER_PATH + "\"";
    }

    /** Binds the signed-in browser session {@code current} to the key of {@code proof}, and gives it a new token. */
    Outcome register(CurrentSession current, String proof) {
        if (!enabled) return new Outcome.Refused("Device-bound sessions are turned off.");
        if (current.apiKey()) return new Outcome.Refused("An API key cannot be bound to a device.");
        Instant now = clock.instant();
        Optional<DeviceProof.BoundKey> key = DeviceProof.registration(proof, now);
        if (key.isEmpty()) return new Outcome.Refused("The Secure-Session-Response header is not a proof signed by the key it names.");
        String secret = SessionToken.generate();
        Instant signedInSince = now.minus(REGISTRATION_WINDOW);
        return withNewToken(current.id(), now, (hash, until) -> {
            int bound = bindings.bind(current.id(), key.get(), secret, hash, until, now, signedInSince);
            if (bound == 1) timeline.add(current.id(), now, "device-bound", key.get().algorithm());
            return bound;
        }).orElseGet(() -> new Outcome.Refused("This session is already bound to a device, has ended, or was signed in "
                + "more than " + REGISTRATION_WINDOW.toMinutes() + " minutes ago."));
    }

    /**
     * A challenge for the bound session {@code sessionId}'s next refresh, or {@link Outcome.Over} if it has
     * none to make. A challenge is the time it was made and a MAC of that time and the session under the
     * binding's secret: giving one writes nothing, so however many are asked for, none displaces another.
     */
    Outcome challenge(String sessionId) {
        if (!plausible(sessionId)) return new Outcome.Refused(NOT_SIGNED);
        Optional<DeviceBindingStore.Binding> binding = activeBinding(sessionId);
        if (binding.isPresent()) return challenge(binding.get());
        // Ended, unbound or unknown: a challenge all the same, which nothing can answer, so that whoever knows a
        // session's id cannot tell whether it is bound and active. The browser of an ended one learns it with its proof.
        long at = clock.millis();
        SessionId id = new SessionId(sessionId.strip());
        return new Outcome.Challenge(id, at + "." + mac(decoySecret, id, at));
    }

    private Outcome.Challenge challenge(DeviceBindingStore.Binding binding) {
        long at = clock.millis();
        return new Outcome.Challenge(binding.session(), at + "." + mac(binding, at));
    }

    /**
     * Renews the bound session's token if {@code proof} is signed with its key and answers a challenge it
     * was given within {@link #CHALLENGE_LIFETIME}, later than the last one it answered. A proof signed with
     * the key that answers a challenge past its time, answered already or not this session's gets a fresh
     * challenge, as the protocol says: a browser signs the last challenge it was given first (it keeps it
     * from the refresh before, ten minutes ago) and asks again only when told to.
     */
    Outcome refresh(String sessionId, String proof) {
        if (!plausible(sessionId)) return new Outcome.Refused(NOT_SIGNED);
        Optional<DeviceBindingStore.Binding> binding = activeBinding(sessionId);
        if (binding.isEmpty()) {
            // Only the device holding an ended session's key is told it is over; anyone else is refused as a wrong
            // key is, whether the session is unknown, unbound or ended.
            boolean owner = bindings.find(new SessionId(sessionId.strip()))
                    .flatMap(ended -> DeviceProof.answer(proof, ended.key())).isPresent();
            return owner ? new Outcome.Over() : new Outcome.Refused(NOT_SIGNED);
        }
        Optional<String> answered = DeviceProof.answer(proof, binding.get().key());
        if (answered.isEmpty()) return new Outcome.Refused(NOT_SIGNED);
        Instant now = clock.instant();
        OptionalLong challengedAt = challengedAt(binding.get(), answered.get(), now);
        if (challengedAt.isEmpty() || challengedAt.getAsLong() <= binding.get().lastAnswered()) return challenge(binding.get());
        SessionId id = binding.get().session();
        return withNewToken(id, now, (hash, until) -> bindings.refresh(id, challengedAt.getAsLong(), hash, until, now))
                .orElseGet(() -> activeBinding(sessionId).<Outcome>map(this::challenge).orElseGet(Outcome.Over::new));
    }

    /**
     * Gives the session a new token by {@code change} (which gets the token's hash and the end of its
     * acceptance, and returns 1 if it changed the session), in one transaction; the caches of every node drop
     * the old token after the commit. Empty if {@code change} changed nothing.
     */
    private Optional<Outcome> withNewToken(SessionId id, Instant now, ToIntBiFunction<String, Instant> change) {
        String token = SessionToken.generate();
        Instant until = now.plus(COOKIE_LIFETIME).plus(CLOCK_GRACE);
        Boolean changed = transactions.execute(tx -> {
            if (change.applyAsInt(SessionToken.hash(token), until) != 1) {
                tx.setRollbackOnly();
                return false;
            }
            broadcast.changed(List.of(id));
            return true;
        });
        return Boolean.TRUE.equals(changed) ? Optional.of(new Outcome.Bound(id, token)) : Optional.empty();
    }

    /** When the challenge was made, if it is one of this binding's, made at most {@link #CHALLENGE_LIFETIME} ago. */
    private static OptionalLong challengedAt(DeviceBindingStore.Binding binding, String challenge, Instant now) {
        int dot = challenge.indexOf('.');
        if (dot < 1 || dot > 19) return OptionalLong.empty();
        long at;
        try {
            at = Long.parseLong(challenge.substring(0, dot));
        } catch (NumberFormatException notOurs) {
            return OptionalLong.empty();
        }
        byte[] expected = mac(binding, at).getBytes(StandardCharsets.US_ASCII);
        byte[] given = challenge.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given)) return OptionalLong.empty();
        Instant made = Instant.ofEpochMilli(at);
        if (made.isAfter(now.plus(NODE_SKEW)) || made.plus(CHALLENGE_LIFETIME).isBefore(now)) return OptionalLong.empty();
        return OptionalLong.of(at);
    }

    private static String mac(DeviceBindingStore.Binding binding, long at) {
        return mac(Base64.getUrlDecoder().decode(binding.secret()), binding.session(), at);
    }

    private static String mac(byte[] secret, SessionId session, long at) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] tag = mac.doFinal((session.value() + "|" + at).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    }

    /** The binding of an active session, from the id a browser sent. */
    private Optional<DeviceBindingStore.Binding> activeBinding(String sessionId) {
        if (!plausible(sessionId)) return Optional.empty();
        return bindings.findActive(new SessionId(sessionId.strip()));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new java.security.SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static boolean plausible(String sessionId) {
        // Echoed in the challenge header's id="...": visible ASCII, no quote or backslash.
        return sessionId != null && !sessionId.isBlank() && sessionId.strip().length() <= 64
                && sessionId.strip().chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\');
    }
}
