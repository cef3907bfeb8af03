package dev.lanyard.account;

import java.util.HashMap;
import java.util.Map;

/**
 * Keyboard walks on the common (US) QWERTY layout: along a row ({@code qwertyuiop}, {@code asdfghjkl;'}), down a
 * column ({@code 1qaz}, {@code zaq1}), zig-zag between two rows ({@code 1q2w3e4r}), and such walks one after another
 * ({@code 1qaz2wsx3edc4rfv}, {@code qazwsxedc}). A step goes to a key next to the last one: beside it in its row, or
 * touching it in the row above or below (rows are staggered), and a walk keeps its way: a word such as "dessert",
 * whose letters touch but wander, is none (outside QA Z found passphrases of such words refused). A shifted character
 * is its key ({@code !QAZ} walks {@code 1qaz}). Spaces and other characters are no key of the walk. Part of decision
 * 68; a table of about 90 keys, built when the class is first used.
 */
final class KeyboardWalks {
    /** A walk counts from three keys: {@code qaz} (a column) is the shortest piece guessers chain. */
    static final int SHORTEST = 3;
    /** A zig-zag between two rows counts from four keys: {@code 1q2w}. */
    static final int SHORTEST_ZIG_ZAG = 4;
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

    /** A step from one key to a touching one: up or down a row (or neither), and left or right. */
    private record Step(int rows, int across) {
        static Step between(Key from, Key to) {
            return new Step(to.row - from.row, (int) Math.signum(to.x - from.x));
        }

        /**
         * Whether this step goes on the walk that {@code before} was on: the same way again (a row, a column), or back to
         * the other row, still moving the same way along it (a zig-zag: {@code 1q2w3e}). A walk turns nowhere else: a word
         * whose letters merely touch ("dessert": d, e, s are neighbours) wanders, and is no walk a guesser tries.
         */
        boolean goesOn(Step before) {
            return across == before.across && (rows == before.rows || turnsBack(before));
        }

        /** Whether this step goes back to the row {@code before} came from: the turn of a zig-zag. */
        boolean turnsBack(Step before) {
            return rows != 0 && rows == -before.rows;
        }
    }

    /**
     * Whether {@code password} is a keyboard walk but for at most {@value #LEFT_OVER} characters: walks of at least
     * {@value #SHORTEST} keys, each keeping its way ({@link Step#goesOn}), cover all the rest.
     */
    static boolean walk(String password) {
        int length = password.length();
        boolean[] walked = new boolean[length];
        int start = 0;
        Step way = null;
        boolean zigZag = false;
        for (int i = 1; i < length; i++) {
            Key last = KEYS.get(password.charAt(i - 1));
            Key key = KEYS.get(password.charAt(i));
            if (last == null || key == null || !last.touches(key)) {
                cover(walked, start, i - 1, zigZag);
                start = i;
                way = null;
                zigZag = false;
                continue;
            }
            Step step = Step.between(last, key);
            if (way != null && !step.goesOn(way)) {
                cover(walked, start, i - 1, zigZag);
                start = i - 1;
                zigZag = false;
            } else if (way != null && step.turnsBack(way)) {
                zigZag = true;
            }
            way = step;
        }
        cover(walked, start, length - 1, zigZag);
        int covered = 0;
        for (boolean w : walked) if (w) covered++;
        return covered > 0 && length - covered <= LEFT_OVER;
    }

    /**
     * Marks the characters {@code from} to {@code to} walked, when they are a walk long enough to count: a zig-zag from
     * {@value #SHORTEST_ZIG_ZAG} keys, since three keys that go up and back down are only a word's letters that touch as
     * often as a walk ("desert": d, e, s; outside QA AB).
     */
    private static void cover(boolean[] walked, int from, int to, boolean zigZag) {
        if (to - from + 1 >= (zigZag ? SHORTEST_ZIG_ZAG : SHORTEST)) java.util.Arrays.fill(walked, from, to + 1, true);
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
