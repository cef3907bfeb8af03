package dev.lanyard.account;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * The mails that tell a member their password was changed (PRODUCT.md V4), by them or with a reset link: when, from where,
 * and what to do if it wasn't them; and that the server's operator made them a reset link. Times are in the member's
 * {@code zone} ({@link MailTimes}).
 */
final class PasswordChangedMail {
    static final String SUBJECT = "Your Lanyard password was changed";
    static final String LINK_MADE_SUBJECT = "A password reset link was made for your Lanyard account";

    private PasswordChangedMail() {
    }

    static String body(Account account, Optional<ZoneId> zone, PasswordChange change, Instant at, String baseUrl, boolean resetAvailable) {
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
                %s""".formatted(Mailer.isolated(account.name()), Mailer.isolated(account.email()),
                MailTimes.in(zone, at), Mailer.isolated(orUnknown(from.device())),
                orUnknown(from.location()), others, firstStep(baseUrl, resetAvailable), baseUrl, baseUrl, baseUrl,
                Mailer.placeCredit(from.location()));
    }

    /**
     * The mail after a reset by a link (decision 67): every session ended, so there is no "other". What to do if it was
     * not the member depends on who made the link: for a mailed one someone reads the mailbox, for the operator's one
     * someone got hold of the link.
     */
    static String reset(Account account, Optional<ZoneId> zone, PasswordResets.Origin origin, String address, Instant at, String baseUrl,
                        boolean resetAvailable) {
        boolean mailed = origin == PasswordResets.Origin.MAIL;
        String how = mailed ? "with a link mailed to this address" : "with a link the server's operator made for you";
        String notYou = mailed
                ? "If it wasn't you, someone can read this mailbox. Secure it first, then ask for a new link at\n" + baseUrl + "/login/forgot"
                : "If it wasn't you, someone else got the link. Tell your server's operator, "
                  + (resetAvailable ? "ask for a new link at\n" + baseUrl + "/login/forgot" : "ask them for a new link");
        return """
                Hello %s,

                The password of your Lanyard account %s was reset %s.

                When:     %s
                From:     %s

                Every session of your account was signed out. API keys keep working.

                If this was you, there is nothing else to do: sign in at %s/login with the new password.

                %s and check your API keys at %s/settings/api-keys.
                """.formatted(Mailer.isolated(account.name()), Mailer.isolated(account.email()),
                how, MailTimes.in(zone, at), address, baseUrl, notYou, baseUrl);
    }

    /**
     * The notice that the server's operator made a reset link for the account (decision 67, addendum): never the link,
     * which the operator hands over themselves, and which the member may not have asked for.
     */
    static String linkMade(Account account, Optional<ZoneId> zone, Instant at, Instant expiresAt, String baseUrl) {
        return """
                Hello %s,

                A password reset link was made for your Lanyard account %s by the server's operator, on %s.
                It works until %s, once. The operator hands it over to you themselves; it is not in this mail.

                Your password stays as it is until the link is used. Using it signs out every session of your
                account at %s (API keys keep working). If you did not ask for it, tell your operator.
                """.formatted(Mailer.isolated(account.name()), Mailer.isolated(account.email()),
                MailTimes.in(zone, at), MailTimes.in(zone, expiresAt),
                baseUrl);
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
