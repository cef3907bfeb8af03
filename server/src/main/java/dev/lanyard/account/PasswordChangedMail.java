package dev.lanyard.account;

import java.time.Instant;

/** The mail that tells a member their password was changed (PRODUCT.md V4): when, from where, and what to do if it wasn't them. */
final class PasswordChangedMail {
    static final String SUBJECT = "Your Lanyard password was changed";

    private PasswordChangedMail() {
    }

    static String body(Account account, PasswordChange change, Instant at, String baseUrl, boolean resetAvailable) {
        PasswordChange.Origin from = change.origin();
        String others = change.signOutOthers()
                ? "Every other session of your account was signed out. API keys keep working."
                : "Your other sessions stayed signed in.";
        return """
                Hello %s,

                The password of your Lanyard account %s was changed.

                When:     %s
                Device:   %s
                Location: %s

                %s

                If this was you, there is nothing else to do.

                If it wasn't you, someone else knows your password and may have signed in as you:
                  1. %s
                  2. Change your password at %s/settings/security and keep "Sign out all other sessions" ticked.
                  3. Check your sessions at %s/settings/sessions and your API keys at %s/settings/api-keys,
                     and revoke anything you don't recognize.
                %s""".formatted(account.name(), account.email(), Mailer.WHEN.format(at), orUnknown(from.device()),
                orUnknown(from.location()), others, firstStep(baseUrl, resetAvailable), baseUrl, baseUrl, baseUrl,
                Mailer.placeCredit(from.location()));
    }

    /** The mail after a reset by a mailed link (decision 67): every session ended, so there is no "other". */
    static String reset(Account account, String address, Instant at, String baseUrl) {
        return """
                Hello %s,

                The password of your Lanyard account %s was reset with a link mailed to this address.

                When:     %s
                From:     %s

                Every session of your account was signed out. API keys keep working.

                If this was you, there is nothing else to do: sign in at %s/login with the new password.

                If it wasn't you, someone can read this mailbox. Secure it first, then ask for a new link at
                %s/login/forgot and check your API keys at %s/settings/api-keys.
                """.formatted(account.name(), account.email(), Mailer.WHEN.format(at), address, baseUrl, baseUrl, baseUrl);
    }

    /** What to do first when the change was not the member's. */
    private static String firstStep(String baseUrl, boolean resetAvailable) {
        return resetAvailable
                ? "Sign in at " + baseUrl + "/login. If your password no longer works, choose a new one at\n"
                  + "     " + baseUrl + "/login/forgot: that signs out every session of your account."
                : "Sign in at " + baseUrl + "/login. If your password no longer works, ask an admin of your team\n"
                  + "     to sign out every session of your account (Team sessions, Force sign-out).";
    }

    private static String orUnknown(String value) {
        return value.isBlank() ? "unknown" : value;
    }
}
