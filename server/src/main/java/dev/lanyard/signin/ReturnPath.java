package dev.lanyard.signin;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the sign-in page may send a person afterwards: a path on Lanyard itself, never another
 * site (no scheme, no {@code //host}, no backslash that a browser would read as a slash, no
 * control characters, no braces), and never one with a dot segment ({@code /..}, {@code /./},
 * percent-encoded too), which no page of Lanyard's has: Tomcat refuses to resolve one above the
 * root with an exception, a 500 and a stack trace in the log per request (outside review). A
 * character outside ASCII is percent-encoded as UTF-8, so the path goes into a Location header
 * as it is: Tomcat writes a header in Latin-1, and drops one it cannot.
 */
final class ReturnPath {
    /** An app's authorize request longer than this is refused before the sign-in ({@code apps.SignInAgain.LONGEST_RETURN}). */
    static final int MAX = 4000;
    /** A percent-encoded dot, which browsers and Tomcat read in a path as a dot. */
    private static final Pattern ENCODED_DOT = Pattern.compile("%2e", Pattern.CASE_INSENSITIVE);

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
        if (hasDotSegment(next)) return Optional.empty();
        String ascii = asciiOnly(next);
        return ascii.length() > MAX ? Optional.empty() : Optional.of(ascii);
    }

    /**
     * Whether the path, up to its query, has a {@code .} or {@code ..} segment. A {@code #} ends a segment too: a browser
     * ends the path there, and Tomcat, when there is no query, resolves the path up to it.
     */
    private static boolean hasDotSegment(String next) {
        int query = next.indexOf('?');
        String path = query < 0 ? next : next.substring(0, query);
        for (String segment : path.split("[/#]", -1)) {
            String decoded = ENCODED_DOT.matcher(segment).replaceAll(".");
            if (decoded.equals(".") || decoded.equals("..")) return true;
        }
        return false;
    }

    /** The path with each character outside ASCII percent-encoded as UTF-8; the rest as it was. */
    private static String asciiOnly(String next) {
        StringBuilder ascii = new StringBuilder(next.length());
        next.codePoints().forEach(point -> {
            if (point < 0x80) {
                ascii.append((char) point);
                return;
            }
            for (byte b : new String(Character.toChars(point)).getBytes(StandardCharsets.UTF_8)) {
                ascii.append('%').append(String.format("%02X", b & 0xFF));
            }
        });
        return ascii.toString();
    }
}
