package dev.lanyard.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Team membership (PRODUCT.md T1, T5): invitations by email, roles, removal, and whether members
 * may view their session list. Every method acts on the calling admin's own team only; a member
 * or invitation of another team is reported exactly like one that does not exist. The work of each use case is done
 * beside it: {@link SentInvitations}, {@link InvitationAcceptance} and {@link MemberChanges}, each in a transaction of
 * its own.
 */
@Service
public class Members {
    private final AccountStore accounts;
    private final InvitationStore invitations;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final SentInvitations sent;
    private final InvitationAcceptance acceptance;
    private final MemberChanges changes;

    Members(AccountStore accounts, InvitationStore invitations, PasswordHasher hasher, Mailer mailer,
            ApplicationEventPublisher events, TransactionTemplate transactions, LoginThrottle throttle, Clock clock,
            MailSettings mail, SignUps signUps) {
        this.accounts = accounts;
        this.invitations = invitations;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock;
        this.sent = new SentInvitations(accounts, invitations, mailer, events, transactions, throttle, clock, mail,
                signUps.confirmsEmail());
        this.acceptance = new InvitationAcceptance(accounts, invitations, hasher, events, transactions, clock);
        this.changes = new MemberChanges(accounts, invitations, events, transactions, clock);
    }

    /** Members of the admin's team whose email starts with {@code prefix}, by email. */
    public List<Account> list(Account admin, String prefix, int limit, Optional<String> afterEmail) {
        requireAdmin(admin);
        return accounts.members(admin.team(), prefix == null ? "" : prefix.strip().toLowerCase(Locale.ROOT), limit, afterEmail);
    }

    /** A member of the admin's team; anyone else is {@link AccountProblem.NotFound}. */
    public Account member(Account admin, AccountId id) {
        return changes.member(admin, id);
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
        return sent.invite(admin, rawEmail, role, address);
    }

    /** Sends a pending invitation again with a new link; the old link stops working. */
    public Invitation resend(Account admin, String invitationId) {
        return sent.resend(admin, invitationId);
    }

    public void cancel(Account admin, String invitationId) {
        sent.cancel(admin, invitationId);
    }

    /** A page of invitations, newest first, and where the next one starts, if there is one. */
    public record InvitationPage(List<Invitation> items, Optional<Invitation.Position> next) {
    }

    /**
     * The admin's team's invitations whose status is one of {@code statuses} now, newest first, {@code limit} at a time
     * after {@code after}: page by page, every one of them, so that an old pending invitation can still be resent or
     * cancelled (outside review: the 100 newest were all). Asked for the pending ones alone, an admin finds who has still
     * not answered without reading past the others (outside review: they were all in one list).
     */
    public InvitationPage invitations(Account admin, Set<InvitationStatus> statuses, int limit, Optional<Invitation.Position> after) {
        requireAdmin(admin);
        List<Invitation> rows = invitations.recent(admin.team(), statuses, clock.instant(), limit + 1, after);
        if (rows.size() <= limit) return new InvitationPage(rows, Optional.empty());
        return new InvitationPage(rows.subList(0, limit), Optional.of(rows.get(limit - 1).position()));
    }

    /** How many of the admin's team's invitations are pending now, over all pages. */
    public int pendingInvitations(Account admin) {
        requireAdmin(admin);
        return invitations.countPending(admin.team(), clock.instant());
    }

    /** Who sent an invitation and to which team, as the accept page names them (as their owners typed the names). */
    public record Invited(String team, String inviterName, String inviterEmail, Role role) {
    }

    /** Who sent {@code invitation} and to which team; empty names for a team or inviter no longer there. */
    public Invited invited(Invitation invitation) {
        return acceptance.invited(invitation);
    }

    /** A still usable invitation for this link token, for the accept page. */
    public Optional<Invitation> pendingInvitation(String token) {
        return acceptance.pendingInvitation(token);
    }

    /**
     * Why a pending invitation cannot be accepted: its email has an account now (signed up since it was sent), and an
     * account belongs to one team ({@link AccountProblem.InvitedEmailHasAccount}); or the account is the one this link
     * made as it was read, accepted at the same moment elsewhere ({@link AccountProblem.InvitationUnusable}). Its page
     * says so at once, instead of a form whose sending could only be refused.
     */
    public Optional<AccountProblem> refusal(Invitation invitation) {
        return acceptance.refusal(invitation);
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
        return acceptance.accept(token, rawName, password, then);
    }

    /**
     * Changes a member's role; the team always keeps at least one admin. An admin made a member loses the
     * invitations they sent that are still pending ({@link MemberChanges}).
     */
    public void changeRole(Account admin, AccountId memberId, Role role) {
        changes.changeRole(admin, memberId, role);
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
        changes.changeSessionLimit(admin, memberId, limit);
    }

    /**
     * Makes the member a high-security account ("Remember me" not allowed, whatever the team allows)
     * or not. Their open sessions get the lifetime that follows in the same transaction (the session
     * module listens); the change is audited.
     */
    public void forbidRememberMe(Account admin, AccountId memberId, boolean forbidden) {
        changes.forbidRememberMe(admin, memberId, forbidden);
    }

    /**
     * Removes a member from the team; all of the member's sessions end (the session module listens), and
     * the invitations they sent as an admin that are still pending are cancelled ({@link MemberChanges}).
     */
    public void remove(Account admin, AccountId memberId) {
        changes.remove(admin, memberId);
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

    static void requireAdmin(Account admin) {
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
