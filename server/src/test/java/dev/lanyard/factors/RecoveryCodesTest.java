package dev.lanyard.factors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;

import dev.lanyard.account.AccountId;
import org.junit.jupiter.api.Test;

/** How recovery codes are kept: bound to the account, keyed when the server has a seed key, found in every older form. */
class RecoveryCodesTest {
    private static final AccountId ALICE = new AccountId("acc_alice");
    private static final AccountId BOB = new AccountId("acc_bob");

    private static RecoveryCodes withKey(String seedKey) {
        return new RecoveryCodes(new SeedCipher(new FactorSettings(seedKey, null, null)));
    }

    private static String key(int fill) {
        byte[] raw = new byte[32];
        java.util.Arrays.fill(raw, (byte) fill);
        return Base64.getEncoder().encodeToString(raw);
    }

    @Test
    void codesAreShownGroupedAndKeptBoundToTheirAccount() {
        RecoveryCodes codes = withKey("");
        RecoveryCodes.Made made = codes.make(ALICE);

        assertThat(made.shown()).hasSize(RecoveryCodes.COUNT).allMatch(c -> c.matches("[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}"));
        assertThat(made.kept()).hasSize(RecoveryCodes.COUNT).allMatch(k -> k.startsWith("a1:"));
        String code = RecoveryCodes.normalize(made.shown().get(0)).orElseThrow();
        assertThat(codes.forms(ALICE, code)).contains(made.kept().get(0));
        assertThat(codes.forms(BOB, code)).as("another account's forms of the same code").doesNotContain(made.kept().get(0));
        assertThat(made.kept().get(0)).isNotEqualTo(SecondFactors.hash(code));
    }

    @Test
    void withASeedKeyCodesAreKeyedAndCodesKeptBeforeStillMatch() {
        RecoveryCodes keyed = withKey(key(7));
        String code = "abcdefghjkmn";
        String unkeyed = withKey("").make(ALICE).kept().get(0);

        assertThat(keyed.make(ALICE).kept()).allMatch(k -> k.startsWith("k1:"));
        assertThat(keyed.forms(ALICE, code)).startsWith("k1:" + keyed.forms(ALICE, code).iterator().next().substring(3))
                .contains(SecondFactors.hash(code), "a1:" + withKey("").forms(ALICE, code).iterator().next().substring(3));
        assertThat(withKey(key(8)).forms(ALICE, code).iterator().next()).as("another key, another kept value")
                .isNotEqualTo(keyed.forms(ALICE, code).iterator().next());
        assertThat(unkeyed).startsWith("a1:");
    }

    @Test
    void onlyTwelveLettersOfTheAlphabetCanBeARecoveryCode() {
        assertThat(RecoveryCodes.normalize("ABCD-EFGH-JKMN")).contains("abcdefghjkmn");
        assertThat(RecoveryCodes.normalize("abcd efgh jkmn")).contains("abcdefghjkmn");
        assertThat(RecoveryCodes.normalize("abcd-efgh-jkmi")).as("no i").isEmpty();
        assertThat(RecoveryCodes.normalize("123456")).isEmpty();
        assertThat(RecoveryCodes.normalize(null)).isEmpty();
    }
}
