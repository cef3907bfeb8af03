package dev.lanyard.account;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;

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
 * exhaust memory or starve request threads, so at most one hash per core runs at a time, each on one
 * of this hasher's own threads (one per core). The native library takes its 19 MiB from the C heap
 * of the thread that hashes, and the C library keeps what a thread freed for that thread's next
 * allocation: hashed on whichever request thread served the sign-in, every request thread ended up
 * holding 19–50 MiB it never used again (≈ 150 MiB of resident memory after 20 sign-ins); on its
 * own threads the same memory is reused by every hash.
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
    private final AtomicInteger threadCount = new AtomicInteger();
    /** One thread per core, first come first served (the queue is unbounded, as callers waiting on a lock were). */
    private final ExecutorService threads = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), runnable -> {
        Thread thread = new Thread(runnable, "lanyard-password-hash-" + threadCount.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });
    /** Compared against when the account does not exist, so both paths cost one hash. */
    private final String decoy;

    PasswordHasher() {
        this(NativeArgon2Encoder.load(SALT_LENGTH, HASH_LENGTH, PARALLELISM, MEMORY_KIB, ITERATIONS)
                .orElseGet(PasswordHasher::pureJava));
    }

    /** Hashes with {@code argon2}, which must be Argon2id at this class's parameters. */
    PasswordHasher(PasswordEncoder argon2) {
        this.encoder = new DelegatingPasswordEncoder(ID, Map.of(ID, argon2));
        this.decoy = limited(() -> encoder.encode("decoy password that matches nothing"));
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

    /** How a password matched a stored hash: not at all, as given, or only as the pages once misread it. */
    enum Match {
        NONE, EXACT, MISREAD;

        boolean ok() {
            return this != NONE;
        }
    }

    /**
     * Checks a password against a stored hash, also as the pages read it before they read forms as UTF-8
     * (docs/decisions/0055): a password with a non-ASCII character set on a page then was hashed as its UTF-8 bytes
     * taken for ISO-8859-1 ("ä" as "Ã¤"). Such a password still matches, as {@link Match#MISREAD}, and the caller
     * stores it hashed as typed. A non-ASCII password that matches neither way costs two hashes.
     */
    Match check(String password, String hash) {
        if (matches(password, hash)) return Match.EXACT;
        Optional<String> misread = misread(password);
        return misread.isPresent() && matches(misread.get(), hash) ? Match.MISREAD : Match.NONE;
    }

    /** Spends the same work as {@link #check} of a wrong password, for an account that does not exist. */
    void checkDecoy(String password) {
        matchDecoy(password);
        misread(password).ifPresent(this::matchDecoy);
    }

    /** The password as a page read it before forms were read as UTF-8, when that differs: only with non-ASCII characters. */
    static Optional<String> misread(String password) {
        String misread = new String(password.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        return misread.equals(password) ? Optional.empty() : Optional.of(misread);
    }

    /** Runs on one of the hasher's threads and waits for it, uninterruptibly as before (a sign-in's hash always finishes). */
    private <T> T limited(Supplier<T> work) {
        Future<T> result = threads.submit(work::get);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException failure) throw failure;
                    if (e.getCause() instanceof Error error) throw error;
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void stop() {
        threads.shutdownNow();
    }
}
