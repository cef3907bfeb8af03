package dev.lanyard;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A whole number typed or sent as text, as Lanyard reads every one (a query's {@code limit}, a form's number of days or
 * sessions): decimal digits, a minus sign at most in front, nothing else. Java's own readers take more:
 * {@code Integer.parseInt} takes {@code +5} and digits of other scripts ({@code ٥}), a form's {@code strip()} a number
 * between spaces, and Spring's conversion {@code 0x10} and {@code #10} as well (outside review). A number too large for
 * a {@code long} is read as the largest (or smallest) one, so that a range check says of it what it says of any other
 * number out of range.
 */
public final class DecimalNumbers {
    private DecimalNumbers() {
    }

    /** The number {@code text} spells in decimal digits, held to a {@code long}; empty if it spells none. */
    public static OptionalLong parse(String text) {
        if (text == null) return OptionalLong.empty();
        int first = text.startsWith("-") ? 1 : 0;
        if (text.length() == first) return OptionalLong.empty();
        for (int i = first; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(text));
        } catch (NumberFormatException pastLong) {
            return OptionalLong.of(first == 1 ? Long.MIN_VALUE : Long.MAX_VALUE);
        }
    }

    /** The number {@code text} spells, held to an {@code int} as {@link #parse} holds it to a {@code long}. */
    public static OptionalInt parseInt(String text) {
        OptionalLong value = parse(text);
        if (value.isEmpty()) return OptionalInt.empty();
        return OptionalInt.of((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value.getAsLong())));
    }
}
