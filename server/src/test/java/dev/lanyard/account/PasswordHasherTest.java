package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
