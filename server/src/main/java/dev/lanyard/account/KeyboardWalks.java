package dev.lanyard.account;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keyboard walks: along a row ({@code qwertyuiop}, {@code asdfghjkl;'}), down a column ({@code 1qaz}, {@code zaq1}),
 * zig-zag between two rows ({@code 1q2w3e4r}), and such walks one after another ({@code 1qaz2wsx3edc4rfv},
 * {@code qazwsxedc}). A step goes to a key next to the last one: beside it in its row, or touching it in the row above or
 * below (rows are staggered), and a walk keeps its way: a word such as "dessert", whose letters touch but wander, is
 * none (outside QA Z found passphrases of such words refused). A shifted character is its key ({@code !QAZ} walks
 * {@code 1qaz}). Spaces and other characters are no key of the walk. A password is a walk on any of three layouts, each
 * on its own: US QWERTY, French AZERTY ({@code azertyuiop}, {@code &é"'(}) and German QWERTZ ({@code qwertzuiop},
 * {@code yxcvbnm}); a walk that changes layout half-way is none. Part of decision 68; tables of about 90 keys each,
 * built when the class is first used.
 */
final class KeyboardWalks {
    /** A walk counts from three keys: {@code qaz} (a column) is the shortest piece guessers chain. */
    static final int SHORTEST = 3;
    /** A zig-zag between two rows counts from four keys: {@code 1q2w}. */
    static final int SHORTEST_ZIG_ZAG = 4;
    /** Characters of a password outside its walks that still leave it a walk ({@code qwertyuiop} and {@code as}). */
    static final int LEFT_OVER = 2;

    /**
     * A layout's four rows of keys from the left, each as the characters its keys type and, at the same places, with
     * Shift (a space: nothing else), and where each row starts, in key widths from the left edge, as the rows are
     * staggered on a keyboard. The ISO keyboards of AZERTY and QWERTZ have a key ({@code <}) left of the bottom row's letters.
     */
    private record Layout(String[] rows, String[] shifted, double[] offsets) {
    }

    private static final Layout US = new Layout(
            new String[] {"`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./"},
            new String[] {"~!@#$%^&*()_+", "QWERTYUIOP{}|", "ASDFGHJKL:\"", "ZXCVBNM<>?"},
            new double[] {0, 1.5, 1.75, 2.25});
    private static final Layout AZERTY = new Layout(
            new String[] {"²&é\"'(-è_çà)=", "azertyuiop^$", "qsdfghjklmù*", "<wxcvbn,;:!"},
            new String[] {" 1234567890°+", "AZERTYUIOP¨£", "QSDFGHJKLM%µ", ">WXCVBN?./§"},
            new double[] {0, 1.5, 1.75, 1.25});
    private static final Layout QWERTZ = new Layout(
            new String[] {"^1234567890ß´", "qwertzuiopü+", "asdfghjklöä#", "<yxcvbnm,.-"},
            new String[] {"°!\"§$%&/()=?`", "QWERTZUIOPÜ*", "ASDFGHJKLÖÄ'", ">YXCVBNM;:_"},
            new double[] {0, 1.5, 1.75, 1.25});

    private record Key(int row, double x) {
        boolean touches(Key other) {
            if (equals(other)) return false;
            if (row == other.row) return Math.abs(x - other.x) == 1;
            return Math.abs(row - other.row) == 1 && Math.abs(x - other.x) < 1;
        }
    }

    /** Each layout's keys by the characters they type. */
    private static final List<Map<Character, Key>> LAYOUTS = List.of(keys(US), keys(AZERTY), keys(QWERTZ));

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
     * Whether {@code password} is a keyboard walk but for at most {@value #LEFT_OVER} characters on one of the layouts:
     * walks of at least {@value #SHORTEST} keys, each keeping its way ({@link Step#goesOn}), cover all the rest.
     */
    static boolean walk(String password) {
        for (Map<Character, Key> keys : LAYOUTS) {
            if (walk(password, keys)) return true;
        }
        return false;
    }

    private static boolean walk(String password, Map<Character, Key> keys) {
        int length = password.length();
        boolean[] walked = new boolean[length];
        int start = 0;
        Step way = null;
        boolean zigZag = false;
        for (int i = 1; i < length; i++) {
            Key last = keys.get(password.charAt(i - 1));
            Key key = keys.get(password.charAt(i));
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

    private static Map<Character, Key> keys(Layout layout) {
        Map<Character, Key> keys = new HashMap<>();
        for (int row = 0; row < layout.rows().length; row++) {
            if (layout.rows()[row].length() != layout.shifted()[row].length()) throw new IllegalStateException("row " + row + " of a layout");
            for (int i = 0; i < layout.rows()[row].length(); i++) {
                Key key = new Key(row, layout.offsets()[row] + i);
                keys.put(layout.rows()[row].charAt(i), key);
                char shifted = layout.shifted()[row].charAt(i);
                if (shifted != ' ') keys.put(shifted, key);
            }
        }
        return Map.copyOf(keys);
    }
}
