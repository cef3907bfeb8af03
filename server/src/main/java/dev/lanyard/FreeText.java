package dev.lanyard;

import java.util.Optional;

/**
 * Names and reasons that people type and others read: a session's name, a force sign-out's reason, a member's or
 * team's name. {@link #strip} drops what is invisible around the text (spaces of any kind, zero-width and other
 * format characters), so a name or reason of nothing visible is empty; {@link #refusal} names what a shown text must
 * not hold inside: control characters, and the bidirectional controls and line separators that can make it read as
 * something else ("vic's iPhone" written backwards behind a right-to-left override). Lengths are counted in
 * characters as a reader sees them ({@link #length}: extended grapheme clusters), so an emoji counts once, a flag or a
 * family of several code points too.
 */
public final class FreeText {
    private FreeText() {
    }

    /** {@code raw} without the spaces and invisible characters around it; null is empty. */
    public static String strip(String raw) {
        if (raw == null) return "";
        int start = 0;
        int end = raw.length();
        while (start < end) {
            int c = raw.codePointAt(start);
            if (!invisible(c)) break;
            start += Character.charCount(c);
        }
        while (end > start) {
            int c = raw.codePointBefore(end);
            if (!invisible(c)) break;
            end -= Character.charCount(c);
        }
        return raw.substring(start, end);
    }

    private static final java.util.regex.Pattern CHARACTER = java.util.regex.Pattern.compile("\\X");

    /** The UTF-16 units a character may take and still count once: a family emoji of seven code points takes 11. */
    static final int UNITS_PER_CHARACTER = 16;

    /**
     * Characters, as a reader counts them (extended grapheme clusters: "é" typed as e and an accent is one, a flag is one).
     * A cluster longer than {@value #UNITS_PER_CHARACTER} UTF-16 units counts once more for each {@value
     * #UNITS_PER_CHARACTER} beyond: one letter under 400,000 combining accents is one cluster, and must not pass as a
     * one-character name (outside review AA).
     */
    public static int length(String text) {
        java.util.regex.Matcher each = CHARACTER.matcher(text);
        int n = 0;
        while (each.find()) n += 1 + (each.end() - each.start() - 1) / UNITS_PER_CHARACTER;
        return n;
    }

    /**
     * The start of {@code text} that is at most {@code max} characters long, counted as {@link #length} counts them:
     * cut between two characters, never inside one (an emoji's two UTF-16 units, a flag's two code points).
     */
    public static String upTo(String text, int max) {
        java.util.regex.Matcher each = CHARACTER.matcher(text);
        int n = 0;
        int end = 0;
        while (each.find()) {
            n += 1 + (each.end() - each.start() - 1) / UNITS_PER_CHARACTER;
            if (n > max) break;
            end = each.end();
        }
        return text.substring(0, end);
    }

    /**
     * Why {@code text} cannot be shown as it is, in words that finish "The name cannot contain …", or empty if it can.
     * {@code lineBreaks}: whether a plain line break is allowed (a reason may have several lines).
     */
    public static Optional<String> refusal(String text, boolean lineBreaks) {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c == '\n' && lineBreaks) continue;
            if (Character.isISOControl(c)) return Optional.of("control characters");
            if (bidiControl(c)) return Optional.of("characters that change the direction of the text");
            if (c == 0x2028 || c == 0x2029) return Optional.of("line or paragraph separators");
        }
        return Optional.empty();
    }

    /**
     * Why a one-line name or description of at most {@code max} characters ({@link #length}), already stripped, is
     * refused, as a sentence for its field's message; empty when it is not (an app's and a stream's fields). Counted in
     * UTF-16 units, an app's name of 51 emoji was "more than 100 characters" where a session's was not (outside review).
     */
    public static Optional<String> fieldRefusal(String clean, int max) {
        // No text counts more characters than it has UTF-16 units: most need no counting.
        if (clean.length() > max && length(clean) > max) return Optional.of("Use at most " + max + " characters.");
        return refusal(clean, false).map(what -> capitalized(what) + " are not allowed.");
    }

    /** Whether {@code text} holds a bidirectional control, which would turn the text after it around. */
    public static boolean changesDirection(String text) {
        return text.codePoints().anyMatch(FreeText::bidiControl);
    }

    /** {@link #refusal}'s words at the start of a sentence: "Control characters". */
    private static String capitalized(String refusal) {
        return Character.toUpperCase(refusal.charAt(0)) + refusal.substring(1);
    }

    private static boolean invisible(int c) {
        // Direction controls are refused wherever they are (refusal), never dropped unseen.
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || (Character.getType(c) == Character.FORMAT && !bidiControl(c))
                || blankLetter(c);
    }

    /**
     * {@code text} between Unicode's first-strong isolate and its pop (U+2068, U+2069) when it holds a right-to-left letter
     * or digit or a direction control, else as it is: for text that others control, put into a plain-text sentence the
     * server writes and keeps (a device description read from a User-Agent, in the audit log's sentences). Left-to-right
     * letters, digits and punctuation alone cannot move the words around them in a left-to-right sentence, so the
     * sentences of every ordinary device read as they always did; the pages show what is isolated in a {@code <bdi>}
     * (web/PageNames). Text of several lines (a reason) is isolated line by line, each line that turns in its own pair and
     * the line breaks left as they were: a paragraph separator ends every isolate open before it (UAX #9, rule X8), so one
     * pair around the whole would leave the second line's right-to-left text unisolated; a single line reads as before.
     */
    public static String isolatedIfItTurns(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2);
        int line = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i < text.length() && !lineBreak(text.charAt(i))) continue;
            String part = text.substring(line, i);
            out.append(turns(part) ? ISOLATE + part + POP : part);
            if (i < text.length()) out.append(text.charAt(i));
            line = i + 1;
        }
        return out.toString();
    }

    /** Whether {@code text} holds a right-to-left letter or digit or a direction control. */
    private static boolean turns(String text) {
        return text.codePoints().anyMatch(c -> bidiControl(c) || switch (Character.getDirectionality(c)) {
            case Character.DIRECTIONALITY_RIGHT_TO_LEFT, Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC,
                 Character.DIRECTIONALITY_ARABIC_NUMBER -> true;
            default -> false;
        });
    }

    /**
     * A paragraph separator of the bidirectional algorithm (\n, \r, U+0085, U+2029, U+001C to U+001E), which ends the
     * isolates open before it, or the line separator U+2028, which a reader sees as a new line too. All are one UTF-16 unit.
     */
    private static boolean lineBreak(char c) {
        return c == '\u2028' || Character.getDirectionality(c) == Character.DIRECTIONALITY_PARAGRAPH_SEPARATOR;
    }

    /** Unicode's first-strong isolate and its pop directional isolate, around text put into a sentence. */
    public static final char ISOLATE = '\u2068';
    public static final char POP = '\u2069';

    /** Letters and symbols that draw nothing: the Hangul fillers and the blank Braille pattern. */
    private static boolean blankLetter(int c) {
        return c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0 || c == 0x2800;
    }

    /** The embeddings, overrides, isolates and marks of the Unicode bidirectional algorithm (UAX #9). */
    private static boolean bidiControl(int c) {
        return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F || c == 0x061C;
    }
}
