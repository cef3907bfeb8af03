package dev.lanyard.web;

import dev.lanyard.account.LinkTokens;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@link RedactedLogs} does to a line's text: mailed links' tokens, secret parameters' values, credential headers'
 * values and bearer tokens replaced by {@code [redacted]}; the patterns that find them, and the words a line must hold
 * before they are tried.
 */
final class RedactedText {
    /**
     * Names whose value is a credential or a token, as a parameter, a record's component, a header, a cookie list or a
     * JSON member: {@code code}, {@code challenge}, the hints, the CSRF token, any name ending in password, secret or
     * token ({@code newPassword}, {@code client_secret}, {@code X-XSRF-TOKEN}), and the headers that carry credentials.
     */
    private static final String SECRET_NAME = "code|code_verifier|challenge|id_token_hint|logout_hint|_csrf|[\\w-]*password"
            + "|[\\w-]*secret|[\\w-]*token|(?:proxy-)?authorization(?:_header)?|cookies?|set-cookie2?|x-api-key";
    /**
     * A secret name and its value where a structure says where the value ends: Spring's maps of headers and parameters
     * ({@code Authorization:[Bearer …]}, {@code {authorization=[…]}}, to the {@code ]} before the next entry or the
     * map's end), Spring's {@code HttpHeaders} ({@code Set-Cookie:"…"}) and JSON ({@code "password":"…"}).
     */
    private static final Pattern SECRET_IN_STRUCTURE = inStructure(SECRET_NAME);
    /** Names whose value is a credential or a token as a query's, a form's or a record's parameter. */
    private static final String PARAMETER_NAME = "code|code_verifier|challenge|id_token_hint|logout_hint|_csrf|\\w*password|\\w*secret"
            + "|\\w*token";
    /** A query's or a record's {@code name=value}: the value runs to the next separator. */
    private static final Pattern SECRET_PARAMETER = parameter(PARAMETER_NAME);
    /** A JSON escape or a percent-encoded byte of an ASCII character; what it stands for in group 1 or 2. */
    private static final Pattern ESCAPE = Pattern.compile("\\\\u00([0-7][0-9a-fA-F])|%([0-7][0-9a-fA-F])");
    /** A letter, a digit, {@code _} or {@code -} escaped: what {@code [\w-]} matches, written the other ways. */
    private static final String ESCAPED_WORD_CHARACTER = "(?:\\\\u00|%)(?:2d|3[0-9]|4[1-9a-f]|5[0-9af]|6[1-9a-f]|7[0-9a])";
    /**
     * The two above with each character of a name also matched as a JSON escape (<code>"pass&#92;u0077ord"</code>) or
     * percent-encoded ({@code pass%77ord=}, either case of hex), which the JSON reader and the form parser read as the name
     * itself: Tomcat's raw request and its parameter parser printed such a password in clear (outside review). Only a line
     * holding a <code>&#92;u</code> or a {@code %} is matched with them.
     */
    private static final Pattern ESCAPED_SECRET_IN_STRUCTURE = inStructure(escapable(SECRET_NAME));
    private static final Pattern ESCAPED_SECRET_PARAMETER = parameter(escapable(PARAMETER_NAME));
    /**
     * A header as HTTP writes it ({@code Authorization: Bearer …}), in a raw request Tomcat prints, a client's header
     * log or Tomcat's cookie parser's line ({@code Cookies: …}): the value runs to the end of the line.
     */
    private static final Pattern SECRET_HEADER_LINE = Pattern.compile("(?im)(^|[\\s\">])((?:proxy-)?authorization|cookies?|set-cookie2?"
            + "|x-api-key|[\\w-]*(?:token|secret|password))(:[ \\t]+)(?!\\[redacted\\])[^\\r\\n]+");
    /**
     * A bearer token wherever it stands, such as a value bound to SQL or a query string ({@code Bearer%20…},
     * {@code Bearer+…}, review AN); not the English words that follow "bearer" in prose, such as migration V30's name in
     * Flyway's upgrade line ("30 - bearer sessions", review AM), unless more of a token follows them.
     */
    private static final Pattern BEARER = Pattern.compile("(?i)(\\bbearer(?:\\s+|%20|\\+))(?!\\[redacted\\]"
            + "|(?:sessions?|tokens?|authentication|authorization)(?![A-Za-z0-9._~+/-]))[A-Za-z0-9._~+/-]{8,}=*");
    /** Words that one of the patterns above (or a mailed link) needs; a line without any is not scanned further. */
    private static final String[] CLUES = {"/invite/", "/not-me/", "/signup/confirm/", "/login/reset/", "code", "challenge", "_hint",
            "csrf", "password", "secret", "token", "authorization", "cookie", "x-api-key", "bearer"};
    private static final String CLUE_STARTS = "/c_pstabx";

    private RedactedText() {
    }

    /**
     * {@code text} with mailed links' tokens, secret parameters' values and credential headers' values replaced; the
     * same instance when it has none. A line without any of the words those need is returned unscanned.
     */
    static String redact(String text) {
        if (text == null) {
            return null;
        }
        boolean escapes = text.indexOf('%') >= 0 || text.contains("\\u");
        if (!mayHoldSecrets(escapes ? unescaped(text) : text)) {
            return text;
        }
        String redacted = LinkTokens.redact(text);
        redacted = (escapes ? ESCAPED_SECRET_IN_STRUCTURE : SECRET_IN_STRUCTURE).matcher(redacted).replaceAll(found -> Matcher.quoteReplacement(
                found.group(1) + found.group(2) + found.group(1) + found.group(3) + (found.group(4).startsWith("[") ? "[redacted]" : "\"[redacted]\"")));
        redacted = (escapes ? ESCAPED_SECRET_PARAMETER : SECRET_PARAMETER).matcher(redacted).replaceAll("$1[redacted]");
        redacted = SECRET_HEADER_LINE.matcher(redacted).replaceAll("$1$2$3[redacted]");
        redacted = BEARER.matcher(redacted).replaceAll("$1[redacted]");
        return redacted.equals(text) ? text : redacted;
    }

    /** A secret name and its value where a structure says where the value ends, the name one of {@code names}. */
    private static Pattern inStructure(String names) {
        return Pattern.compile("(?i)(?<![\\w-])(\"?)(" + names + ")\\1(\\s*[:=]\\s*)"
                + "(\\[(?!redacted\\])(?:.*?)\\](?=,\\s|\\}|\\s*$)|\"(?!\\[redacted\\]\")(?:[^\"\\\\]|\\\\.)*\")");
    }

    /** {@code name=value} with the name one of {@code names}; the value runs to the next separator. */
    private static Pattern parameter(String names) {
        return Pattern.compile("(?i)((?<!\\w)(?:" + names + ")=)(?!\\[redacted\\])[^&\\s\"',}\\]]+");
    }

    /**
     * {@code names}, a pattern of literal letters, digits, {@code _} and {@code -}, {@code [\w-]} and {@code \w}, groups,
     * alternatives and quantifiers, with each character also matched escaped ({@link #ESCAPED_WORD_CHARACTER}).
     */
    private static String escapable(String names) {
        StringBuilder pattern = new StringBuilder();
        for (int i = 0; i < names.length(); i++) {
            char c = names.charAt(i);
            if (names.startsWith("[\\w-]", i) || names.startsWith("\\w", i)) {
                pattern.append("(?:[\\w-]|").append(ESCAPED_WORD_CHARACTER).append(')');
                i += names.startsWith("[\\w-]", i) ? 4 : 1;
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '-') {
                String lower = Integer.toHexString(Character.toLowerCase(c));
                String upper = Integer.toHexString(Character.toUpperCase(c));
                pattern.append("(?:").append(c).append("|(?:\\\\u00|%)(?:").append(lower).append('|').append(upper).append("))");
            } else {
                pattern.append(c);
            }
        }
        return pattern.toString();
    }

    /** {@code text} with its escapes read as the characters they stand for: where the {@link #CLUES} are looked for. */
    private static String unescaped(String text) {
        return ESCAPE.matcher(text).replaceAll(escape -> Matcher.quoteReplacement(String.valueOf(
                (char) Integer.parseInt(escape.group(1) != null ? escape.group(1) : escape.group(2), 16))));
    }

    /** Whether {@code text} holds one of the {@link #CLUES}, ignoring case: one pass, no regular expression. */
    private static boolean mayHoldSecrets(String text) {
        for (int i = 0, length = text.length(); i < length; i++) {
            char c = Character.toLowerCase(text.charAt(i));
            if (CLUE_STARTS.indexOf(c) < 0) {
                continue;
            }
            for (String clue : CLUES) {
                if (clue.charAt(0) == c && text.regionMatches(true, i, clue, 0, clue.length())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** MDC values redacted; the same map when none needs it. */
    static Map<String, String> redactMdc(Map<String, String> mdc) {
        if (mdc == null || mdc.isEmpty() || mdc.values().stream().allMatch(v -> redact(v) == v)) {
            return mdc;
        }
        Map<String, String> redacted = new LinkedHashMap<>();
        mdc.forEach((key, value) -> redacted.put(key, redact(value)));
        return Collections.unmodifiableMap(redacted);
    }
}
