package dev.lanyard.factors;


import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.MailTimes;
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

    /** What to do if it wasn't them, for a member with an authenticator app: the codes needed a code of it or an old recovery code. */
    private static final String WITH_APP = """
            If it wasn't you, someone signed in as you knows your password and had a code from your
            authenticator app or one of your recovery codes:
              1. Change your password at %s/settings/security and keep "Sign out all other sessions" ticked.
              2. Turn two-factor authentication off and on again there, with a new secret: that makes
                 new recovery codes only you have seen.
              3. Check your sessions at %s/settings/sessions, and ask an admin of your team to sign out
                 every session of your account if you cannot sign in.
            """;

    /** For a member whose second factors are passkeys alone: their password was enough (docs/decisions/0066, addendum). */
    private static final String WITH_PASSKEYS = """
            If it wasn't you, someone signed in as you knows your password:
              1. Change your password at %s/settings/security and keep "Sign out all other sessions" ticked.
              2. Make new recovery codes there yourself: they replace the ones made now, which then stop
                 working. Remove any passkey you don't recognize.
              3. Check your sessions at %s/settings/sessions, and ask an admin of your team to reset
                 your two-factor authentication if you cannot sign in.
            """;

    private final Mailer mailer;
    private final Accounts accounts;

    RecoveryCodesMail(Mailer mailer, Accounts accounts) {
        this.mailer = mailer;
        this.accounts = accounts;
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

                %s""".formatted(Mailer.isolated(account.name()), Mailer.isolated(account.email()),
                MailTimes.in(accounts.timeZone(account.id()), event.at()),
                event.address() == null || event.address().isBlank() ? "unknown" : event.address(),
                (event.app() ? WITH_APP : WITH_PASSKEYS).formatted(base, base)));
    }
}
