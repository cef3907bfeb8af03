package dev.lanyard.account;

import java.util.regex.Pattern;

/**
 * Hides the secrets of mailed links in text that is logged: the token of an invitation
 * ({@code /invite/<token>}) and of a "this wasn't me" link ({@code /not-me/<token>}) are each a
 * credential on their own, and a log is read by more people than the mailbox they were sent to.
 * Every logged request path and every logged mail error goes through {@link #redact}.
 */
public final class LinkTokens {
    private static final Pattern LINK_TOKEN = Pattern.compile("(/invite/|/not-me/|/signup/confirm/|/login/reset/)[A-Za-z0-9_-]+");
    /** The links that act for the person they were mailed to (an invitation is the inviting admin's to hand over). */
    private static final Pattern PERSONAL_TOKEN = Pattern.compile("(/not-me/|/signup/confirm/|/login/reset/)[A-Za-z0-9_-]+");

    private LinkTokens() {
    }

    /** Whether {@code token} could be a mailed link's token at all: anything else is answered as an unknown link, unhashed. */
    static boolean plausible(String token) {
        return token != null && !token.isBlank() && token.length() <= 100;
    }

    /** {@code text} with each link token replaced by {@code [redacted]}; null stays null. */
    public static String redact(String text) {
        return text == null ? null : LINK_TOKEN.matcher(text).replaceAll("$1[redacted]");
    }

    /**
     * {@code text} with the token of each link that acts as the person it was mailed to replaced by {@code [redacted]}:
     * for a mail shown to someone else (an admin reading the outbox), who could otherwise end that member's sessions in
     * the member's name.
     */
    public static String redactPersonal(String text) {
        return text == null ? null : PERSONAL_TOKEN.matcher(text).replaceAll("$1[redacted]");
    }
}
