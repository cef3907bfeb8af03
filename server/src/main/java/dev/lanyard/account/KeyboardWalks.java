package dev.lanyard.account;

import java.util.HashMap;
import java.util.Map;

/**
 * Keyboard walks on the common (US) QWERTY layout: along a row ({@code qwertyuiop}, {@code asdfghjkl;'}), down a
 * column ({@code 1qaz}, {@code zaq1}), zig-zag between two rows ({@code 1q2w3e4r}), and such walks one after another
 * ({@code 1qaz2wsx3edc4rfv}, {@code qazwsxedc}). A step goes to a key next to the last one: beside it in its row, or
 * touching it in the row above or below (rows are staggered); a shifted character is its key ({@code !QAZ} walks
 * {@code 1qaz}). Spaces and other characters are no key of the walk. Part of decision 68; a table of about 90 keys,
 * built when the class is first used.
 */
final class KeyboardWalks {
    /** A walk counts from three keys: {@code qaz} (a column) is the shortest piece guessers chain. */
    static final int SHORTEST = 3;
    /** Characters of a password outside its walks that still leave it a walk ({@code qwertyuiop} and {@code as}). */
    static final int LEFT_OVER = 2;

    private static final String[] ROWS = {"`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./"};
    private static final String[] SHIFTED = {"~!@#$%^&*()_+", "QWERTYUIOP{}|", "ASDFGHJKL:\"", "ZXCVBNM<>?"};
    /** Where each row starts, in key widths from the left edge, as the rows are staggered on a keyboard. */
    private static final double[] OFFSETS = {0, 1.5, 1.75, 2.25};

    private record Key(int row, double x) {
        boolean touches(Key other) {
            if (equals(other)) return false;
            if (row == other.row) return Math.abs(x - other.x) == 1;
            return Math.abs(row - other.row) == 1 && Math.abs(x - other.x) < 1;
        }
    }

    private static final Map<Character, Key> KEYS = keys();

    private KeyboardWalks() {
    }

    /** Whether {@code password} is a keyboard walk but for at most {@value #LEFT_OVER} characters. */
    static boolean walk(String password) {
        int walked = 0;
        int run = 0;
        Key last = null;
        for (int i = 0; i < password.length(); i++) {
            Key key = KEYS.get(password.charAt(i));
            if (key != null && last != null && last.touches(key)) {
                run++;
            } else {
                if (run >= SHORTEST) walked += run;
                run = key == null ? 0 : 1;
            }
            last = key;
        }
        if (run >= SHORTEST) walked += run;
        return walked > 0 && password.length() - walked <= LEFT_OVER;
    }

    private static Map<Character, Key> keys() {
        Map<Character, Key> keys = new HashMap<>();
        for (int row = 0; row < ROWS.length; row++) {
            for (int i = 0; i < ROWS[row].length(); i++) {
                Key key = new Key(row, OFFSETS[row] + i);
                keys.put(ROWS[row].charAt(i), key);
                keys.put(SHIFTED[row].charAt(i), key);
            }
        }
        return Map.copyOf(keys);
    }
}
