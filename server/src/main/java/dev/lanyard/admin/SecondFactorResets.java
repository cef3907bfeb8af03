package dev.lanyard.admin;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.factors.SecondFactors;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.SignOutCount;
import dev.lanyard.session.TeamSessions;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * An admin's way back for a member locked out by second factors they cannot use (docs/decisions/0066): removes the
 * member's authenticator app, recovery codes and passkeys and signs the member out everywhere, as a force sign-out does
 * (every session and API key ends, with the admin's reason), in one transaction.
 */
@Service
class SecondFactorResets {
    private final TeamSessions team;
    private final SecondFactors factors;

    SecondFactorResets(TeamSessions team, SecondFactors factors) {
        this.team = team;
        this.factors = factors;
    }

    /** What a reset did: the factors it removed and how many sessions and API keys it ended. */
    record Done(SecondFactors.Reset reset, SignOutCount ended) {
    }

    /**
     * Resets {@code memberId}'s second factors. An admin of the member's team only (403 for a member, 404 for another
     * team's member, checked before any input); then the reason, required as for a force sign-out and shown to the member (400); never
     * on themselves (409), never on a member without any (409).
     */
    @Transactional
    public Done reset(CurrentSession admin, AccountId memberId, String reason) {
        Account member = team.member(admin, memberId);
        // The request's reason before the member's state: a reset without a good one is 400 whatever the member has.
        TeamSessions.checkedReason(reason);
        if (member.id().equals(admin.account().id())) throw new dev.lanyard.factors.FactorProblem.OwnFactors();
        if (!factors.anyToReset(member.id())) throw new dev.lanyard.factors.FactorProblem.NoSecondFactor();
        // The sign-out first: it checks the reason and locks the team as its admin before anything changes.
        SignOutCount ended = team.forceSignOut(admin, member.id(), reason);
        SecondFactors.Reset reset = factors.resetByAdmin(member, admin.account().id(), admin.id(), dev.lanyard.FreeText.strip(reason));
        return new Done(reset, ended);
    }
}
