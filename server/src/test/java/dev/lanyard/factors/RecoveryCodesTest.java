package dev.lanyard.factors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.account.AccountId;
import org.junit.jupiter.api.Test;

/** How recovery codes are kept: bound to the account, never to the seed key, found in their older form too. */
class RecoveryCodesTest {
    private static final AccountId ALICE = new AccountId("acc_alice");
    private static final AccountId BOB = new AccountId("acc_bob");

    @Test
    void codesAreShownGroupedAndKeptBoundToTheirAccount() {
        RecoveryCodes codes = new RecoveryCodes();
        RecoveryCodes.Made made = codes.make(ALICE);

        assertThat(made.shown()).hasSize(RecoveryCodes.COUNT).allMatch(c -> c.matches("[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}"));
        assertThat(made.kept()).hasSize(RecoveryCodes.COUNT).allMatch(k -> k.startsWith("a1:"));
        String code = RecoveryCodes.normalize(made.shown().get(0)).orElseThrow();
        assertThat(codes.forms(ALICE, code)).contains(made.kept().get(0));
        assertThat(codes.forms(BOB, code)).as("another account's forms of the same code").doesNotContain(made.kept().get(0));
        assertThat(made.kept().get(0)).isNotEqualTo(SecondFactors.hash(code));
    }

    @Test
    void codesKeptBeforeAsPlainSha256StillMatch() {
        String code = "abcdefghjkmn";
        assertThat(new RecoveryCodes().forms(ALICE, code)).hasSize(2).contains(SecondFactors.hash(code))
                .first().asString().startsWith("a1:");
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
