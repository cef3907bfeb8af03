package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommonPasswordsTest {

    @Test
    void passwordsAGuesserTriesEarlyAreRefusedThoughLongEnough() {
        // The outside review's four, accepted before (decision 68).
        assertThat(CommonPasswords.guessable("123456789012")).isTrue();
        assertThat(CommonPasswords.guessable("password1234")).isTrue();
        assertThat(CommonPasswords.guessable("aaaaaaaaaaaa")).isTrue();
        assertThat(CommonPasswords.guessable(" ".repeat(12))).isTrue();
        assertThat(CommonPasswords.guessable("passwordpassword")).isTrue();
        assertThat(CommonPasswords.guessable("Iloveyou!!!!")).isTrue();
        assertThat(CommonPasswords.guessable("1qaz2wsx3edc")).as("in the list as it is").isTrue();
        assertThat(CommonPasswords.guessable("abcdefghijkl")).isTrue();
        assertThat(CommonPasswords.guessable("987654321098")).isTrue();
    }

    @Test
    void passwordsPeopleChooseWellPass() {
        assertThat(CommonPasswords.guessable(TestAccounts.PASSWORD)).isFalse();
        assertThat(CommonPasswords.guessable("a brand new passphrase 2026")).isFalse();
        assertThat(CommonPasswords.guessable("pässwörd ünïcode 密码 🔑")).isFalse();
        assertThat(CommonPasswords.guessable("t7#Kq9!vR2$mWz")).isFalse();
        assertThat(CommonPasswords.guessable("481516234223")).as("digits, but in no order").isFalse();
    }
}
