package dev.lanyard.session;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one text form of every list's page cursor: the sessions list, history, the team overview,
 * the audit log. A cursor is opaque to clients (base64url of its parts) and checked the same way
 * everywhere: a value that is not one this server could have handed out is
 * {@link SessionProblem.InvalidCursor}, never a silent first page and never a query with a
 * malformed value (docs/decisions/0014-strict-input-and-what-each-viewer-sees.md): in the one
 * spelling the encoder writes, of the parts the list writes. These cursors carry no signature: one
 * made by hand in that form is a place in the list like any other, and shows only what the list shows.
 * The session lists' cursors, whose parts name sessions, leave the server sealed ({@link SealedCursors}).
 */
public final class Cursors {
    /** Longer than any cursor Lanyard hands out (an email of 254 characters is the longest part). */
    static final int MAX_LENGTH = 512;
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");
    private static final String SEPARATOR = "\u001f";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private Cursors() {
    }

    /** The cursor of these parts; no part may hold a control character. */
    public static String encode(String... parts) {
        for (String part : parts) {
            if (part.chars().anyMatch(Character::isISOControl)) throw new IllegalArgumentException("control character in a cursor part");
        }
        return ENCODER.encodeToString(String.join(SEPARATOR, parts).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The {@code count} parts of a cursor, or empty for none (null or blank: the first page).
     *
     * @throws SessionProblem.InvalidCursor when the value is not a cursor of {@code count} non-empty parts
     */
    public static Optional<List<String>> decode(String value, int count) {
        if (value == null || value.isBlank()) return Optional.empty();
        if (value.length() > MAX_LENGTH || !BASE64URL.matcher(value).matches()) throw new SessionProblem.InvalidCursor();
        String text;
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(value);
            // The decoder ignores the unused low bits of the last character: "YUBiLmNvbR" reads as "YUBiLmNvbQ".
            if (!ENCODER.encodeToString(bytes).equals(value)) throw new SessionProblem.InvalidCursor();
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw new SessionProblem.InvalidCursor();
        }
        List<String> parts = List.of(text.split(SEPARATOR, -1));
        if (parts.size() != count || parts.stream().anyMatch(p -> p.isEmpty() || p.chars().anyMatch(Character::isISOControl)))
            throw new SessionProblem.InvalidCursor();
        return Optional.of(parts);
    }

    /**
     * The email of a member list's cursor (the team overview's, the members'), or empty for none: the address of the last
     * member of the page before, as accounts store it ({@link dev.lanyard.account.Account#storedEmailShape}).
     *
     * @throws SessionProblem.InvalidCursor when the value is not a cursor of one such address
     */
    public static Optional<String> decodeEmail(String value) {
        Optional<String> email = decode(value, 1).map(parts -> parts.get(0));
        if (email.isPresent() && !dev.lanyard.account.Account.storedEmailShape(email.get())) throw new SessionProblem.InvalidCursor();
        return email;
    }

    /** A cursor of one positive whole number (the audit log's seq). */
    public static String encode(long number) {
        return encode(Long.toString(number));
    }

    /** The positive whole number of a cursor made by {@link #encode(long)}, or empty for none. */
    public static Optional<Long> decodeLong(String value) {
        return decode(value, 1).map(parts -> {
            try {
                long n = Long.parseLong(parts.get(0));
                if (n > 0) return n;
            } catch (NumberFormatException e) {
                // the same answer as any other bad cursor
            }
            throw new SessionProblem.InvalidCursor();
        });
    }
}
