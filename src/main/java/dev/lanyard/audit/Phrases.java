package dev.lanyard.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.lanyard.account.Role;
import dev.lanyard.account.TeamPolicy;

/** How audit details name roles and policies. */
final class Phrases {
    private Phrases() {
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
        return changes.isEmpty() ? "Saved the session policy without changes"
                : "Changed the session policy: " + String.join("; ", changes);
    }

    /** "Allowed members to view their session list" or "Restricted members to their current session". */
    static String sessionListPermission(boolean membersSeeSessions) {
        return membersSeeSessions ? "Allowed members to view their session list"
                : "Restricted members from viewing their session list: they see only their current session and can log out";
    }

    /** "Flagged Chrome on macOS as suspicious (high): First sign-in from Germany; Impossible travel: …". */
    static String flagged(String device, java.util.List<dev.lanyard.session.SessionFlag> added) {
        String level = dev.lanyard.session.SessionFlag.highest(added).map(l -> l.label().toLowerCase(java.util.Locale.ROOT)).orElse("");
        return "Flagged " + device + " as suspicious (" + level + " concern): "
                + String.join("; ", added.stream().map(dev.lanyard.session.SessionFlag::reason).toList());
    }

    /** "Reported Chrome on macOS as not theirs from a sign-in alert, which signed it out" (and, with {@code all}, the rest). */
    static String reported(String device, boolean all, int ended) {
        if (all) return "Signed out every session (" + (ended == 1 ? "1 session" : ended + " sessions")
                + ") from the \u201cThis wasn't me\u201d link of a sign-in alert";
        return "Reported " + device + " as not theirs from a sign-in alert" + (ended > 0 ? ", which signed it out" : "; it had already ended");
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
}
