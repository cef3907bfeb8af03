package dev.lanyard;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The control-character rule for everything a request brings in (docs/decisions/0014-strict-input-and-what-each-viewer-sees.md):
 * C0 controls, DEL and lone surrogates are refused. Tab, carriage return and line feed are allowed
 * only in values that may hold free text (form fields and JSON strings); the fields that must be a
 * single line refuse them by their own rules. The web layer applies it to every request before any handler; a
 * handler marked {@link ChecksControlCharacters} applies it itself, with its other rules ({@link #refusal}).
 */
public final class ControlCharacters {
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_.\\-\\[\\]]{1,40}");

    private ControlCharacters() {
    }

    /**
     * Whether a request's parameter name may be repeated back in a refusal: at most 40 letters, digits and
     * {@code _ . - [ ]}, so it holds nothing a page, a problem or an OAuth {@code error_description} cannot say as it is.
     */
    public static boolean plainName(String name) {
        return PLAIN_NAME.matcher(name).matches();
    }

    /** What a refused value holds, as its problem says it: half a character is not a control character (outside review AD). */
    public static String what(CharSequence value, boolean freeText) {
        for (int i = 0; i < value.length(); i++) {
            if (control(value.charAt(i), freeText)) return "control characters";
        }
        return "half of a character (an unpaired UTF-16 surrogate)";
    }

    /** The refusal of a field with {@link #what}: {@code 'name' cannot contain control characters.} */
    public static String detail(String field, String what) {
        return "'" + field + "' cannot contain " + what + ".";
    }

    /**
     * Why the form field or JSON string {@code field} is refused, in the words of every other refusal ({@link #detail}),
     * or empty when it keeps the rule; null is empty.
     */
    public static Optional<String> refusal(String field, String value) {
        return value != null && refused(value, true) ? Optional.of(detail(field, what(value, true))) : Optional.empty();
    }

    /** C0 controls and DEL; {@code freeText} lets tab, CR and LF through. */
    private static boolean control(char c, boolean freeText) {
        return c < 0x20 ? !(freeText && (c == '\t' || c == '\r' || c == '\n')) : c == 0x7f;
    }

    /** Whether {@code value} breaks the rule; {@code freeText} lets tab, CR and LF through. */
    public static boolean refused(CharSequence value, boolean freeText) {
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
