package dev.lanyard.account;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Passwords made of the account's own email address or name, the first things a guesser who knows whose account it
 * is tries (decision 68, ASVS 5.0 6.2.11). Compared by their letters and digits, case aside ({@code Ada.Lovelace!} is
 * the name "Ada Lovelace"), also with digits around them changed ({@code adalovelace1815} for the local part
 * {@code ada.lovelace2024}): the whole address, its local part, the name, and each word of the name, the last three
 * only from {@value #SHORTEST} letters or digits (a name "Al" refuses nothing).
 */
final class PersonalPasswords {
    static final int SHORTEST = 4;

    private PersonalPasswords() {
    }

    /** Whether {@code password} is, but for symbols, case and digits around it, {@code email} or {@code name}, or a part of them. */
    static boolean own(String password, String email, String name) {
        String core = core(password);
        String trimmed = trimDigits(core);
        for (String detail : details(email, name)) {
            if (core.equals(detail) || trimmed.length() >= SHORTEST && trimmed.equals(trimDigits(detail))) return true;
        }
        return false;
    }

    private static List<String> details(String email, String name) {
        List<String> details = new ArrayList<>();
        if (email != null && !email.isBlank()) {
            details.add(core(email));
            int at = email.lastIndexOf('@');
            if (at > 0) details.add(core(email.substring(0, at)));
        }
        if (name != null) {
            details.add(core(name));
            for (String word : name.split("[^\\p{L}\\p{N}]+")) details.add(core(word));
        }
        details.removeIf(detail -> detail.length() < SHORTEST);
        return details;
    }

    /** The letters and digits of {@code text}, lower-cased. */
    private static String core(String text) {
        StringBuilder core = new StringBuilder(text.length());
        text.toLowerCase(Locale.ROOT).codePoints().filter(Character::isLetterOrDigit).forEach(core::appendCodePoint);
        return core.toString();
    }

    private static String trimDigits(String core) {
        return core.replaceAll("^\\p{N}+|\\p{N}+$", "");
    }
}
