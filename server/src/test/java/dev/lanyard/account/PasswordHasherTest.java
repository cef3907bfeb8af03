package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Native and pure-Java Argon2id: one string format, each verifying the other's hashes. */
class PasswordHasherTest {
    private static final String PASSWORD = "correct horse battery staple";
    /** Written by Bouncy Castle through Spring's Argon2PasswordEncoder before the native encoder existed. */
    private static final String OLD_HASH = "$argon2id$v=19$m=19456,t=2,p=1$5dD481XvkyRSOMJM4NfWXA$Dg9W9VkzExxa3O/S++JNiWubL8mr7s+GzUCyb3/Gwio";

    private final PasswordEncoder java = PasswordHasher.pureJava();
    private final PasswordEncoder nativeArgon2 = NativeArgon2Encoder.load(PasswordHasher.SALT_LENGTH, PasswordHasher.HASH_LENGTH,
            PasswordHasher.PARALLELISM, PasswordHasher.MEMORY_KIB, PasswordHasher.ITERATIONS).orElseThrow();

    @Test
    void theNativeEncoderWritesTheSameStringFormatAsThePureJavaOne() {
        String fromNative = nativeArgon2.encode(PASSWORD);
        String fromJava = java.encode(PASSWORD);

        assertThat(fromNative).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").hasSameSizeAs(fromJava);
        assertThat(fromNative.split("\\$")).hasSameSizeAs(fromJava.split("\\$"));
        assertThat(nativeArgon2.encode(PASSWORD)).as("a new salt each time").isNotEqualTo(fromNative);
    }

    @Test
    void hashesOfEitherImplementationVerifyWithTheOther() {
        String fromNative = nativeArgon2.encode(PASSWORD);
        String fromJava = java.encode(PASSWORD);

        assertThat(java.matches(PASSWORD, fromNative)).isTrue();
        assertThat(nativeArgon2.matches(PASSWORD, fromJava)).isTrue();
        assertThat(java.matches("wrong " + PASSWORD, fromNative)).isFalse();
        assertThat(nativeArgon2.matches("wrong " + PASSWORD, fromJava)).isFalse();
    }

    @Test
    void aHashStoredBeforeTheNativeEncoderStillVerifies() {
        assertThat(nativeArgon2.matches(PASSWORD, OLD_HASH)).isTrue();
        assertThat(nativeArgon2.matches(PASSWORD + " ", OLD_HASH)).isFalse();

        PasswordHasher hasher = new PasswordHasher(nativeArgon2);
        assertThat(hasher.matches(PASSWORD, "{argon2}" + OLD_HASH)).isTrue();
        assertThat(new PasswordHasher(java).matches(PASSWORD, "{argon2}" + hasher.hash(PASSWORD))).isTrue();
    }

    @Test
    void passwordsBeyondAsciiHashTheSameWayInBoth() {
        String password = "pässwörd ünïcode 密码 🔑";

        assertThat(java.matches(password, nativeArgon2.encode(password))).isTrue();
        assertThat(nativeArgon2.matches(password, java.encode(password))).isTrue();
    }

    /** "crème-brûlée-façade-été" composed (NFC, as most keyboards send it) and decomposed (NFD, as some macOS apps send it). */
    static final String COMPOSED = "cr\u00e8me-br\u00fbl\u00e9e-fa\u00e7ade-\u00e9t\u00e9";
    static final String DECOMPOSED = Normalizer.normalize(COMPOSED, Normalizer.Form.NFD);

    /** An encoder whose hash of a password is the password itself, and which counts what it is asked to match. */
    private static final class Transparent implements PasswordEncoder {
        final List<String> matched = new ArrayList<>();

        @Override
        public String encode(CharSequence raw) {
            return "hash of " + raw;
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
            matched.add(raw.toString());
            return encoded.equals("hash of " + raw);
        }
    }

    @Test
    void aPasswordIsHashedNormalizedSoEachFormOfItMatches() {
        assertThat(DECOMPOSED).isNotEqualTo(COMPOSED);
        Transparent encoder = new Transparent();
        PasswordHasher hasher = new PasswordHasher(encoder);
        try {
            assertThat(hasher.hash(DECOMPOSED)).isEqualTo("{argon2}hash of " + COMPOSED);
            assertThat(hasher.hash("\uff50\uff41\uff53\uff53\u00a0\ufb01ve")).as("full-width letters, a no-break space, a ligature")
                    .isEqualTo("{argon2}hash of pass five");
            for (String typed : new String[] {COMPOSED, DECOMPOSED}) {
                for (String set : new String[] {COMPOSED, DECOMPOSED}) {
                    assertThat(hasher.check(typed, hasher.hash(set))).as("typed " + typed.length() + ", set " + set.length())
                            .isEqualTo(PasswordHasher.Match.EXACT);
                    assertThat(hasher.matches(typed, hasher.hash(set))).isTrue();
                }
            }
            assertThat(PasswordHasher.normalized("\u00b2")).as("NFKC folds compatibility characters").isEqualTo("2");
        } finally {
            hasher.stop();
        }
    }

    @Test
    void aHashMadeBeforePasswordsWereNormalizedStillMatchesAsTyped() {
        PasswordHasher hasher = new PasswordHasher(new Transparent());
        try {
            String madeFromDecomposed = "{argon2}hash of " + DECOMPOSED;

            assertThat(hasher.check(DECOMPOSED, madeFromDecomposed)).isEqualTo(PasswordHasher.Match.UNNORMALIZED);
            assertThat(hasher.check(DECOMPOSED, madeFromDecomposed).storedInAnOlderForm()).isTrue();
            assertThat(hasher.check(COMPOSED, "{argon2}hash of " + COMPOSED)).as("composed input was already normalized")
                    .isEqualTo(PasswordHasher.Match.EXACT);
            assertThat(hasher.check(DECOMPOSED + "x", madeFromDecomposed)).isEqualTo(PasswordHasher.Match.NONE);
        } finally {
            hasher.stop();
        }
        PasswordHasher argon2 = new PasswordHasher(nativeArgon2);
        try {
            assertThat(argon2.check(DECOMPOSED, "{argon2}" + java.encode(DECOMPOSED))).as("with Argon2 itself")
                    .isEqualTo(PasswordHasher.Match.UNNORMALIZED);
        } finally {
            argon2.stop();
        }
    }

    /**
     * A hash made before passwords were normalized, of a password typed decomposed then ("e" and a combining accent, as
     * some macOS apps send it), matches the password typed composed now, "é", which is neither its normalized form nor
     * the one typed: it is tried decomposed too, and stored again normalized. An ASCII password has no other form to try.
     */
    @Test
    void aHashMadeOfTheDecomposedFormMatchesThePasswordTypedComposed() {
        Transparent encoder = new Transparent();
        PasswordHasher hasher = new PasswordHasher(encoder);
        try {
            String madeFromDecomposed = "{argon2}hash of " + DECOMPOSED;

            PasswordHasher.Match match = hasher.check(COMPOSED, madeFromDecomposed);
            assertThat(match).isEqualTo(PasswordHasher.Match.DECOMPOSED);
            assertThat(match.storedInAnOlderForm()).isTrue();
            assertThat(encoder.matched).as("normalized, as misread, then decomposed")
                    .containsExactly(COMPOSED, PasswordHasher.misread(COMPOSED).orElseThrow(), DECOMPOSED);
            assertThat(hasher.check(COMPOSED + "x", madeFromDecomposed)).isEqualTo(PasswordHasher.Match.NONE);
            encoder.matched.clear();
            assertThat(hasher.check(PASSWORD, "{argon2}hash of " + PASSWORD)).isEqualTo(PasswordHasher.Match.EXACT);
            assertThat(hasher.check("wrong " + PASSWORD, "{argon2}hash of " + PASSWORD)).isEqualTo(PasswordHasher.Match.NONE);
            assertThat(encoder.matched).as("ASCII: one form each").hasSize(2);
        } finally {
            hasher.stop();
        }
        PasswordHasher argon2 = new PasswordHasher(nativeArgon2);
        try {
            assertThat(argon2.check(COMPOSED, "{argon2}" + java.encode(DECOMPOSED))).as("with Argon2 itself")
                    .isEqualTo(PasswordHasher.Match.DECOMPOSED);
        } finally {
            argon2.stop();
        }
    }

    /**
     * Decision 53: a wrong password for an existing email costs what one for an unknown email costs. A password is tried in
     * each of its forms (normalized, as typed, as once misread, decomposed), so the decoy is hashed once for each of those
     * forms too.
     */
    @Test
    void aWrongPasswordAndTheDecoyCostTheSameHashesWhateverFormItIsTypedIn() {
        Transparent encoder = new Transparent();
        PasswordHasher hasher = new PasswordHasher(encoder);
        try {
            String stored = hasher.hash("some other password entirely");
            for (String typed : new String[] {PASSWORD, COMPOSED, DECOMPOSED, "\uff50\uff41\uff53\uff53 five", "p\u00e4ss \u00b2"}) {
                encoder.matched.clear();
                assertThat(hasher.check(typed, stored)).isEqualTo(PasswordHasher.Match.NONE);
                List<String> wrong = List.copyOf(encoder.matched);
                encoder.matched.clear();
                hasher.checkDecoy(typed);
                assertThat(encoder.matched).as(typed).isEqualTo(wrong);
            }
            encoder.matched.clear();
            hasher.checkDecoy(PASSWORD);
            assertThat(encoder.matched).as("ASCII: one hash").hasSize(1);
            encoder.matched.clear();
            hasher.checkDecoy(DECOMPOSED);
            assertThat(encoder.matched).as("decomposed: normalized, as typed (already decomposed), as misread").hasSize(3);
            encoder.matched.clear();
            hasher.checkDecoy(COMPOSED);
            assertThat(encoder.matched).as("composed: already normalized, as misread, and decomposed").hasSize(3);
        } finally {
            hasher.stop();
        }
    }

    @Test
    void withoutTheNativeLibraryTheHasherFallsBackToPureJava() {
        assertThat(NativeArgon2Encoder.load(() -> {
            throw new UnsatisfiedLinkError("Unable to load library 'argon2'");
        }, PasswordHasher.SALT_LENGTH, PasswordHasher.HASH_LENGTH, PasswordHasher.PARALLELISM, PasswordHasher.MEMORY_KIB,
                PasswordHasher.ITERATIONS)).isEmpty();

        PasswordHasher fallback = new PasswordHasher(PasswordHasher.pureJava());
        assertThat(fallback.matches(PASSWORD, "{argon2}" + nativeArgon2.encode(PASSWORD))).isTrue();
    }

    @Test
    void aDamagedStoredHashIsAMismatchNeverAnError() {
        for (String damaged : new String[] {"", "$argon2id$v=19$m=19456,t=2,p=1$", "$argon2id$v=19$m=19456,t=2,p=1$!!!$???",
                "$argon2id$v=19$m=99999999,t=2,p=1$5dD481XvkyRSOMJM4NfWXA$Dg9W9VkzExxa3O/S++JNiWubL8mr7s+GzUCyb3/Gwio",
                "$argon2id$v=19$m=19456,t=0,p=1$5dD481XvkyRSOMJM4NfWXA$Dg9W9VkzExxa3O/S++JNiWubL8mr7s+GzUCyb3/Gwio",
                "$argon2id$v=19$x=1$5dD481XvkyRSOMJM4NfWXA$Dg9W9VkzExxa3O/S++JNiWubL8mr7s+GzUCyb3/Gwio"}) {
            assertThat(nativeArgon2.matches(PASSWORD, damaged)).as(damaged).isFalse();
        }
        assertThat(nativeArgon2.matches(PASSWORD, null)).isFalse();
    }

    @Test
    void hashesRunOnTheHashersOwnThreadsAtMostOnePerCore() throws Exception {
        Set<String> hashingThreads = ConcurrentHashMap.newKeySet();
        PasswordEncoder recording = new PasswordEncoder() {
            @Override
            public String encode(CharSequence raw) {
                hashingThreads.add(Thread.currentThread().getName());
                return "hash of " + raw;
            }

            @Override
            public boolean matches(CharSequence raw, String encoded) {
                hashingThreads.add(Thread.currentThread().getName());
                return encoded.equals("hash of " + raw);
            }
        };
        PasswordHasher hasher = new PasswordHasher(recording);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> callers = new ArrayList<>();
            Set<Boolean> answers = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 12; i++) {
                String password = "password " + i;
                Thread caller = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    answers.add(hasher.matches(password, hasher.hash(password)));
                    hasher.matchDecoy(password);
                });
                caller.start();
                callers.add(caller);
            }
            start.countDown();
            for (Thread caller : callers) caller.join(10_000);

            assertThat(answers).containsExactly(true);
            assertThat(hashingThreads).isNotEmpty().allMatch(name -> name.startsWith("lanyard-password-hash-"))
                    .hasSizeLessThanOrEqualTo(Runtime.getRuntime().availableProcessors());
        } finally {
            hasher.stop();
        }
    }

    @Test
    void aFailingHashReachesTheCallerAsItsOwnExceptionAndAnInterruptIsKept() {
        PasswordHasher hasher = new PasswordHasher(new PasswordEncoder() {
            @Override
            public String encode(CharSequence raw) {
                return "decoy";
            }

            @Override
            public boolean matches(CharSequence raw, String encoded) {
                throw new IllegalArgumentException("broken hash");
            }
        });
        try {
            assertThatThrownBy(() -> hasher.matches(PASSWORD, "{argon2}x")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("broken hash");

            Thread.currentThread().interrupt();
            assertThat(hasher.hash(PASSWORD)).as("a hash finishes even when its caller is interrupted").isEqualTo("{argon2}decoy");
            assertThat(Thread.interrupted()).as("and the caller is still interrupted").isTrue();
        } finally {
            hasher.stop();
        }
    }
}
