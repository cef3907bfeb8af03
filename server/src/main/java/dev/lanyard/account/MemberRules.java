package dev.lanyard.account;

import java.util.Optional;

/**
 * What an admin set for one member over the team's policy (PRODUCT.md L3, L5, decision 48).
 *
 * @param sessionLimit        the member's own session limit (0: none), empty for the team's
 * @param rememberMeForbidden a high-security account: "Remember me" is not allowed for them
 */
public record MemberRules(Optional<Integer> sessionLimit, boolean rememberMeForbidden) {
    public static final MemberRules TEAMS = new MemberRules(Optional.empty(), false);

    /** The team's policy as it applies to this member. */
    public TeamPolicy applyTo(TeamPolicy team) {
        TeamPolicy p = sessionLimit.map(limit -> team.withSessionLimit(limit, team.refuseAtLimit())).orElse(team);
        return rememberMeForbidden ? p.withoutRememberMe() : p;
    }
}
