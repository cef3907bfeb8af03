package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;

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
}
