package dev.lanyard.account;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An invitation's link used ({@link Members#pendingInvitation}, {@link Members#invited}, {@link Members#accept}): what
 * the accept page shows, and the account created in the team, in a transaction of its own.
 */
final class InvitationAcceptance {
    private final AccountStore accounts;
    private final InvitationStore invitations;
    private final PasswordHasher hasher;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final Clock clock;

    InvitationAcceptance(AccountStore accounts, InvitationStore invitations, PasswordHasher hasher,
                         ApplicationEventPublisher events, TransactionTemplate transactions, Clock clock) {
        this.accounts = accounts;
        this.invitations = invitations;
        this.hasher = hasher;
        this.events = events;
        this.transactions = transactions;
        this.clock = clock;
    }

    Members.Invited invited(Invitation invitation) {
        Optional<Account> inviter = accounts.find(invitation.invitedBy());
        return new Members.Invited(accounts.findTeam(invitation.team()).map(Team::name).orElse(""), inviter.map(Account::name).orElse(""),
                inviter.map(Account::email).orElse(""), invitation.role());
    }

    Optional<Invitation> pendingInvitation(String token) {
        if (token == null || token.isBlank() || token.length() > 100) return Optional.empty();
        return invitations.findByTokenHash(Members.hash(token)).filter(i -> i.pending(clock.instant()));
    }

    /**
     * Why {@code invitation}, read pending a moment ago, cannot be accepted now. Its email has had an account of its own
     * since it was sent (a sign-up made meanwhile), and an account belongs to one team: {@link
     * AccountProblem.InvitedEmailHasAccount}. Or the account is the one this same link made a moment ago, accepted at the
     * same time in another browser or on another node: the link is used, {@link AccountProblem.InvitationUnusable}, as
     * it would have read a moment later. Empty when nothing stands in the way.
     */
    Optional<AccountProblem> refusal(Invitation invitation) {
        if (!accounts.taken(invitation.email(), invitation.email())) return Optional.empty();
        // The link is marked used in the transaction that makes its account: read after the account, it says if it did.
        if (invitations.find(invitation.id(), invitation.team()).filter(i -> i.pending(clock.instant())).isEmpty())
            return Optional.of(new AccountProblem.InvitationUnusable());
        return Optional.of(new AccountProblem.InvitedEmailHasAccount(invitation.email(), invited(invitation).team()));
    }

    <T> T accept(String token, String rawName, String password, java.util.function.Function<Account, T> then) {
        String name = dev.lanyard.FreeText.strip(rawName);
        Invitation found = pendingInvitation(token).orElseThrow(AccountProblem.InvitationUnusable::new);
        // Before the form's rules: no name or password makes a difference, and "log in instead" would not join the team.
        Optional<AccountProblem> refused = refusal(found);
        if (refused.isPresent()) throw refused.get();
        dev.lanyard.InputErrors<AccountProblem.InvalidInput> errors = new dev.lanyard.InputErrors<>(AccountProblem.InvalidInput.class);
        errors.check(() -> {
            AccountInput.checkControlCharacters("name", rawName);
            AccountInput.checkName(name);
        });
        errors.check(() -> {
            AccountInput.checkControlCharacters("password", password);
            AccountInput.checkPassword(password, found.email(), name);
        });
        errors.throwIfAny(AccountProblem.InvalidInput::of);
        String passwordHash = hasher.hash(password);
        // Read now: a refused insert leaves PostgreSQL's transaction able to do nothing more.
        String team = invited(found).team();
        return transactions.execute(tx -> {
            Instant now = clock.instant();
            if (invitations.accept(found.id(), now) == 0) throw new AccountProblem.InvitationUnusable();
            Account account = new Account(AccountId.random(), found.team(), found.email(), name, found.role(), now);
            try {
                accounts.insert(account, passwordHash);
            } catch (DuplicateKeyException taken) {
                // Signed up between the check above and this insert.
                throw new AccountProblem.InvitedEmailHasAccount(found.email(), team);
            }
            // Other links to the same person (an expired one sent again) would stay "Pending" for good.
            invitations.cancelOthersTo(found.team(), found.email(), found.id(), now);
            // A link a mail server delivered reached the mailbox; one from the outbox was handed over by an admin, also when
            // a mail server was set up after it was sent (outside review AA): what counts is how this link's mail went.
            if (found.mail() != MailDelivery.OUTBOX) accounts.markEmailVerified(account.id(), now);
            events.publishEvent(new AccountEvent.MemberJoined(account, now));
            return then.apply(account);
        });
    }
}
