package dev.lanyard.keys;

import java.util.stream.Collectors;

import dev.lanyard.account.Accounts;
import dev.lanyard.account.MailTimes;
import dev.lanyard.account.Mailer;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Tells a member by email when an API key was made on their account. A key outlives a password change and "Log out
 * all devices" (decision 18), so the owner hears of it wherever they are, as of a passkey or an authenticator app.
 * Queued in the creation's transaction (sent after it commits). The key's name is the creator's text, quoted as such.
 */
@Component
class ApiKeyMail {
    static final String SUBJECT = "An API key was created on your Lanyard account";

    private final Mailer mailer;
    private final Accounts accounts;

    ApiKeyMail(Mailer mailer, Accounts accounts) {
        this.mailer = mailer;
        this.accounts = accounts;
    }

    @EventListener
    void on(ApiKeyEvent.Created event) {
        ApiKey key = event.key();
        accounts.find(key.owner()).ifPresent(account -> {
            String scopes = key.scopes().stream().map(KeyScope::code).sorted().collect(Collectors.joining(", "));
            String base = mailer.baseUrl();
            var zone = accounts.timeZone(account.id());
            mailer.send(account.team(), account.email(), SUBJECT, """
                    Hello %s,

                    An API key was created on your Lanyard account %s on %s.

                    Name:    “%s” (as it was typed)
                    Starts:  %s…
                    Scopes:  %s
                    Expires: %s

                    A key keeps working after a password change and after "Log out all devices", until it expires or
                    is revoked.

                    If this was you, there is nothing else to do.

                    If it wasn't you, someone who knows your password made it:
                      1. Revoke it at %s/settings/api-keys.
                      2. Change your password at %s/settings/security and keep "Sign out all other sessions" ticked.
                      3. Check your sessions at %s/settings/sessions.
                    """.formatted(Mailer.isolated(account.name()), Mailer.isolated(account.email()),
                    MailTimes.in(zone, event.at()), Mailer.isolated(key.name()), key.shown(), scopes,
                    key.expiresAt().map(at -> MailTimes.in(zone, at)).orElse("never"), base, base, base));
        });
    }
}
