package dev.lanyard.account;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Passwords too easy to guess, though long enough (decision 68, ASVS 5.0 6.2.4): one of the most used passwords, or
 * one with digits and symbols around it ("password1234", "iloveyou!!!!"), one unit repeated ("aaaaaaaaaaaa",
 * "passwordpassword"), a run of letters or digits in order ("123456789012", "abcdefghijkl"), or a walk along the keyboard
 * ("qwertyuiopas", "1qaz2wsx3edc", {@link KeyboardWalks}). The list is the
 * {@value #TOP} most used of the 100,000 that nbvcxz ships (from leaked password sets, most used first), read on the
 * first password chosen after a start, not at start-up; what is kept is a set of lower-cased words.
 */
final class CommonPasswords {
    static final int TOP = 10_000;
    private static final String LIST = "/dictionaries/passwords.txt";
    private static final int SHORTEST_BASE = 4;

    private CommonPasswords() {
    }

    private static final class Loaded {
        static final Set<String> WORDS = read();
    }

    /** Whether {@code password} is one a guesser tries early. */
    static boolean guessable(String password) {
        String lower = password.toLowerCase(Locale.ROOT);
        if (repeated(lower) || inOrder(lower) || KeyboardWalks.walk(password)) return true;
        if (Loaded.WORDS.contains(lower)) return true;
        String base = lower.replaceAll("^[\\p{N}\\p{P}\\p{S}\\s]+|[\\p{N}\\p{P}\\p{S}\\s]+$", "");
        return base.length() >= SHORTEST_BASE && (Loaded.WORDS.contains(base) || repeated(base));
    }

    /** One unit, as long as half the text at most, written again and again. */
    private static boolean repeated(String text) {
        int n = text.length();
        for (int unit = 1; unit <= n / 2; unit++) {
            if (n % unit == 0 && text.substring(0, unit).repeat(n / unit).equals(text)) return true;
        }
        return false;
    }

    /** Each character one after (or one before) the last: "123456789012" (digits wrap around), "lkjihgfedcba". */
    private static boolean inOrder(String text) {
        if (text.length() < 2) return false;
        int step = 0;
        for (int i = 1; i < text.length(); i++) {
            char a = text.charAt(i - 1);
            char b = text.charAt(i);
            int d = Character.isDigit(a) && Character.isDigit(b) ? Math.floorMod(b - a, 10) : b - a;
            if (d == 9) d = -1;
            if (d != 1 && d != -1) return false;
            if (step != 0 && d != step) return false;
            step = d;
        }
        return true;
    }

    private static Set<String> read() {
        Set<String> words = new HashSet<>(TOP * 2);
        try (InputStream in = CommonPasswords.class.getResourceAsStream(LIST)) {
            if (in == null) throw new IllegalStateException(LIST + " is missing from the class path (nbvcxz)");
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while (words.size() < TOP && (line = lines.readLine()) != null) {
                if (!line.isBlank()) words.add(line.strip().toLowerCase(Locale.ROOT));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(words);
    }
}
