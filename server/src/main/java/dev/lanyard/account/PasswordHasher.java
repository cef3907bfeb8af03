package dev.lanyard.account;

import java.util.Map;
import java.util.concurrent.Semaphore;

import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Argon2id at OWASP's parameters (19 MiB, t=2, p=1) behind a {@link DelegatingPasswordEncoder},
 * so a later change of parameters or algorithm can upgrade hashes on sign-in. The native libargon2
 * ({@link NativeArgon2Encoder}) computes it where it loads, else Bouncy Castle's pure-Java Argon2; both
 * write and read the same strings.
 *
 * <p>Each hash takes ~19 MiB and a core for tens of milliseconds; a burst of sign-ins must not
 * exhaust memory or starve request threads, so at most one hash per core runs at a time.
 */
@Component
class PasswordHasher {
    private static final String ID = "argon2";
    static final int SALT_LENGTH = 16;
    static final int HASH_LENGTH = 32;
    static final int PARALLELISM = 1;
    static final int MEMORY_KIB = 19 * 1024;
    static final int ITERATIONS = 2;

    private final PasswordEncoder encoder;
    private final Semaphore permits = new Semaphore(Runtime.getRuntime().availableProcessors(), true);
    /** Compared against when the account does not exist, so both paths cost one hash. */
    private final String decoy;

    PasswordHasher() {
        this(NativeArgon2Encoder.load(SALT_LENGTH, HASH_LENGTH, PARALLELISM, MEMORY_KIB, ITERATIONS)
                .orElseGet(PasswordHasher::pureJava));
    }

    /** Hashes with {@code argon2}, which must be Argon2id at this class's parameters. */
    PasswordHasher(PasswordEncoder argon2) {
        this.encoder = new DelegatingPasswordEncoder(ID, Map.of(ID, argon2));
        this.decoy = encoder.encode("decoy password that matches nothing");
    }

    /** Bouncy Castle's Argon2id at the same parameters. */
    static PasswordEncoder pureJava() {
        return new Argon2PasswordEncoder(SALT_LENGTH, HASH_LENGTH, PARALLELISM, MEMORY_KIB, ITERATIONS);
    }

    String hash(String password) {
        return limited(() -> encoder.encode(password));
    }

    boolean matches(String password, String hash) {
        return limited(() -> encoder.matches(password, hash));
    }

    /** Spends the same work as {@link #matches} for an account that does not exist. */
    void matchDecoy(String password) {
        limited(() -> encoder.matches(password, decoy));
    }

    private <T> T limited(java.util.function.Supplier<T> work) {
        permits.acquireUninterruptibly();
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }
}
