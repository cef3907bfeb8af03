package dev.lanyard.account;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What an admin changes about a member of their team ({@link Members#changeRole}, {@link Members#changeSessionLimit},
 * {@link Members#forbidRememberMe}, {@link Members#remove}): each in a transaction of its own, with the team locked and
 * the admin checked still its admin, audited through the event it publishes.
 */
final class MemberChanges {
    private final AccountStore accounts;
    private final InvitationStore invitations;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final Clock clock;

    MemberChanges(AccountStore accounts, InvitationStore invitations, ApplicationEventPublisher events,
                  TransactionTemplate transactions, Clock clock) {
        this.accounts = accounts;
        this.invitations = invitations;
        this.events = events;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** A member of the admin's team; anyone else is {@link AccountProblem.NotFound}. */
    Account member(Account admin, AccountId id) {
        Members.requireAdmin(admin);
        return accounts.find(id).filter(a -> a.team().equals(admin.team())).orElseThrow(AccountProblem.NotFound::new);
    }

    void changeRole(Account admin, AccountId memberId, Role role) {
        Members.requireAdmin(admin);
        if (role == null) throw new AccountProblem.InvalidInput("role", "Choose a role: admin or member.");
        transactions.executeWithoutResult(tx -> {
            accounts.lockTeamAsAdmin(admin);
            Account member = member(admin, memberId);
            if (member.role() == role) return;
            if (member.role() == Role.ADMIN && accounts.countAdmins(admin.team()) <= 1) throw new AccountProblem.LastAdmin();
            accounts.updateRole(memberId, admin.team(), role);
            Instant now = clock.instant();
            events.publishEvent(new AccountEvent.RoleChanged(admin.team(), admin.id(), memberId, member.role(), role, now));
            if (member.role() == Role.ADMIN) cancelSentBy(member, admin, false, now);
        });
    }

    /**
     * Cancels the pending invitations {@code inviter} sent, who is no longer an admin of the team (removed or
     * made a member): an invitation speaks for an admin, and would otherwise let its invitee in on the word of
     * someone who can no longer invite. Each cancellation is audited as done by {@code by}, who removed or
     * changed them, saying that it followed from that ({@code removed}: else made a member), so that it does not read as
     * a cancellation {@code by} chose (outside review). Runs in the caller's transaction, with the team locked.
     */
    private void cancelSentBy(Account inviter, Account by, boolean removed, Instant now) {
        var sender = java.util.Optional.of(new AccountEvent.SenderLeft(inviter.email(), removed));
        for (Invitation invitation : invitations.pendingFrom(inviter.id(), inviter.team(), now)) {
            if (invitations.cancel(invitation.id(), inviter.team(), now) == 1)
                events.publishEvent(new AccountEvent.InvitationCancelled(inviter.team(), by.id(), invitation.email(), now, sender));
        }
    }

    void changeSessionLimit(Account admin, AccountId memberId, Optional<Integer> limit) {
        Members.requireAdmin(admin);
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

    void forbidRememberMe(Account admin, AccountId memberId, boolean forbidden) {
        Members.requireAdmin(admin);
        transactions.executeWithoutResult(tx -> {
            accounts.lockTeamAsAdmin(admin);
            member(admin, memberId);
            if (accounts.memberRules(memberId).rememberMeForbidden() == forbidden) return;
            accounts.setRememberMeForbidden(memberId, admin.team(), forbidden);
            events.publishEvent(new AccountEvent.MemberRememberMeChanged(admin.team(), admin.id(), memberId, forbidden, clock.instant()));
        });
    }

    void remove(Account admin, AccountId memberId) {
        Members.requireAdmin(admin);
        transactions.executeWithoutResult(tx -> {
            accounts.lockTeamAsAdmin(admin);
            Account member = member(admin, memberId);
            if (member.role() == Role.ADMIN && accounts.countAdmins(admin.team()) <= 1) throw AccountProblem.LastAdmin.removing();
            Instant now = clock.instant();
            accounts.remove(memberId, admin.team(), now);
            events.publishEvent(new AccountEvent.MemberRemoved(admin.team(), admin.id(), memberId, member.email(), now));
            if (member.role() == Role.ADMIN) cancelSentBy(member, admin, true, now);
        });
    }
}
