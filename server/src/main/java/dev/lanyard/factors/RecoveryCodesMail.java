package dev.lanyard.factors;


import dev.lanyard.account.Account;
import dev.lanyard.account.Mailer;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Tells a member by email that their recovery codes were replaced: the old ones stopped working, and whoever
 * holds the new ones holds a way past the second step, so the owner hears of it wherever they are. Queued in
 * the change's transaction (sent after it commits), like {@link SignInMethodMail}.
 */
@Component
class RecoveryCodesMail {
    static final String SUBJECT = "Your Lanyard recovery codes were replaced";

    private final Mailer mailer;

    RecoveryCodesMail(Mailer mailer) {
        this.mailer = mailer;
    }

    @EventListener
    void on(FactorEvent.RecoveryCodesRegenerated event) {
        Account account = event.account();
        String base = mailer.baseUrl();
        mailer.send(account.team(), account.email(), SUBJECT, """
                Hello %s,

                The recovery codes of your Lanyard account %s were replaced with new ones.

                When:    %s
                Address: %s

                Your old recovery codes no longer work. The new ones were shown once, on the page where
                they were made.

                If this was you, there is nothing else to do.

                If it wasn't you, someone signed in as you knows your password and had a code from your
                authenticator app or one of your recovery codes:
                  1. Change your password at %s/settings/security and keep "Sign out all other sessions" ticked.
                  2. Turn two-factor authentication off and on again there, with a new secret: that makes
                     new recovery codes only you have seen.
                  3. Check your sessions at %s/settings/sessions, and ask an admin of your team to sign out
                     every session of your account if you cannot sign in.
                """.formatted(account.name(), account.email(), Mailer.WHEN.format(event.at()),
                event.address() == null || event.address().isBlank() ? "unknown" : event.address(), base, base));
    }
}
