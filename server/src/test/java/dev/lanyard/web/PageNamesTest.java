package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PageNamesTest {
    private final PageNames names = new PageNames();

    @Test
    void aNameBetweenQuotesIsToldApartFromTheWordsAroundIt() {
        assertThat(names.quoted("Renamed Safari 17 on iPhone to “هاتف العمل”")).containsExactly(
                new PageNames.Part("Renamed Safari 17 on iPhone to “", false), new PageNames.Part("هاتف العمل", true),
                new PageNames.Part("”", false));
    }

    @Test
    void everyNameOfASentenceIsToldApart() {
        assertThat(names.quoted("Renamed the passkey “A” (x…) to “B”")).extracting(PageNames.Part::text)
                .containsExactly("Renamed the passkey “", "A", "” (x…) to “", "B", "”");
    }

    @Test
    void aSentenceWithoutANameOrWithAnOpenQuoteLeftOpenIsWordsOnly() {
        assertThat(names.quoted("Signed in")).containsExactly(new PageNames.Part("Signed in", false));
        assertThat(names.quoted("A quote “ left open")).containsExactly(new PageNames.Part("A quote “ left open", false));
        assertThat(names.quoted(null)).isEmpty();
    }

    @Test
    void wordsAfterANameWithAQuoteOfItsOwnAreIsolatedWhenTheyHoldADirectionControl() {
        assertThat(names.quoted("Created API key “build” \u202eNIMDA” (lyk_x…)")).containsExactly(
                new PageNames.Part("Created API key “", false), new PageNames.Part("build", true),
                new PageNames.Part("” \u202eNIMDA” (lyk_x…)", true));
    }

    @Test
    void anIsolatedNameIsBetweenFirstStrongIsolateAndItsPop() {
        assertThat(names.isolated("عمل")).isEqualTo("\u2068عمل\u2069");
    }
}
