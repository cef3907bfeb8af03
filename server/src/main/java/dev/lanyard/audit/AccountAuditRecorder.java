package dev.lanyard.audit;

import java.util.Optional;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountEvent;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.PasswordResets;
import dev.lanyard.account.Team;
import dev.lanyard.session.SessionId;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Audit entries for what the account module publishes: sign-ups and failed sign-ins, invitations, members' roles,
 * limits and removal, the team's policy, and passwords changed or reset. Recorded synchronously, in the publisher's
 * transaction, like every entry ({@link AuditRecorder}).
 */
@Component
class AccountAuditRecorder {
    private final AuditEntries entries;
    private final Accounts accounts;

    AccountAuditRecorder(AuditEntries entries, Accounts accounts) {
        this.entries = entries;
        this.accounts = accounts;
    }

    @EventListener
    void on(AccountEvent event) {
        if (event instanceof AccountEvent.SignedUp e) {
            String team = accounts.team(e.account().team()).map(Team::name).orElse("");
            entries.record(e.account().team(), e.at(), AuditEntry.Actor.of(e.account(), Optional.empty()), Optional.of(e.account().id()),
                    Optional.empty(), AuditAction.SIGNED_UP, "Signed up and created the team " + Phrases.quoted(team), Optional.empty());
        } else if (event instanceof AccountEvent.SignInFailed e) {
            if (e.account().isEmpty()) {
                entries.unattributed(AuditAction.SIGN_IN_FAILED);
                return;
            }
            Account target = e.account().get();
            entries.record(target.team(), e.at(), new AuditEntry.Actor(Optional.empty(), e.email(), "", Optional.empty()),
                    Optional.of(target.id()), Optional.empty(), AuditAction.SIGN_IN_FAILED,
                    "Failed sign-in as " + Phrases.email(e.email()) + ": wrong password", Optional.ofNullable(e.address()));
        } else if (event instanceof AccountEvent.MemberInvited e) {
            AuditEntries.Acting by = entries.acting(e.by());
            if (e.resent()) {
                entries.record(e.team(), e.at(), by.actor(), Optional.empty(), Optional.empty(), AuditAction.INVITATION_RESENT,
                        Phrases.invitationResent(e.email(), Phrases.role(e.role()), e.mailed()), by.ip());
            } else {
                entries.record(e.team(), e.at(), by.actor(), Optional.empty(), Optional.empty(), AuditAction.MEMBER_INVITED,
                        "Invited " + Phrases.email(e.email()) + " as " + Phrases.role(e.role()), by.ip());
            }
        } else if (event instanceof AccountEvent.InvitationCancelled e) {
            AuditEntries.Acting by = entries.acting(e.by());
            // One that went with its sender's admin role says so: the actor made that change, not this cancellation.
            String why = e.sender().map(s -> ": " + Phrases.email(s.email()) + ", who sent it, "
                    + (s.removed() ? "was removed from the team" : "was made a member")).orElse("");
            entries.record(e.team(), e.at(), by.actor(), Optional.empty(), Optional.empty(), AuditAction.INVITATION_CANCELLED,
                    "Cancelled the invitation of " + Phrases.email(e.email()) + why, by.ip());
        } else if (event instanceof AccountEvent.MemberJoined e) {
            entries.record(e.account().team(), e.at(), AuditEntry.Actor.of(e.account(), Optional.empty()), Optional.of(e.account().id()),
                    Optional.empty(), AuditAction.MEMBER_JOINED,
                    "Accepted the invitation and joined the team as " + Phrases.role(e.account().role()), Optional.empty());
        } else if (event instanceof AccountEvent.RoleChanged e) {
            AuditEntries.Acting by = entries.acting(e.by());
            entries.record(e.team(), e.at(), by.actor(), Optional.of(e.member()), Optional.empty(), AuditAction.ROLE_CHANGED,
                    "Changed the role of " + entries.email(e.member()) + " from " + Phrases.role(e.before()) + " to "
                            + Phrases.role(e.after()), by.ip());
        } else if (event instanceof AccountEvent.MemberRemoved e) {
            AuditEntries.Acting by = entries.acting(e.by());
            entries.record(e.team(), e.at(), by.actor(), Optional.of(e.member()), Optional.empty(), AuditAction.MEMBER_REMOVED,
                    "Removed " + Phrases.email(e.email()) + " from the team", by.ip());
        } else if (event instanceof AccountEvent.MemberSessionLimitChanged e) {
            AuditEntries.Acting by = entries.acting(e.by());
            entries.record(e.team(), e.at(), by.actor(), Optional.of(e.member()), Optional.empty(), AuditAction.MEMBER_SESSION_LIMIT_CHANGED,
                    "Changed the session limit of " + entries.email(e.member()) + " from " + Phrases.memberLimit(e.before()) + " to "
                            + Phrases.memberLimit(e.after()), by.ip());
        } else if (event instanceof AccountEvent.MemberRememberMeChanged e) {
            AuditEntries.Acting by = entries.acting(e.by());
            entries.record(e.team(), e.at(), by.actor(), Optional.of(e.member()), Optional.empty(), AuditAction.MEMBER_REMEMBER_ME_CHANGED,
                    e.forbidden() ? "Made " + entries.email(e.member()) + " a high-security account: \u201cRemember me\u201d is not allowed"
                            : "Allowed \u201cRemember me\u201d for " + entries.email(e.member()) + " again, as the team allows",
                    by.ip());
        } else if (event instanceof AccountEvent.PolicyChanged e) {
            AuditEntries.Acting by = entries.acting(e.by());
            entries.record(e.team(), e.at(), by.actor(), Optional.empty(), Optional.empty(), AuditAction.POLICY_CHANGED,
                    Phrases.policyChange(e.before(), e.after()), by.ip());
        } else if (event instanceof AccountEvent.PasswordChanged e) {
            Optional<SessionId> from = Optional.of(new SessionId(e.fromSession()));
            entries.record(e.account().team(), e.at(), AuditEntry.Actor.of(e.account(), from), Optional.of(e.account().id()),
                    from, AuditAction.PASSWORD_CHANGED, Phrases.passwordChanged(e.signOutOthers()), Optional.ofNullable(e.address()));
        } else if (event instanceof AccountEvent.PasswordReset e) {
            String link = e.origin() == PasswordResets.Origin.OPERATOR ? "a link the server's operator made" : "a mailed link";
            entries.record(e.account().team(), e.at(), AuditEntry.Actor.of(e.account(), Optional.empty()), Optional.of(e.account().id()),
                    Optional.empty(), AuditAction.PASSWORD_RESET, "Reset the password with " + link + " and signed out every session (API keys kept)",
                    Optional.ofNullable(e.address()));
        } else if (event instanceof AccountEvent.ReauthenticationFailed e) {
            Optional<SessionId> from = Optional.of(new SessionId(e.fromSession()));
            entries.record(e.account().team(), e.at(), AuditEntry.Actor.of(e.account(), from), Optional.of(e.account().id()),
                    from, AuditAction.REAUTHENTICATION_FAILED, "Wrong password given to " + e.purpose(), Optional.ofNullable(e.address()));
        } else if (event instanceof AccountEvent.SessionListPermissionChanged e) {
            AuditEntries.Acting by = entries.acting(e.by());
            entries.record(e.team(), e.at(), by.actor(), Optional.empty(), Optional.empty(), AuditAction.SESSION_LIST_PERMISSION_CHANGED,
                    Phrases.sessionListPermission(e.membersSeeSessions()), by.ip());
        }
    }
}
