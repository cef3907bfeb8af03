package dev.lanyard.signin;

import java.util.Optional;

/**
 * Where the sign-in page may send a person afterwards: a path on Lanyard itself, never another
 * site (no scheme, no {@code //host}, no backslash that a browser would read as a slash, no
 * control characters, no braces).
 */
final class ReturnPath {
    /** An app's authorize request longer than this is refused before the sign-in ({@code apps.SignInAgain.LONGEST_RETURN}). */
    static final int MAX = 4000;

    private ReturnPath() {
    }

    static Optional<String> of(String next) {
        if (next == null || next.isEmpty() || next.length() > MAX) return Optional.empty();
        if (next.charAt(0) != '/' || next.startsWith("//")) return Optional.empty();
        for (int i = 0; i < next.length(); i++) {
            char c = next.charAt(i);
            // Braces too: a redirect view would read them as URI template variables.
            if (c == '\\' || c == '{' || c == '}' || Character.isISOControl(c) || Character.isWhitespace(c)) return Optional.empty();
        }
        return Optional.of(next);
    }
}
