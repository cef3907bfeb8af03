package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PersonalPasswordsTest {
    private static final String EMAIL = "ada.lovelace@example.com";
    private static final String NAME = "Ada Lovelace";

    @Test
    void theEmailItsLocalPartOrTheNameAreTheMembersOwn() {
        assertThat(PersonalPasswords.own("Ada.Lovelace@Example.com", EMAIL, NAME)).isTrue();
        assertThat(PersonalPasswords.own("ada.lovelace", EMAIL, NAME)).isTrue();
        assertThat(PersonalPasswords.own("AdaLovelace!!", EMAIL, NAME)).as("the name, symbols aside").isTrue();
        assertThat(PersonalPasswords.own("ada lovelace 1815", EMAIL, NAME)).as("digits around it").isTrue();
        assertThat(PersonalPasswords.own("2024!lovelace!2024", EMAIL, NAME)).as("a word of the name").isTrue();
        assertThat(PersonalPasswords.own("ada.lovelace2026", "ada.lovelace2024@example.com", NAME))
                .as("the local part with its digits changed").isTrue();
    }

    @Test
    void otherPasswordsAndShortDetailsAreNot() {
        assertThat(PersonalPasswords.own(TestAccounts.PASSWORD, EMAIL, NAME)).isFalse();
        assertThat(PersonalPasswords.own("lovelace wrote the first program", EMAIL, NAME)).as("the name within a passphrase").isFalse();
        assertThat(PersonalPasswords.own("al!!!!!!!!!!!!", "al@example.com", "Al")).as("shorter than four").isFalse();
        assertThat(PersonalPasswords.own("1234567890123", "bo@example.com", "Bo")).isFalse();
        assertThat(PersonalPasswords.own("ada.lovelace", "someone@example.com", "Someone Else")).isFalse();
    }
}
