package dev.lanyard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FreeTextTest {

    @Test
    void nothingVisibleAroundTheTextIsKeptAndNothingVisibleAtAllIsEmpty() {
        assertThat(FreeText.strip("\u200b")).isEmpty();
        assertThat(FreeText.strip("   \u200b ")).isEmpty();
        assertThat(FreeText.strip("\ufeff\u00a0\u00a0")).isEmpty();
        assertThat(FreeText.strip("\u202e")).as("a direction control is refused, not dropped").isEqualTo("\u202e");
        assertThat(FreeText.strip("Team\u0000")).as("a control character is refused, not dropped").isEqualTo("Team\u0000");
        assertThat(FreeText.strip("\u00a0Work laptop\u200b\n")).isEqualTo("Work laptop");
        assertThat(FreeText.strip(null)).isEmpty();
        assertThat(FreeText.strip("\u3164")).as("Hangul filler").isEmpty();
        assertThat(FreeText.strip("\u2800 \uffa0")).as("blank Braille, halfwidth filler").isEmpty();
    }

    @Test
    void directionControlsLineSeparatorsAndControlCharactersInsideAreRefused() {
        assertThat(FreeText.refusal("\u202eenohPi s'civ", false)).contains("characters that change the direction of the text");
        assertThat(FreeText.refusal("a\u2066b", false)).isPresent();
        assertThat(FreeText.refusal("a\u2028b", false)).contains("line or paragraph separators");
        assertThat(FreeText.refusal("a\u0007b", false)).contains("control characters");
        assertThat(FreeText.refusal("lost laptop\nreported", false)).contains("control characters");
        assertThat(FreeText.refusal("lost laptop\nreported", true)).isEmpty();
    }

    @Test
    void whatPeopleWriteIsAccepted() {
        assertThat(FreeText.refusal("Ana’s phone 📱", false)).isEmpty();
        assertThat(FreeText.refusal("👩\u200d💻 desk", false)).as("an emoji sequence's joiner").isEmpty();
        assertThat(FreeText.refusal("هاتف علي", false)).as("right-to-left script by itself").isEmpty();
        assertThat(FreeText.refusal("🏴\udb40\udc67\udb40\udc62\udb40\udc73\udb40\udc63\udb40\udc74\udb40\udc7f Glasgow", false)).isEmpty();
    }

    @Test
    void lengthCountsCharactersNotUtf16Units() {
        assertThat(FreeText.length("📱".repeat(60))).isEqualTo(60);
        assertThat(FreeText.length("🇪🇸".repeat(60))).as("flags").isEqualTo(60);
        assertThat(FreeText.length("👨\u200d👩\u200d👧".repeat(30))).as("a family").isEqualTo(30);
        assertThat(FreeText.length("👍🏽")).as("a skin tone").isEqualTo(1);
        assertThat(FreeText.length("abc")).isEqualTo(3);
        assertThat(FreeText.length("👩🏽‍❤️‍💋‍👨🏻")).as("the longest emoji sequences").isEqualTo(1);
    }

    /** An app's and a stream's fields count as a session's name does (outside review: 51 emoji were "over 100 characters"). */
    @Test
    void aFieldsLengthIsCountedInCharactersAsAReaderSeesThem() {
        assertThat(FreeText.fieldRefusal("😀".repeat(100), 100)).isEmpty();
        assertThat(FreeText.fieldRefusal("😀".repeat(101), 100)).contains("Use at most 100 characters.");
        assertThat(FreeText.fieldRefusal("x".repeat(101), 100)).contains("Use at most 100 characters.");
    }

    @Test
    void aTextIsCutBetweenCharactersNeverInsideOne() {
        assertThat(FreeText.upTo("😀".repeat(60), 100)).isEqualTo("😀".repeat(60));
        assertThat(FreeText.upTo("a" + "😀".repeat(100), 100)).isEqualTo("a" + "😀".repeat(99));
        assertThat(FreeText.upTo("🇪🇸🇫🇷", 1)).as("a flag's two code points stay together").isEqualTo("🇪🇸");
        assertThat(FreeText.upTo("abc", 0)).isEmpty();
    }

    @Test
    void aLetterUnderEndlessAccentsCountsForTheRoomItTakes() {
        String zalgo = "a" + "́".repeat(400_000);

        assertThat(FreeText.length(zalgo)).isGreaterThan(100);
        assertThat(FreeText.length("é")).isEqualTo(1);
        assertThat(FreeText.length("a" + "́".repeat(15))).as("16 units still one").isEqualTo(1);
        assertThat(FreeText.length("a" + "́".repeat(16))).isEqualTo(2);
    }

    @Test
    void textThatCouldTurnTheSentenceAroundIsIsolatedAndOtherTextStaysAsItIs() {
        assertThat(FreeText.isolatedIfItTurns("Chrome 131 on هاتف")).isEqualTo("\u2068Chrome 131 on هاتف\u2069");
        assertThat(FreeText.isolatedIfItTurns("Safari on מכשיר")).isEqualTo("\u2068Safari on מכשיר\u2069");
        assertThat(FreeText.isolatedIfItTurns("Chrome on \u0661\u0662")).as("Arabic-Indic digits").startsWith("\u2068");
        assertThat(FreeText.isolatedIfItTurns("Chrome 131 on macOS 14 (x86)")).isEqualTo("Chrome 131 on macOS 14 (x86)");
        assertThat(FreeText.isolatedIfItTurns("Téléphone – Ωmega 😀")).isEqualTo("Téléphone – Ωmega 😀");
    }

    @Test
    void textOfSeveralLinesIsIsolatedLineByLineAndItsLineBreaksStay() {
        String hebrew = "\u05d4\u05de\u05d7\u05e9\u05d1 \u05e0\u05d2\u05e0\u05d1"; // the laptop was stolen
        String arabic = "\u0627\u0644\u062d\u0627\u0633\u0648\u0628 \u0645\u0633\u0631\u0648\u0642";

        assertThat(FreeText.isolatedIfItTurns("Lost laptop\n" + hebrew + "\nTicket 42\n" + arabic + " (ticket 7)"))
                .isEqualTo("Lost laptop\n\u2068" + hebrew + "\u2069\nTicket 42\n\u2068" + arabic + " (ticket 7)\u2069");
        assertThat(FreeText.isolatedIfItTurns(hebrew + "\n" + arabic)).isEqualTo("\u2068" + hebrew + "\u2069\n\u2068" + arabic + "\u2069");
        for (String lineBreak : new String[] {"\n", "\r\n", "\r", "\u2028", "\u2029", "\u0085"}) {
            assertThat(FreeText.isolatedIfItTurns("Lost laptop" + lineBreak + hebrew + lineBreak + lineBreak + "Call me"))
                    .as("%04x", (int) lineBreak.charAt(0))
                    .isEqualTo("Lost laptop" + lineBreak + "\u2068" + hebrew + "\u2069" + lineBreak + lineBreak + "Call me");
        }
        assertThat(FreeText.isolatedIfItTurns("Lost laptop\nTicket 42\r\n")).as("no line turns").isEqualTo("Lost laptop\nTicket 42\r\n");
        assertThat(FreeText.isolatedIfItTurns("Lost laptop " + arabic)).as("one line, as before")
                .isEqualTo("\u2068Lost laptop " + arabic + "\u2069");
        assertThat(FreeText.isolatedIfItTurns("")).isEmpty();
    }
}
