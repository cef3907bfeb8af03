package dev.lanyard.web;

/**
 * The control-character rule for everything a request brings in (docs/decisions/0014-strict-input-and-what-each-viewer-sees.md):
 * C0 controls, DEL and lone surrogates are refused. Tab, carriage return and line feed are allowed
 * only in values that may hold free text (form fields and JSON strings); the fields that must be a
 * single line refuse them by their own rules.
 */
final class ControlCharacters {
    private ControlCharacters() {
    }

    /** What a refused value holds, as its problem says it: half a character is not a control character (outside review AD). */
    static String what(CharSequence value, boolean freeText) {
        for (int i = 0; i < value.length(); i++) {
            if (control(value.charAt(i), freeText)) return "control characters";
        }
        return "half of a character (an unpaired UTF-16 surrogate)";
    }

    /** C0 controls and DEL; {@code freeText} lets tab, CR and LF through. */
    private static boolean control(char c, boolean freeText) {
        return c < 0x20 ? !(freeText && (c == '\t' || c == '\r' || c == '\n')) : c == 0x7f;
    }

    /** Whether {@code value} breaks the rule; {@code freeText} lets tab, CR and LF through. */
    static boolean refused(CharSequence value, boolean freeText) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (control(c, freeText)) {
                return true;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) return true;
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
