package dev.lanyard.account;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one rule for email addresses, applied at sign-up, invitation and sign-in: surrounding spaces
 * are dropped, the address is lower-cased, and it may be at most {@value #MAX_LENGTH} characters
 * (RFC 5321's limit for a forward path, less its angle brackets). A new account's address must also
 * look like one; at sign-in a malformed address is simply wrong credentials.
 */
final class EmailRule {
    static final int MAX_LENGTH = 254;
    private static final Pattern SHAPE = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");

    private EmailRule() {
    }

    /** The address as given at sign-in, normalized; longer than the limit is {@link AccountProblem.InvalidInput}. */
    static String forSignIn(String raw) {
        String email = normalize(raw);
        if (email.length() > MAX_LENGTH) throw tooLong();
        return email;
    }

    /** The address of a new account or invitation, normalized and checked. */
    static String forNewAccount(String raw) {
        String email = normalize(raw);
        if (email.length() > MAX_LENGTH) throw tooLong();
        if (!SHAPE.matcher(email).matches() || email.chars().anyMatch(Character::isISOControl))
            throw new AccountProblem.InvalidInput("email", "Enter a valid email address.");
        return email;
    }

    private static String normalize(String raw) {
        return raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
    }

    private static AccountProblem.InvalidInput tooLong() {
        return new AccountProblem.InvalidInput("email", "Use an email address of at most " + MAX_LENGTH + " characters.");
    }
}
