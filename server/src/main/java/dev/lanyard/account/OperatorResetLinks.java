package dev.lanyard.account;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Import;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A password reset link made by the server's operator with the {@code reset-link} command (decision 67, addendum), for a
 * member who forgot their password where there is no mail server, or a team's only admin. The operator can read the
 * database already, so it grants no new power; they hand the link over themselves. It is the mailed link's kind (256
 * random bits stored hashed, one hour, single use, used on {@code /login/reset/<token>}) and works with or without a mail
 * server. The member is told by mail (or in the admins' outbox) that a link was made, never given it there.
 *
 * <p>Not a component of the server: the command's own small context imports it, with the few beans it needs.
 */
@Import({JdbcAccountStore.class, JdbcPasswordResetStore.class, JdbcMailOutboxStore.class, Mailer.class})
@EnableConfigurationProperties(MailSettings.class)
public class OperatorResetLinks {
    private final AccountStore store;
    private final PasswordResetStore resets;
    private final Mailer mailer;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    OperatorResetLinks(AccountStore store, PasswordResetStore resets, Mailer mailer, TransactionTemplate transactions,
                       ApplicationEventPublisher events, Clock clock) {
        this.store = store;
        this.resets = resets;
        this.mailer = mailer;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock;
    }

    /** A link made for {@code account}: its address ({@code lanyard.mail.base-url} and the token), usable once until {@code expiresAt}. */
    public record Made(Account account, String link, Instant expiresAt) {
    }

    /**
     * Makes a link for the account with {@code rawEmail}, records {@link AccountEvent.ResetLinkMade} (the audit log) and
     * mails the member a notice without the link, all in one transaction; empty, with nothing written, when no account
     * has the email. Neither the throttle from an address nor the email's mails an hour apply: nobody asked over the
     * network, and the link does not count towards them. Each call makes another link.
     *
     * @throws AccountProblem.InvalidInput the email is missing or too long
     */
    public Optional<Made> make(String rawEmail) {
        if (rawEmail == null || rawEmail.isBlank()) throw new AccountProblem.InvalidInput("email", "Give the account's email address.");
        String email = EmailRule.forSignIn(rawEmail);
        return transactions.execute(tx -> store.holder(email, rawEmail).map(account -> {
            Instant now = clock.instant();
            Instant expires = now.plus(PasswordResets.LINK_LIFETIME);
            String token = Ids.random("", 32);
            resets.insert(new PasswordResetStore.Request(Ids.random("reset_", 12), account.email(), Optional.of(account.id()),
                    Optional.of(Members.hash(token)), now, expires, PasswordResets.Origin.OPERATOR));
            events.publishEvent(new AccountEvent.ResetLinkMade(account, expires, now));
            mailer.send(account.team(), account.email(), PasswordChangedMail.LINK_MADE_SUBJECT,
                    PasswordChangedMail.linkMade(account, store.timeZone(account.id()), now, expires, mailer.baseUrl()));
            return new Made(account, mailer.baseUrl() + PasswordResets.PATH + token, expires);
        }));
    }
}
