package dev.lanyard.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Team membership (PRODUCT.md T1, T5): invitations by email, roles, removal, and whether members
 * may view their session list. Every method acts on the calling admin's own team only; a member
 * or invitation of another team is reported exactly like one that does not exist.
 */
@Service
public class Members {
    static final Duration INVITATION_LIFETIME = Duration.ofDays(7);

    private final AccountStore accounts;
    private final InvitationStore invitations;
    private final PasswordHasher hasher;
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

    Members(AccountStore accounts, InvitationStore invitations, PasswordHasher hasher, Mailer mailer,
            ApplicationEventPublisher events, TransactionTemplate transactions, LoginThrottle throttle, Clock clock,
            MailSettings mail, SignUps signUps) {
        this.hidesAccounts = signUps.confirmsEmail();
        this.mail = mail;
        this.throttle = throttle;
        this.accounts = accounts;
        this.invitations = invitations;
        this.hasher = hasher;
        this.mailer = mailer;
        this.events = events;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** Members of the admin's team whose email starts with {@code prefix}, by email. */
    public List<Account> list(Account admin, String prefix, int limit, Optional<String> afterEmail) {
        requireAdmin(admin);
        return accounts.members(admin.team(), prefix == null ? "" : prefix.strip().toLowerCase(Locale.ROOT), limit, afterEmail);
    }

    /** A member of the admin's team; anyone else is {@link AccountProblem.NotFound}. */
    public Account member(Account admin, AccountId id) {
        requireAdmin(admin);
        return accounts.find(id).filter(a -> a.team().equals(admin.team())).orElseThrow(AccountProblem.NotFound::new);
    }

    /**
     * Invites {@code email} to the admin's team and mails a single-use link valid for 7 days. An email that
     * already has an account is refused and says so, which tells whether someone has one: each such refusal
     * counts as a failure from {@code address} under the sign-in throttle ({@link LoginThrottle}), so that the
     * admin of a team of their own cannot test many emails. Where sign-up confirms emails (decision 61) nothing is
     * said: the invitation is made as any other, and the mail tells its owner that the address cannot join.
     *
     * @throws AccountProblem.TooManyAttempts too many emails with an account invited from this address lately
     */
    public Invitation invite(Account admin, String rawEmail, Role role, String address) {
        requireAdmin(admin);
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
            invitations.insert(invitation, hash(token));
            events.publishEvent(new AccountEvent.MemberInvited(admin.team(), admin.id(), email, role, false, now));
            mail(admin, invitation, token);
            return invitations.find(invitation.id(), admin.team()).orElseThrow();
        });
    }

    /** Sends a pending invitation again with a new link; the old link stops working. */
    public Invitation resend(Account admin, String invitationId) {
        requireAdmin(admin);
        Instant now = clock.instant();
        String token = Ids.random("", 32);
        return transactions.execute(tx -> {
            accounts.lockTeamAsAdmin(admin);
            Invitation invitation = invitations.find(invitationId, admin.team()).orElseThrow(AccountProblem.NotFound::new);
            if (invitation.acceptedAt().isPresent() || invitation.cancelledAt().isPresent())
                throw AccountProblem.InvitationUnusable.forAdmin(invitation);
            // An expired one sent again while a newer one is pending would leave one of the two "Pending" for good.
            if (invitations.pendingTo(admin.team(), invitation.email(), now, invitation.id()))
                throw new AccountProblem.InvalidInput("email", "This person has a newer pending invitation. Resend that one instead.");
            countMail(admin.team(), now);
            invitations.renew(invitation.id(), admin.team(), hash(token), now.plus(INVITATION_LIFETIME), now);
            events.publishEvent(new AccountEvent.MemberInvited(admin.team(), admin.id(), invitation.email(), invitation.role(), true, now));
            mail(admin, invitation, token);
            return invitations.find(invitationId, admin.team()).orElseThrow();
        });
    }

    public void cancel(Account admin, String invitationId) {
        requireAdmin(admin);
        Instant now = clock.instant();
        transactions.executeWithoutResult(tx -> {
            accounts.lockTeamAsAdmin(admin);
            Invitation invitation = invitations.find(invitationId, admin.team()).orElseThrow(AccountProblem.NotFound::new);
            // Cancelling again changes nothing; an accepted one cannot be undone here (the person is a member).
            if (invitation.acceptedAt().isPresent()) throw AccountProblem.InvitationUnusable.forAdmin(invitation);
            if (invitations.cancel(invitationId, admin.team(), now) == 1)
                events.publishEvent(new AccountEvent.InvitationCancelled(admin.team(), admin.id(), invitation.email(), now));
        });
    }

    /** The admin's team's recent invitations, newest first. */
    public List<Invitation> invitations(Account admin) {
        requireAdmin(admin);
        return invitations.recent(admin.team(), 100);
    }

    /** Who sent an invitation and to which team, as the accept page names them (as their owners typed the names). */
    public record Invited(String team, String inviterName, String inviterEmail, Role role) {
    }

    /** Who sent {@code invitation} and to which team; empty names for a team or inviter no longer there. */
    public Invited invited(Invitation invitation) {
        Optional<Account> inviter = accounts.find(invitation.invitedBy());
        return new Invited(accounts.findTeam(invitation.team()).map(Team::name).orElse(""), inviter.map(Account::name).orElse(""),
                inviter.map(Account::email).orElse(""), invitation.role());
    }

    /** A still usable invitation for this link token, for the accept page. */
    public Optional<Invitation> pendingInvitation(String token) {
        if (token == null || token.isBlank() || token.length() > 100) return Optional.empty();
        return invitations.findByTokenHash(hash(token)).filter(i -> i.pending(clock.instant()));
    }

    /** Accepts an invitation: creates the account in the team. Single use; an expired or used link is refused. */
    public Account accept(String token, String rawName, String password) {
        return accept(token, rawName, password, account -> account);
    }

    /**
     * {@link #accept(String, String, String)}, then {@code then} with the new account in the same transaction: the
     * member's first session starts with the account or neither is kept, so a failure cannot leave the link used and
     * an account no one is signed in to (outside QA, as for sign-ups).
     */
    public <T> T accept(String token, String rawName, String password, java.util.function.Function<Account, T> then) {
        String name = dev.lanyard.FreeText.strip(rawName);
        Invitation found = pendingInvitation(token).orElseThrow(AccountProblem.InvitationUnusable::new);
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
        return transactions.execute(tx -> {
            Instant now = clock.instant();
            if (invitations.accept(found.id(), now) == 0) throw new AccountProblem.InvitationUnusable();
            Account account = new Account(AccountId.random(), found.team(), found.email(), name, found.role(), now);
            try {
                accounts.insert(account, passwordHash);
            } catch (DuplicateKeyException taken) {
                throw new AccountProblem.InvalidInput("email", "This email already has a Lanyard account. Log in instead.");
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

    /**
     * Changes a member's role; the team always keeps at least one admin. An admin made a member loses the
     * invitations they sent that are still pending ({@link #cancelSentBy}).
     */
    public void changeRole(Account admin, AccountId memberId, Role role) {
        requireAdmin(admin);
        if (role == null) throw new AccountProblem.InvalidInput("role", "Choose a role: admin or member.");
        transactions.executeWithoutResult(tx -> {
            accounts.lockTeamAsAdmin(admin);
            Account member = member(admin, memberId);
            if (member.role() == role) return;
            if (member.role() == Role.ADMIN && accounts.countAdmins(admin.team()) <= 1) throw new AccountProblem.LastAdmin();
            accounts.updateRole(memberId, admin.team(), role);
            Instant now = clock.instant();
            events.publishEvent(new AccountEvent.RoleChanged(admin.team(), admin.id(), memberId, member.role(), role, now));
            if (member.role() == Role.ADMIN) cancelSentBy(member, admin, now);
        });
    }

    /**
     * Cancels the pending invitations {@code inviter} sent, who is no longer an admin of the team (removed or
     * made a member): an invitation speaks for an admin, and would otherwise let its invitee in on the word of
     * someone who can no longer invite. Each cancellation is audited as done by {@code by}, who removed or
     * changed them. Runs in the caller's transaction, with the team locked.
     */
    private void cancelSentBy(Account inviter, Account by, Instant now) {
        for (Invitation invitation : invitations.pendingFrom(inviter.id(), inviter.team(), now)) {
            if (invitations.cancel(invitation.id(), inviter.team(), now) == 1)
                events.publishEvent(new AccountEvent.InvitationCancelled(inviter.team(), by.id(), invitation.email(), now));
        }
    }

    /** What an admin set for a member of their team over the team's policy: their own limit, a high-security account (L3, L5). */
    public MemberRules rules(Account admin, AccountId memberId) {
        requireAdmin(admin);
        member(admin, memberId);
        return accounts.memberRules(memberId);
    }

    /**
     * Gives a member a session limit of their own (0: none), or the team's again (empty). Like the
     * team's, it applies from the member's next sign-in; a change is audited in the same transaction.
     */
    public void changeSessionLimit(Account admin, AccountId memberId, Optional<Integer> limit) {
        requireAdmin(admin);
        if (limit.isPresent() && (limit.get() < 0 || limit.get() > TeamPolicy.MAX_SESSION_LIMIT))
            throw new AccountProblem.InvalidInput("sessionLimit", "The session limit is between 1 and " + TeamPolicy.MAX_SESSION_LIMIT
                    + ", 0 for none, or the team's.");
        transactions.executeWithoutResult(tx -> {
            accounts.lockTeamAsAdmin(admin);
            member(admin, memberId);
            Optional<Integer> before = accounts.memberRules(memberId).sessionLimit();
            if (before.equals(limit)) return;
            accounts.setMemberSessionLimit(memberId, admin.team(), limit.orElse(null));
            events.publishEvent(new AccountEvent.MemberSessionLimitChanged(admin.team(), admin.id(), memberId, before, limit, clock.instant()));
        });
    }

    /**
     * Makes the member a high-security account ("Remember me" not allowed, whatever the team allows)
     * or not. Their open sessions get the lifetime that follows in the same transaction (the session
     * module listens); the change is audited.
     */
    public void forbidRememberMe(Account admin, AccountId memberId, boolean forbidden) {
        requireAdmin(admin);
        transactions.executeWithoutResult(tx -> {
            accounts.lockTeamAsAdmin(admin);
            member(admin, memberId);
            if (accounts.memberRules(memberId).rememberMeForbidden() == forbidden) return;
            accounts.setRememberMeForbidden(memberId, admin.team(), forbidden);
            events.publishEvent(new AccountEvent.MemberRememberMeChanged(admin.team(), admin.id(), memberId, forbidden, clock.instant()));
        });
    }

    /**
     * Removes a member from the team; all of the member's sessions end (the session module listens), and
     * the invitations they sent as an admin that are still pending are cancelled ({@link #cancelSentBy}).
     */
    public void remove(Account admin, AccountId memberId) {
        requireAdmin(admin);
        transactions.executeWithoutResult(tx -> {
            accounts.lockTeamAsAdmin(admin);
            Account member = member(admin, memberId);
            if (member.role() == Role.ADMIN && accounts.countAdmins(admin.team()) <= 1) throw new AccountProblem.LastAdmin();
            Instant now = clock.instant();
            accounts.remove(memberId, admin.team(), now);
            events.publishEvent(new AccountEvent.MemberRemoved(admin.team(), admin.id(), memberId, member.email(), now));
            if (member.role() == Role.ADMIN) cancelSentBy(member, admin, now);
        });
    }

    /** Whether members of the admin's team may view their session list (T5); a change is audited in the same transaction. */
    public void allowSessionList(Account admin, boolean allowed) {
        requireAdmin(admin);
        transactions.executeWithoutResult(tx -> {
            accounts.lockTeamAsAdmin(admin);
            boolean before = accounts.findTeam(admin.team()).map(Team::membersSeeSessions).orElse(true);
            if (before == allowed) return; // saving the same choice again changes nothing and records nothing
            accounts.setMembersSeeSessions(admin.team(), allowed);
            events.publishEvent(new AccountEvent.SessionListPermissionChanged(admin.team(), admin.id(), allowed, clock.instant()));
        });
    }

    /** Whether members of the admin's team may currently view their session list. */
    public boolean maySeeSessionListAsMember(Account admin) {
        requireAdmin(admin);
        return accounts.findTeam(admin.team()).map(Team::membersSeeSessions).orElse(true);
    }

    /** Whether this account may view its session list beyond its current session. */
    public boolean maySeeSessionList(Account account) {
        return account.role() == Role.ADMIN
                || accounts.findTeam(account.team()).map(Team::membersSeeSessions).orElse(true);
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
     * someone who signed up typed, so they stay in the body, quoted and said to be the inviter's.
     */
    private void mail(Account admin, Invitation invitation, String token) {
        String team = accounts.findTeam(admin.team()).map(Team::name).orElse("your team");
        String invited = """
                You are invited to join a team on Lanyard as %s.

                Invited by: “%s” <%s>
                Team:       “%s”
                (The names are as the person who invited you entered them.)

                """.formatted(invitation.role() == Role.ADMIN ? "an admin" : "a member", admin.name(), admin.email(), team);
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
        Optional<Long> sent = mailer.send(admin.team(), invitation.email(), "Invitation to join a team on Lanyard", invited + rest);
        invitations.noteMail(invitation.id(), admin.team(), sent);
    }

    private static void requireAdmin(Account admin) {
        if (admin.role() != Role.ADMIN) throw new AccountProblem.Forbidden();
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
