package dev.lanyard.account;

import java.time.Instant;

/** The mail that tells a member their password was changed (PRODUCT.md V4): when, from where, and what to do if it wasn't them. */
final class PasswordChangedMail {
    static final String SUBJECT = "Your Lanyard password was changed";

    private PasswordChangedMail() {
    }

    static String body(Account account, PasswordChange change, Instant at, String baseUrl) {
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
                  1. Sign in at %s/login. If your password no longer works, ask an admin of your team
                     to sign out every session of your account (Team sessions, Force sign-out).
                  2. Change your password at %s/settings/security and keep "Sign out all other sessions" ticked.
                  3. Check your sessions at %s/settings/sessions and your API keys at %s/settings/api-keys,
                     and revoke anything you don't recognize.
                %s""".formatted(account.name(), account.email(), Mailer.WHEN.format(at), orUnknown(from.device()),
                orUnknown(from.location()), others, baseUrl, baseUrl, baseUrl, baseUrl,
                Mailer.placeCredit(from.location()));
    }

    private static String orUnknown(String value) {
        return value.isBlank() ? "unknown" : value;
    }
}
