package dev.lanyard.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;

import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import de.mkammerer.argon2.Argon2Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Argon2id through the native libargon2 that argon2-jvm bundles (about 1.5–4 times faster than Bouncy
 * Castle's pure-Java Argon2 on the same parameters), writing and reading exactly the PHC string that
 * Spring's {@link Argon2PasswordEncoder} writes ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}, unpadded
 * Base64), so hashes made by either verify with the other. Anything it does not compute itself (another
 * Argon2 variant or version) is handed to the pure-Java encoder. The final comparison takes the same
 * time wherever the bytes differ.
 */
final class NativeArgon2Encoder implements PasswordEncoder {
    private static final Logger log = LoggerFactory.getLogger(NativeArgon2Encoder.class);
    private static final String PREFIX = "$argon2id$v=19$";

    private final Argon2Advanced argon2;
    private final Argon2PasswordEncoder java;
    private final int saltLength;
    private final int hashLength;
    private final int parallelism;
    private final int memoryKib;
    private final int iterations;
    private final SecureRandom random = new SecureRandom();

    private NativeArgon2Encoder(Argon2Advanced argon2, int saltLength, int hashLength, int parallelism, int memoryKib, int iterations) {
        this.argon2 = argon2;
        this.java = new Argon2PasswordEncoder(saltLength, hashLength, parallelism, memoryKib, iterations);
        this.saltLength = saltLength;
        this.hashLength = hashLength;
        this.parallelism = parallelism;
        this.memoryKib = memoryKib;
        this.iterations = iterations;
    }

    /**
     * The native encoder if libargon2 loads on this machine and computes a known answer, else empty
     * (one log line says why; the caller falls back to Bouncy Castle).
     */
    static Optional<PasswordEncoder> load(int saltLength, int hashLength, int parallelism, int memoryKib, int iterations) {
        return load(() -> Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id), saltLength, hashLength, parallelism,
                memoryKib, iterations);
    }

    static Optional<PasswordEncoder> load(Supplier<Argon2Advanced> library, int saltLength, int hashLength, int parallelism,
                                          int memoryKib, int iterations) {
        try {
            var encoder = new NativeArgon2Encoder(library.get(), saltLength, hashLength, parallelism, memoryKib, iterations);
            // A known answer from the pure-Java implementation, on small parameters: the library loads and agrees.
            String probe = new Argon2PasswordEncoder(8, 16, 1, 8, 1).encode("self-check");
            if (!encoder.matches("self-check", probe)) throw new IllegalStateException("native Argon2 disagrees with Bouncy Castle");
            return Optional.of(encoder);
        } catch (LinkageError | RuntimeException unavailable) {
            log.warn("Native Argon2 is not available here ({}); hashing passwords with the slower pure-Java Argon2.",
                    unavailable.toString());
            return Optional.empty();
        }
    }

    @Override
    public String encode(CharSequence rawPassword) {
        byte[] salt = new byte[saltLength];
        random.nextBytes(salt);
        byte[] hash = hash(rawPassword, salt, iterations, memoryKib, parallelism, hashLength);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + "m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(hash);
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encoded) {
        if (encoded == null) return false;
        Optional<Phc> phc = Phc.parse(encoded);
        if (phc.isEmpty()) return !encoded.startsWith(PREFIX) && javaMatches(rawPassword, encoded);
        Phc p = phc.get();
        byte[] actual = hash(rawPassword, p.salt(), p.iterations(), p.memoryKib(), p.parallelism(), p.hash().length);
        return MessageDigest.isEqual(actual, p.hash());
    }

    /** Another Argon2 variant or version; a damaged one is a mismatch, not an error. */
    private boolean javaMatches(CharSequence rawPassword, String encoded) {
        try {
            return java.matches(rawPassword, encoded);
        } catch (RuntimeException damaged) {
            return false;
        }
    }

    @Override
    public boolean upgradeEncoding(String encoded) {
        return java.upgradeEncoding(encoded);
    }

    private byte[] hash(CharSequence rawPassword, byte[] salt, int t, int m, int p, int length) {
        byte[] password = rawPassword.toString().getBytes(StandardCharsets.UTF_8);
        return argon2.rawHashAdvanced(t, m, p, password, salt, null, null, length, Argon2Version.V13);
    }

    /** The parts of an Argon2id v19 PHC string; anything else is not parsed here. */
    record Phc(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {
        static Optional<Phc> parse(String encoded) {
            if (!encoded.startsWith(PREFIX)) return Optional.empty();
            String[] parts = encoded.substring(PREFIX.length()).split("\\$", -1);
            if (parts.length != 3) return Optional.empty();
            int m = -1, t = -1, p = -1;
            try {
                for (String param : parts[0].split(",")) {
                    String[] kv = param.split("=", 2);
                    if (kv.length != 2) return Optional.empty();
                    int value = Integer.parseInt(kv[1]);
                    switch (kv[0]) {
                        case "m" -> m = value;
                        case "t" -> t = value;
                        case "p" -> p = value;
                        default -> {
                            return Optional.empty();
                        }
                    }
                }
                Base64.Decoder b64 = Base64.getDecoder();
                byte[] salt = b64.decode(parts[1]);
                byte[] hash = b64.decode(parts[2]);
                // Bounds keep a corrupt row from asking for gigabytes or a hash libargon2 refuses.
                if (m < 8 * p || m > 4 * 1024 * 1024 || t < 1 || t > 100 || p < 1 || p > 64 || salt.length < 8 || hash.length < 4)
                    return Optional.empty();
                return Optional.of(new Phc(m, t, p, salt, hash));
            } catch (IllegalArgumentException malformed) {
                return Optional.empty();
            }
        }
    }
}
