package dev.lanyard.factors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** RFC 6238 appendix B's test vectors, and what Lanyard builds on them. */
class TotpTest {
    private static final byte[] SHA1_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHA256_SEED = "12345678901234567890123456789012".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHA512_SEED = "1234567890123456789012345678901234567890123456789012345678901234".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest
    @CsvSource({
            "59, 94287082, 46119246, 90693936",
            "1111111109, 07081804, 68084774, 25091201",
            "1111111111, 14050471, 67062674, 99943326",
            "1234567890, 89005924, 91819424, 93441116",
            "2000000000, 69279037, 90698825, 38618901",
            "20000000000, 65353130, 77737706, 47863826"})
    void theRfc6238VectorsComeOut(long seconds, String sha1, String sha256, String sha512) {
        long step = Totp.step(Instant.ofEpochSecond(seconds));
        assertThat(Totp.code(SHA1_SEED, step, 8, "HmacSHA1")).isEqualTo(sha1);
        assertThat(Totp.code(SHA256_SEED, step, 8, "HmacSHA256")).isEqualTo(sha256);
        assertThat(Totp.code(SHA512_SEED, step, 8, "HmacSHA512")).isEqualTo(sha512);
        // What apps show: the same value, six digits.
        assertThat(Totp.code(SHA1_SEED, step)).isEqualTo(sha1.substring(2));
    }

    @Test
    void aCodeOfTheStepBeforeOrAfterIsAcceptedButNotTwoAway() {
        Instant now = Instant.ofEpochSecond(1_234_567_890);
        long step = Totp.step(now);
        assertThat(Totp.matchingStep(SHA1_SEED, Totp.code(SHA1_SEED, step), now)).hasValue(step);
        assertThat(Totp.matchingStep(SHA1_SEED, Totp.code(SHA1_SEED, step - 1), now)).hasValue(step - 1);
        assertThat(Totp.matchingStep(SHA1_SEED, Totp.code(SHA1_SEED, step + 1), now)).hasValue(step + 1);
        assertThat(Totp.matchingStep(SHA1_SEED, Totp.code(SHA1_SEED, step - 2), now)).isEmpty();
        assertThat(Totp.matchingStep(SHA1_SEED, Totp.code(SHA1_SEED, step + 2), now)).isEmpty();
    }

    @Test
    void somethingThatIsNotSixDigitsNeverMatches() {
        Instant now = Instant.ofEpochSecond(59);
        assertThat(Totp.matchingStep(SHA1_SEED, "287082 ", now)).isEmpty();
        assertThat(Totp.matchingStep(SHA1_SEED, "2870", now)).isEmpty();
        assertThat(Totp.matchingStep(SHA1_SEED, "28708a", now)).isEmpty();
        assertThat(Totp.matchingStep(SHA1_SEED, null, now)).isEmpty();
        assertThat(Totp.matchingStep(SHA1_SEED, "287082", now)).isPresent();
    }

    @Test
    void base32FollowsRfc4648AndReadsBackWhatItWrote() {
        assertThat(Base32.encode("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTBOI");
        assertThat(Base32.encode("f".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MY");
        assertThat(Base32.decode("mzxw 6ytb oi======")).hasValueSatisfying(b -> assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo("foobar"));
        assertThat(Base32.decode("MZ1W")).isEmpty();
        assertThat(Base32.grouped("JBSWY3DPEHPK3PXP")).isEqualTo("JBSW Y3DP EHPK 3PXP");
    }

    @Test
    void aSealedSeedOpensOnlyWithItsKeyAndForItsAccount() {
        String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        SeedCipher cipher = new SeedCipher(new FactorSettings(key, null, null));
        String sealed = cipher.seal(SHA1_SEED, "acc_1");
        assertThat(sealed).startsWith("v1:").doesNotContain(Base32.encode(SHA1_SEED));
        assertThat(cipher.open(sealed, "acc_1")).isEqualTo(SHA1_SEED);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cipher.open(sealed, "acc_2")).isInstanceOf(FactorProblem.SeedUnreadable.class);
        SeedCipher keyless = new SeedCipher(new FactorSettings("", null, null));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> keyless.open(sealed, "acc_1")).isInstanceOf(FactorProblem.SeedUnreadable.class);
        assertThat(keyless.open(keyless.seal(SHA1_SEED, "acc_1"), "acc_1")).isEqualTo(SHA1_SEED);
    }
}
