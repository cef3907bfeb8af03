package dev.lanyard.factors;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.MailTimes;
import dev.lanyard.account.Mailer;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Tells a member that an admin of their team reset their second factors (docs/decisions/0066): what was removed, the
 * admin's reason, that every session and API key of theirs ended, and what to do next. Queued in the reset's
 * transaction (sent after it commits); it holds no secret and no link that acts.
 */
@Component
class SecondFactorResetMail {
    static final String SUBJECT = "An admin reset the second factors of your Lanyard account";

    private final Mailer mailer;
    private final Accounts accounts;

    SecondFactorResetMail(Mailer mailer, Accounts accounts) {
        this.mailer = mailer;
        this.accounts = accounts;
    }

    @EventListener
    void on(FactorEvent.ResetByAdmin event) {
        Account account = event.account();
        String base = mailer.baseUrl();
        mailer.send(account.team(), account.email(), SUBJECT, """
                Hello %s,

                An admin of your team reset the second factors of your Lanyard account %s on %s.

                Removed: %s.
                Reason:  %s

                Every session of your account was signed out and your API keys were revoked. Signing in now
                needs only your password. If your team requires two-factor authentication, you will be asked
                to set up an authenticator app or a passkey again right after signing in, at %s/settings/security.

                If you did not ask for this, tell the admins of your team, then sign in and change your password
                at %s/settings/security.
                """.formatted(Mailer.isolated(account.name()), Mailer.isolated(account.email()),
                MailTimes.in(accounts.timeZone(account.id()), event.at()),
                event.removed(name -> "\u201c" + Mailer.isolated(name) + "\u201d"),
                Mailer.isolated(event.reason()), base, base));
    }
}
