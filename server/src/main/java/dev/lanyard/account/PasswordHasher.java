package dev.lanyard.account;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.LinkedHashMap;
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

    /**
     * The password as it is hashed and its rules are checked: in Unicode's NFKC form, as NIST SP 800-63B asks of a
     * Unicode password before it is hashed. One password typed on two keyboards is then one password: "é" sent composed
     * or as "e" and a combining accent (as some macOS and iOS apps send it), full-width "Ａ" and "１" from a CJK input
     * method as "A" and "1", a no-break space (Option-Space on a Mac) as a space, "ﬁ" pasted from a PDF as "fi". NFKC
     * rather than NFC because NIST names it, because it folds those keyboard differences too, and because a guessable
     * password typed in full-width ("ｐａｓｓｗｏｒｄ…") is then refused as the plain one is; what it folds ("²" as "2")
     * takes next to nothing from a password. Composed rather than decomposed (NFKD) so that most passwords hashed before
     * normalizing, typed composed, are unchanged by it and still match at once, and so that the length rules count an
     * "é" as one character, as the person sees it.
     */
    static String normalized(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFKC);
    }

    /** The hash of {@code password}, {@linkplain #normalized normalized}. */
    String hash(String password) {
        String normalized = normalized(password);
        return limited(() -> encoder.encode(normalized));
    }

    /** Whether {@code hash} is the hash of {@code password}, {@linkplain #normalized normalized}, as {@link #hash} makes it. */
    boolean matches(String password, String hash) {
        return matchesExactly(normalized(password), hash);
    }

    private boolean matchesExactly(String password, String hash) {
        return limited(() -> encoder.matches(password, hash));
    }

    /** Spends the same work as {@link #matches} for an account that does not exist. */
    void matchDecoy(String password) {
        matchesExactly(normalized(password), decoy);
    }

    /**
     * How a password matched a stored hash: not at all, {@linkplain #normalized normalized} (as every hash is made now), or
     * only in a form a hash was once made of: as typed, before passwords were normalized; as the pages once misread it; or
     * decomposed (NFD), as it was typed before passwords were normalized by someone whose keyboard sent it decomposed then.
     */
    enum Match {
        NONE, EXACT, UNNORMALIZED, MISREAD, DECOMPOSED;

        boolean ok() {
            return this != NONE;
        }

        /** The stored hash is of an older form of the password: it is stored again, normalized, once the password is right. */
        boolean storedInAnOlderForm() {
            return this == UNNORMALIZED || this == MISREAD || this == DECOMPOSED;
        }
    }

    /**
     * Checks a password against a stored hash, {@linkplain #normalized normalized}, and then in each form a hash was once
     * made of, where it differs: as typed (hashes made before passwords were normalized), as the pages read it before
     * they read forms as UTF-8 (docs/decisions/0055: a password with a non-ASCII character set on a page then was hashed
     * as its UTF-8 bytes taken for ISO-8859-1, "ä" as "Ã¤"), and decomposed (NFD: a password set before it was
     * normalized from a keyboard that sent "e" and a combining accent, as some macOS apps do, and typed composed now, "é",
     * matches none of the other forms). A match in an older form is {@link Match#UNNORMALIZED}, {@link Match#MISREAD} or
     * {@link Match#DECOMPOSED}, and the caller stores the password again, normalized. A wrong password costs one hash for
     * each of its {@link #forms}: one for ASCII, up to four for other text.
     */
    Match check(String password, String hash) {
        for (Map.Entry<String, Match> form : forms(password).entrySet()) {
            if (matchesExactly(form.getKey(), hash)) return form.getValue();
        }
        return Match.NONE;
    }

    /**
     * Spends the same work as {@link #check} of a wrong password, for an account that does not exist: one hash for each of
     * the password's {@link #forms}, which depend on nothing but the password typed.
     */
    void checkDecoy(String password) {
        forms(password).keySet().forEach(form -> matchesExactly(form, decoy));
    }

    /**
     * Each distinct form of {@code password} that {@link #check} tries, in order, with what a match in it means. They
     * depend on nothing but the password typed, so {@link #checkDecoy} hashes as many as a wrong password costs.
     */
    private static Map<String, Match> forms(String password) {
        Map<String, Match> forms = new LinkedHashMap<>();
        forms.put(normalized(password), Match.EXACT);
        forms.putIfAbsent(password, Match.UNNORMALIZED);
        misread(password).ifPresent(misread -> forms.putIfAbsent(misread, Match.MISREAD));
        forms.putIfAbsent(Normalizer.normalize(password, Normalizer.Form.NFD), Match.DECOMPOSED);
        return forms;
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
