package dev.lanyard.web;

/**
 * Spring Security's firewall rule for header names and values ({@code StrictHttpFirewall}'s
 * defaults: every character assigned in Unicode and none a control character, a tab allowed in
 * values), checked with a loop instead of a regular expression. The firewall checks every header
 * a request's code reads, on every request; the regular expression was ≈ 3% of an API request's CPU
 * (issue 13). {@code HeaderCharactersTest} holds it to Spring's own predicates for every code point.
 */
final class HeaderCharacters {
    private HeaderCharacters() {
    }

    static boolean allowedName(String name) {
        return allowed(name, false);
    }

    static boolean allowedValue(String value) {
        return allowed(value, true);
    }

    private static boolean allowed(String text, boolean tab) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f) continue; // printable ASCII, nearly every header
            int point = text.codePointAt(i);
            int type = Character.getType(point);
            if (type == Character.UNASSIGNED || type == Character.CONTROL && !(tab && point == '\t')) return false;
            i += Character.charCount(point) - 1;
        }
        return true;
    }
}
