package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyboardWalksTest {

    @Test
    void walksAlongRowsDownColumnsAndBetweenRowsAreWalks() {
        assertThat(KeyboardWalks.walk("qwertyuiopas")).as("a row, and two keys of the next").isTrue();
        assertThat(KeyboardWalks.walk("1qaz2wsx3edc4rfv")).as("columns one after another").isTrue();
        assertThat(KeyboardWalks.walk("asdfghjkl;'\\")).as("the home row to its end, and one key left over").isTrue();
        assertThat(KeyboardWalks.walk("qazwsxedcrfv")).as("three-key columns").isTrue();
        assertThat(KeyboardWalks.walk("zaq12wsxcde3")).isTrue();
        assertThat(KeyboardWalks.walk("1q2w3e4r5t6y")).as("zig-zag between two rows").isTrue();
        assertThat(KeyboardWalks.walk("poiuytrewqlk")).as("backwards").isTrue();
        assertThat(KeyboardWalks.walk("!QAZ@WSX#EDC")).as("shifted keys are their keys").isTrue();
        assertThat(KeyboardWalks.walk("qwerty asdfgh")).as("a space between two walks").isTrue();
    }

    /** Carried since decision 68: walks on the French and German layouts, which the US table alone did not see. */
    @Test
    void walksOnTheFrenchAndGermanLayoutsAreWalks() {
        assertThat(KeyboardWalks.walk("azertyuiopqsdf")).as("AZERTY: the top row, then the home row").isTrue();
        assertThat(KeyboardWalks.walk("AZERTY123456")).as("AZERTY, shifted, then digits").isTrue();
        assertThat(KeyboardWalks.walk("&é\"'(-è_çà)")).as("AZERTY's number row without Shift").isTrue();
        assertThat(KeyboardWalks.walk("wxcvbn,;:!")).as("AZERTY's bottom row").isTrue();
        assertThat(KeyboardWalks.walk("aqwzsxedcrfv")).as("AZERTY's columns").isTrue();
        assertThat(KeyboardWalks.walk("qwertzuiopü+")).as("QWERTZ's top row").isTrue();
        assertThat(KeyboardWalks.walk("yxcvbnm,.-ä")).as("QWERTZ's bottom row and one key left over").isTrue();
        assertThat(KeyboardWalks.walk("1qay2wsx3edc")).as("QWERTZ's columns").isTrue();
        assertThat(KeyboardWalks.walk("!\"§$%&/()=")).as("QWERTZ's number row with Shift").isTrue();
    }

    @Test
    void aWalkThatChangesLayoutHalfWayIsNone() {
        // "azerty" on AZERTY, then "zuiop" of QWERTZ's top row (on AZERTY u–i–o–p, but t–z is no step there).
        assertThat(KeyboardWalks.walk("azertzuiopxyz")).isFalse();
    }

    @Test
    void passphrasesAndRandomPasswordsAreNoWalks() {
        assertThat(KeyboardWalks.walk(TestAccounts.PASSWORD)).isFalse();
        assertThat(KeyboardWalks.walk("a brand new passphrase 2026")).isFalse();
        assertThat(KeyboardWalks.walk("t7#Kq9!vR2$mWz")).isFalse();
        assertThat(KeyboardWalks.walk("481516234223")).isFalse();
        assertThat(KeyboardWalks.walk("pässwörd ünïcode 密码 🔑")).isFalse();
        assertThat(KeyboardWalks.walk("Zwölf Boxkämpfer jagen Viktor")).isFalse();
        assertThat(KeyboardWalks.walk("portez ce vieux whisky au juge")).isFalse();
    }

    /** Outside QA (Z): words whose letters touch on the keyboard ("dessert": d, e, s) were walks, and passphrases of them refused. */
    @Test
    void wordsWhoseLettersTouchButWanderAreNoWalks() {
        for (String passphrase : new String[] {"dessert rewards", "Dessert Rewards!", "dessert awards", "desert dresses",
                "rewarded desserts", "stewardesses", "we were there together", "desserts were rewarded",
                // Outside QA AB: three keys up and back down ("des") are no walk either.
                "desert dessert", "dessert desert", "desert deserts", "deserts desert", "brewer desert", "desert brewer"}) {
            assertThat(KeyboardWalks.walk(passphrase)).as(passphrase).isFalse();
        }
    }

    @Test
    void aPasswordWhoseWalkIsOnlyPartOfItIsNoWalk() {
        assertThat(KeyboardWalks.walk("qwerty is my favourite")).isFalse();
        assertThat(KeyboardWalks.walk("qwertyuiop + lunch")).isFalse();
        assertThat(KeyboardWalks.walk("qwertyuiopxyz")).as("three characters outside the walk").isFalse();
        assertThat(KeyboardWalks.walk("sunny1qaz2wsxday")).isFalse();
    }
}
