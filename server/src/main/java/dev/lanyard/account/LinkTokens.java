package dev.lanyard.account;

import java.util.regex.Pattern;

/**
 * Hides the secrets of mailed links in text that is logged: the token of an invitation
 * ({@code /invite/<token>}) and of a "this wasn't me" link ({@code /not-me/<token>}) are each a
 * credential on their own, and a log is read by more people than the mailbox they were sent to.
 * Every logged request path and every logged mail error goes through {@link #redact}.
 */
public final class LinkTokens {
    private static final Pattern LINK_TOKEN = Pattern.compile("(/invite/|/not-me/|/signup/confirm/)[A-Za-z0-9_-]+");

    private LinkTokens() {
    }

    /** {@code text} with each link token replaced by {@code [redacted]}; null stays null. */
    public static String redact(String text) {
        return text == null ? null : LINK_TOKEN.matcher(text).replaceAll("$1[redacted]");
    }
}
