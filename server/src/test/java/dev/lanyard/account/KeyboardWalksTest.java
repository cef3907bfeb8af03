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

    @Test
    void passphrasesAndRandomPasswordsAreNoWalks() {
        assertThat(KeyboardWalks.walk(TestAccounts.PASSWORD)).isFalse();
        assertThat(KeyboardWalks.walk("a brand new passphrase 2026")).isFalse();
        assertThat(KeyboardWalks.walk("t7#Kq9!vR2$mWz")).isFalse();
        assertThat(KeyboardWalks.walk("481516234223")).isFalse();
        assertThat(KeyboardWalks.walk("pässwörd ünïcode 密码 🔑")).isFalse();
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
