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
    void anAddressIsInPiecesEndingWithItsAtSignOrADotAndNothingOfItIsLost() {
        assertThat(names.addressPieces("grace.hopper@navy.example.org")).containsExactly("grace.", "hopper@", "navy.", "example.", "org");
        assertThat(String.join("", names.addressPieces("a..b@c.")))
                .as("empty pieces and a dot at the end are kept").isEqualTo("a..b@c.");
        assertThat(names.addressPieces("ada")).containsExactly("ada");
        assertThat(names.addressPieces("")).isEmpty();
        assertThat(names.addressPieces(null)).isEmpty();
    }

    /** A place wraps between its city, region and country, each keeping its comma; spaces between them make it whole again. */
    @Test
    void aPlaceIsCutBetweenItsPartsOnly() {
        assertThat(names.placeParts("London, England, United Kingdom")).containsExactly("London,", "England,", "United Kingdom");
        assertThat(String.join(" ", names.placeParts("Springfield, Illinois, United States"))).isEqualTo("Springfield, Illinois, United States");
        assertThat(names.placeParts("Local network")).containsExactly("Local network");
        assertThat(names.placeParts("")).isEmpty();
    }

    @Test
    void anIsolatedNameIsBetweenFirstStrongIsolateAndItsPop() {
        assertThat(names.isolated("عمل")).isEqualTo("\u2068عمل\u2069");
    }

    @Test
    void whatTheServerIsolatedInASentenceIsANameWithoutItsMarks() {
        assertThat(names.quoted("Signed out \u2068Chrome 131 on هاتف\u2069 (ses_ab…) from Firefox on Ubuntu (ses_cd…)")).containsExactly(
                new PageNames.Part("Signed out ", false), new PageNames.Part("Chrome 131 on هاتف", true),
                new PageNames.Part(" (ses_ab…) from Firefox on Ubuntu (ses_cd…)", false));
        assertThat(names.quoted("Renamed \u2068هاتف\u2069 to “عمل”")).extracting(PageNames.Part::text, PageNames.Part::name)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Renamed ", false), org.assertj.core.groups.Tuple.tuple("هاتف", true),
                        org.assertj.core.groups.Tuple.tuple(" to “", false), org.assertj.core.groups.Tuple.tuple("عمل", true),
                        org.assertj.core.groups.Tuple.tuple("”", false));
        assertThat(names.quoted("Renamed \u2068Chrome on “X\u2069 to “عمل”")).as("a quote inside an isolated description pairs with nothing")
                .extracting(PageNames.Part::text).containsExactly("Renamed ", "Chrome on “X", " to “", "عمل", "”");
        assertThat(names.quoted("Registered the app “\u2068عمل\u2069” (app_1) and “B”")).as("a name isolated inside its quotes")
                .extracting(PageNames.Part::text, PageNames.Part::name)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Registered the app “", false),
                        org.assertj.core.groups.Tuple.tuple("عمل", true),
                        org.assertj.core.groups.Tuple.tuple("” (app_1) and “", false), org.assertj.core.groups.Tuple.tuple("B", true),
                        org.assertj.core.groups.Tuple.tuple("”", false));
        assertThat(names.quoted("An isolate \u2068 left open")).as("words with a direction control, isolated whole")
                .containsExactly(new PageNames.Part("An isolate \u2068 left open", true));
    }
}
