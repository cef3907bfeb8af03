package dev.lanyard.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.Role;
import dev.lanyard.account.TeamPolicy;

/**
 * How audit details name roles and policies, and how they put in what people and clients typed: device descriptions,
 * addresses, names and reasons, each isolated when it could turn the words around it ({@link
 * dev.lanyard.FreeText#isolatedIfItTurns}).
 */
final class Phrases {
    private Phrases() {
    }

    /**
     * {@code session}'s device description ("Chrome 131 on macOS 14"), as a sentence of the log names it: read from a
     * User-Agent, which its sender controls, so isolated from the words around it when it could turn them around
     * ({@link dev.lanyard.FreeText#isolatedIfItTurns}; outside review).
     */
    static String device(dev.lanyard.session.Session session) {
        return dev.lanyard.FreeText.isolatedIfItTurns(session.device().description());
    }

    /**
     * An email address as a sentence of the log names it: its local part may hold right-to-left letters (an address in
     * UTF-8), and one typed at a failed sign-in anything, so isolated as a device description is ({@link #device}). The
     * entry's {@code actor_email} stays as it is.
     */
    static String email(String email) {
        return dev.lanyard.FreeText.isolatedIfItTurns(email);
    }

    /**
     * A reason an admin typed (a forced sign-out's, a team sign-out's, a second-factor reset's), as a sentence of the log
     * gives it: isolated as a device description is ({@link #device}), so that a right-to-left reason does not take the
     * words after it along (" — 3 sessions").
     */
    static String reason(String reason) {
        return dev.lanyard.FreeText.isolatedIfItTurns(reason);
    }

    /**
     * A name someone chose (an app's, an API key's, a passkey's, a session's, a team's) between “ and ”, isolated inside
     * them when it could turn the words around it: the quotes alone isolate nothing in plain text (the API, the exports).
     * The page shows the isolated name in a {@code <bdi>} between the quotes (web/PageNames).
     */
    static String quoted(String name) {
        return "\u201c" + dev.lanyard.FreeText.isolatedIfItTurns(name) + "\u201d";
    }

    /**
     * {@code session}'s name, or its device description when it has none ({@link dev.lanyard.session.Session#displayName}),
     * isolated as {@link #device}: an app's session is named by whoever signed in or by the app.
     */
    static String displayName(dev.lanyard.session.Session session) {
        return dev.lanyard.FreeText.isolatedIfItTurns(session.displayName());
    }

    static String role(Role role) {
        return role == Role.ADMIN ? "admin" : "member";
    }

    /** "Changed the session policy: idle timeout 7 days → 1 day; remember me allowed → forbidden". */
    static String policyChange(TeamPolicy before, TeamPolicy after) {
        List<String> changes = new ArrayList<>();
        if (!before.idleTimeout().equals(after.idleTimeout()))
            changes.add("idle timeout " + idle(before.idleTimeout()) + " → " + idle(after.idleTimeout()));
        if (before.allowRememberMe() != after.allowRememberMe())
            changes.add("remember me " + allowed(before.allowRememberMe()) + " → " + allowed(after.allowRememberMe()));
        if (before.rememberedDays() != after.rememberedDays())
            changes.add("remembered sessions " + days(before.rememberedDays()) + " → " + days(after.rememberedDays()));
        if (before.lifetimeDays() != after.lifetimeDays())
            changes.add("session lifetime " + days(before.lifetimeDays()) + " → " + days(after.lifetimeDays()));
        if (before.requireSecondFactor() != after.requireSecondFactor())
            changes.add(after.requireSecondFactor() ? "two-factor authentication required" : "two-factor authentication no longer required");
        if (before.sessionLimit() != after.sessionLimit())
            changes.add("session limit " + limit(before.sessionLimit()) + " → " + limit(after.sessionLimit()));
        if (before.refuseAtLimit() != after.refuseAtLimit())
            changes.add("at the limit " + atLimit(before.refuseAtLimit()) + " → " + atLimit(after.refuseAtLimit()));
        return changes.isEmpty() ? "Saved the session policy without changes"
                : "Changed the session policy: " + String.join("; ", changes);
    }

    private static String limit(int sessions) {
        return sessions == 0 ? "none" : sessions == 1 ? "1 session" : sessions + " sessions";
    }

    /** A member's own limit: "the team's", "none", "1 session", "3 sessions". */
    static String memberLimit(Optional<Integer> limit) {
        return limit.map(Phrases::limit).orElse("the team's");
    }

    private static String atLimit(boolean refuse) {
        return refuse ? "refuse the new sign-in" : "sign out the oldest session";
    }

    /** "Allowed members to view their session list" or "Restricted members to their current session". */
    static String sessionListPermission(boolean membersSeeSessions) {
        return membersSeeSessions ? "Allowed members to view their session list"
                : "Restricted members from viewing their session list: they see only their current session and can log out";
    }

    /** "Added the passkey “Laptop” (AbCd1234…)": names and a short id, so two keys of one name differ. */
    static String passkey(String verb, dev.lanyard.passkeys.Passkey passkey) {
        return verb + " the passkey " + quoted(passkey.name()) + " (" + passkey.shortId() + "…)";
    }

    /**
     * "Flagged Chrome on macOS as suspicious (high): First sign-in from Germany; Impossible travel: …". A reason names a
     * browser from the User-Agent its sender wrote, so each is isolated as a device description is (outside review AS).
     */
    static String flagged(String device, java.util.List<dev.lanyard.session.SessionFlag> added) {
        String level = dev.lanyard.session.SessionFlag.highest(added).map(l -> l.label().toLowerCase(java.util.Locale.ROOT)).orElse("");
        return "Flagged " + device + " as suspicious (" + level + " concern): "
                + String.join("; ", added.stream().map(f -> dev.lanyard.FreeText.isolatedIfItTurns(f.reason())).toList());
    }

    /** "Reported Chrome on macOS as not theirs from a sign-in alert, which signed it out" (and, with {@code all}, the rest). */
    static String reported(String device, boolean all, int ended) {
        if (all) return "Signed out every session (" + (ended == 1 ? "1 session" : ended + " sessions")
                + ") from the \u201cThis wasn't me\u201d link of a sign-in alert";
        return "Reported " + device + " as not theirs from a sign-in alert" + (ended > 0 ? ", which signed it out" : "; it had already ended");
    }

    /**
     * A sign-in alert about {@code device}: "Emailed ada@example.com about …" when it went to the mail server; without one
     * it was kept in the team's outbox, and the entry says so rather than claim a mail was sent (outside review).
     */
    static String alert(String email, String device, boolean mailed) {
        return mailed ? "Emailed " + email(email) + " about the new sign-in on " + device
                : "No mail server is configured, so the alert to " + email(email) + " about the new sign-in on " + device
                        + " was kept in the outbox, not emailed";
    }

    /**
     * An invitation sent again with a new link: "Sent the invitation of … again" when it went to the mail server; without
     * one its mail was kept in the team's outbox, as the members page says (outside review).
     */
    static String invitationResent(String email, String role, boolean mailed) {
        String invitation = "the invitation of " + email(email) + " (as " + role + ")";
        return (mailed ? "Sent " + invitation + " again"
                : "Made a new link for " + invitation + "; no mail server is configured, so its mail was kept in the outbox")
                + "; the earlier link no longer works";
    }

    /** "Turned on email alerts for new sign-ins". */
    static String alertSetting(boolean on) {
        return on ? "Turned on email alerts when a new device signs in" : "Turned off email alerts when a new device signs in";
    }

    private static String idle(Duration idle) {
        return idle.isZero() ? "never" : days((int) idle.toDays());
    }

    private static String allowed(boolean allowed) {
        return allowed ? "allowed" : "forbidden";
    }

    private static String days(int days) {
        return days == 1 ? "1 day" : days + " days";
    }

    /** "Approved the sign-in on Chrome 131 on macOS 14 in Madrid, Spain (ses_ab…) from Firefox on Ubuntu (ses_cd…)". */
    static String approved(java.util.Optional<dev.lanyard.session.Session> target, dev.lanyard.session.SessionId id,
                           java.util.Optional<dev.lanyard.session.Session> from) {
        return "Approved the sign-in " + signIn(target, id) + from(from);
    }

    /** "Verified the session on Chrome 131 on macOS 14 in Madrid, Spain (ses_ab…) with a passkey". */
    static String verified(java.util.Optional<dev.lanyard.session.Session> target, dev.lanyard.session.SessionId id,
                           dev.lanyard.session.Verification how) {
        return "Verified the session " + target.map(s -> "on " + Phrases.device(s) + " " + s.location().where() + " ").orElse("")
                + "(" + id.shortForm() + ") with " + how.secondFactor();
    }

    /** "Denied the sign-in on … (ses_ab…) from …": the session ended. */
    static String denied(java.util.Optional<dev.lanyard.session.Session> target, dev.lanyard.session.SessionId id,
                         java.util.Optional<dev.lanyard.session.Session> from) {
        return "Denied the sign-in " + signIn(target, id) + from(from) + "; it was signed out";
    }

    /** "Changed the password; 3 other sessions were signed out" and the like. */
    static String passwordChanged(boolean signOutOthers) {
        return signOutOthers ? "Changed the password and signed out every other session (API keys kept)"
                : "Changed the password; other sessions stayed signed in";
    }

    private static String signIn(java.util.Optional<dev.lanyard.session.Session> target, dev.lanyard.session.SessionId id) {
        return target.map(s -> "on " + Phrases.device(s) + " " + s.location().where()).orElse("of a session")
                + " (" + id.shortForm() + ")";
    }

    private static String from(java.util.Optional<dev.lanyard.session.Session> from) {
        return from.map(f -> " from " + Phrases.device(f) + " (" + f.id().shortForm() + ")").orElse("");
    }
}
