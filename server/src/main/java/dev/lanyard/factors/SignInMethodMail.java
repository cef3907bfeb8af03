package dev.lanyard.factors;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.MailTimes;
import dev.lanyard.account.Mailer;
import dev.lanyard.passkeys.PasskeyEvent;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.SessionProblem;
import dev.lanyard.session.SessionView;
import dev.lanyard.session.Sessions;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Tells a member by email when a way to sign in was added to their account: an authenticator app turned on,
 * or a passkey added. Both need the password, but whoever adds one holds a way in that outlives a password
 * change, so the owner hears of it wherever they are. Queued in the change's transaction (sent after it commits).
 */
@Component
class SignInMethodMail {
    static final String SUBJECT = "A sign-in method was added to your Lanyard account";

    private final Mailer mailer;
    private final Accounts accounts;
    private final Sessions sessions;
    private final Clock clock;

    SignInMethodMail(Mailer mailer, Accounts accounts, Sessions sessions, Clock clock) {
        this.mailer = mailer;
        this.accounts = accounts;
        this.sessions = sessions;
        this.clock = clock;
    }

    @EventListener
    void on(FactorEvent.Enabled event) {
        send(event.account(), event.session(), "An authenticator app now gives the codes that signing in asks for.", event.at());
    }

    @EventListener
    void on(PasskeyEvent.Added event) {
        accounts.find(event.passkey().owner()).ifPresent(account ->
                send(account, event.fromSession(),
                        "A passkey named “" + Mailer.isolated(event.passkey().name())
                                + "” can now sign in to your account without a password.",
                        event.at()));
    }

    /** The session the method was added from, as the member's session list describes it (device, place). */
    private Optional<SessionView> from(Account account, SessionId session) {
        try {
            return Optional.of(SessionView.of(sessions.get(session, account.id()), true, Duration.ZERO, clock));
        } catch (SessionProblem.NotFound gone) {
            return Optional.empty();
        }
    }

    private void send(Account account, SessionId session, String what, Instant at) {
        String base = mailer.baseUrl();
        Optional<SessionView> from = from(account, session);
        String device = from.map(SessionView::device).filter(d -> !d.isBlank()).map(Mailer::isolated).orElse("unknown");
        String place = from.map(SessionView::location).filter(l -> !l.isBlank()).orElse("unknown");
        mailer.send(account.team(), account.email(), SUBJECT, """
                Hello %s,

                A sign-in method was added to your Lanyard account %s.

                When:     %s
                Device:   %s
                Location: %s

                %s

                If this was you, there is nothing else to do.

                If it wasn't you, someone signed in as you knows your password. What they added may need a
                code you do not have to remove, so:
                  1. Change your password now at %s/settings/security and keep "Sign out all other sessions"
                     ticked: they can no longer sign in with it.
                  2. Ask an admin of your team to reset your two-factor authentication (on your page under
                     Team sessions): that removes the authenticator app, recovery codes and passkeys, signs out
                     all your sessions, and lets you set up your own.
                  3. Remove any passkey you don't recognize at %s/settings/security and check your sessions at
                     %s/settings/sessions.
                %s""".formatted(Mailer.isolated(account.name()), Mailer.isolated(account.email()),
                MailTimes.in(accounts.timeZone(account.id()), at), device, place,
                what, base, base, base, Mailer.placeCredit(place)));
    }
}
