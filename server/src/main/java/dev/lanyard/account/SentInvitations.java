package dev.lanyard.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The invitations an admin sends, sends again and cancels ({@link Members#invite}, {@link Members#resend},
 * {@link Members#cancel}): each in a transaction of its own, with the team locked and the admin checked still its
 * admin, and each mail counted against the team's daily allowance.
 */
final class SentInvitations {
    static final Duration INVITATION_LIFETIME = Duration.ofDays(7);

    private final AccountStore accounts;
    private final InvitationStore invitations;
    private final Mailer mailer;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final LoginThrottle throttle;
    private final Clock clock;
    private final MailSettings mail;

    /**
     * Whether an invitation keeps quiet about an email that has an account (decision 61): where sign-up confirms
     * emails, it does not tell either, so this would be the one place left to ask.
     */
    private final boolean hidesAccounts;

    SentInvitations(AccountStore accounts, InvitationStore invitations, Mailer mailer, ApplicationEventPublisher events,
                    TransactionTemplate transactions, LoginThrottle throttle, Clock clock, MailSettings mail, boolean hidesAccounts) {
        this.accounts = accounts;
        this.invitations = invitations;
        this.mailer = mailer;
        this.events = events;
        this.transactions = transactions;
        this.throttle = throttle;
        this.clock = clock;
        this.mail = mail;
        this.hidesAccounts = hidesAccounts;
    }

    Invitation invite(Account admin, String rawEmail, Role role, String address) {
        Members.requireAdmin(admin);
        String email = EmailRule.forNewAccount(rawEmail);
        if (role == null) throw new AccountProblem.InvalidInput("role", "Choose a role: admin or member.");
        if (hidesAccounts) return insertInvitation(admin, email, role);
        boolean taken;
        try {
            taken = throttle.probe(LoginThrottle.What.INVITATION, address, () -> accounts.taken(email, rawEmail));
        } catch (AccountProblem.TooManyAttempts tooMany) {
            throw AccountProblem.TooManyAttempts.invitations(tooMany.retryAfterSeconds());
        }
        if (taken) throw new AccountProblem.InvalidInput("email", "This person already has a Lanyard account.");
        return insertInvitation(admin, email, role);
    }

    private Invitation insertInvitation(Account admin, String email, Role role) {
        Instant now = clock.instant();
        String token = Ids.random("", 32);
        Invitation invitation = new Invitation(Ids.random("inv_", 12), admin.team(), email, role, admin.id(), now,
                now.plus(INVITATION_LIFETIME), Optional.empty(), Optional.empty(), MailDelivery.QUEUED);
        return transactions.execute(tx -> {
            // Still an admin of the team, checked with the team locked: a removal or a change of role made
            // meanwhile cancels the invitations the admin sent (cancelSentBy) and must not miss this one.
            accounts.lockTeamAsAdmin(admin);
            // A second link to the same person would stay "Pending" after they joined with the first.
            if (invitations.pendingTo(admin.team(), email, now, ""))
                throw new AccountProblem.InvalidInput("email", "This person already has a pending invitation. Resend it instead.");
            countMail(admin.team(), now);
            invitations.insert(invitation, Members.hash(token));
            boolean mailed = mail(admin, invitation, token);
            events.publishEvent(new AccountEvent.MemberInvited(admin.team(), admin.id(), email, role, false, mailed, now));
            return invitations.find(invitation.id(), admin.team()).orElseThrow();
        });
    }

    Invitation resend(Account admin, String invitationId) {
        Members.requireAdmin(admin);
        Instant now = clock.instant();
        String token = Ids.random("", 32);
        return transactions.execute(tx -> {
            accounts.lockTeamAsAdmin(admin);
            Invitation invitation = invitations.find(invitationId, admin.team()).orElseThrow(AccountProblem.NotFound::new);
            if (invitation.acceptedAt().isPresent() || invitation.cancelledAt().isPresent())
                throw AccountProblem.InvitationUnusable.forAdmin(invitation, memberNow(invitation));
            // An expired one sent again while a newer one is pending would leave one of the two "Pending" for good.
            if (invitations.pendingTo(admin.team(), invitation.email(), now, invitation.id()))
                throw new AccountProblem.InvalidInput("email", "This person has a newer pending invitation. Resend that one instead.");
            countMail(admin.team(), now);
            invitations.renew(invitation.id(), admin.team(), Members.hash(token), now.plus(INVITATION_LIFETIME), now);
            boolean mailed = mail(admin, invitation, token);
            events.publishEvent(new AccountEvent.MemberInvited(admin.team(), admin.id(), invitation.email(), invitation.role(), true,
                    mailed, now));
            return invitations.find(invitationId, admin.team()).orElseThrow();
        });
    }

    void cancel(Account admin, String invitationId) {
        Members.requireAdmin(admin);
        Instant now = clock.instant();
        transactions.executeWithoutResult(tx -> {
            accounts.lockTeamAsAdmin(admin);
            Invitation invitation = invitations.find(invitationId, admin.team()).orElseThrow(AccountProblem.NotFound::new);
            // Cancelling again changes nothing; an accepted one cannot be undone here (the person joined, and may be a member).
            if (invitation.acceptedAt().isPresent()) throw AccountProblem.InvitationUnusable.forAdmin(invitation, memberNow(invitation));
            if (invitations.cancel(invitationId, admin.team(), now) == 1)
                events.publishEvent(new AccountEvent.InvitationCancelled(admin.team(), admin.id(), invitation.email(), now));
        });
    }

    /**
     * Whether the invitation's email is a member of its team now: whoever accepted it may have been removed since (outside
     * review: a refused resend said they were a member). Only the admin's own team is looked at, which its members page
     * shows anyway: an account elsewhere is not told.
     */
    private boolean memberNow(Invitation invitation) {
        return accounts.holder(invitation.email(), invitation.email()).filter(a -> a.team().equals(invitation.team())).isPresent();
    }

    /**
     * Counts an invitation mail of the team, in the caller's transaction with the team locked: at most
     * {@link MailSettings#invitationsPerDay} in any 24 hours. Anyone can sign up and run a team, and the mail goes
     * from Lanyard's own sender with the admin's words in it; a refusal rolls the count back with the rest.
     *
     * @throws AccountProblem.TooManyAttempts the team sent as many as it may (429, with when the oldest counts no more)
     */
    private void countMail(TeamId team, Instant now) {
        Instant since = now.minus(Duration.ofDays(1));
        if (invitations.countMailAndNote(team, since, now) < mail.invitationsPerDay()) return;
        Instant freed = invitations.oldestMailSince(team, since).orElse(since).plus(Duration.ofDays(1));
        throw AccountProblem.TooManyAttempts.invitationMails(mail.invitationsPerDay(),
                Math.max(1, Duration.between(now, freed).toSeconds() + 1));
    }

    /**
     * The invitation mail. Its subject is Lanyard's own words: the admin's name and the team's are whatever
     * someone who signed up typed, so they stay in the body, quoted and said to be the inviter's. Returns whether it went
     * to the mail server; without one it was kept in the team's outbox.
     */
    private boolean mail(Account admin, Invitation invitation, String token) {
        String team = accounts.findTeam(admin.team()).map(Team::name).orElse("your team");
        String invited = """
                You are invited to join a team on Lanyard as %s.

                Invited by: “%s” <%s>
                Team:       “%s”
                (The names are as the person who invited you entered them.)

                """.formatted(invitation.role() == Role.ADMIN ? "an admin" : "a member", Mailer.isolated(admin.name()),
                Mailer.isolated(admin.email()), Mailer.isolated(team));
        // Where invitations keep quiet about accounts, the admin is told nothing: the invitation stays pending, and only
        // the mailbox's owner learns why.
        String rest = hidesAccounts && accounts.taken(invitation.email(), invitation.email()) ? """
                This email address already has a Lanyard account, and an account belongs to one team, so you
                cannot join with it. If you want to join, ask the person who invited you to invite another address
                of yours. Your account has not changed. If you did not expect this, ignore this mail.
                """ : """
                Accept the invitation and choose your password:
                %s

                The link works once and expires in 7 days. If you did not expect this, ignore this mail.
                """.formatted(mailer.baseUrl() + "/invite/" + token);
        // Worth sending until the invitation expires. The mail that says the address cannot join carries no link, but is
        // given up alike: its admin must not tell the two apart by when or why a mail was given up.
        Optional<Long> sent = mailer.send(admin.team(), invitation.email(), "Invitation to join a team on Lanyard", invited + rest,
                invitation.expiresAt());
        invitations.noteMail(invitation.id(), admin.team(), sent);
        return sent.isPresent();
    }
}
