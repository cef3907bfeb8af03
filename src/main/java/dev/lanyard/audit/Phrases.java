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

    /** "Added the passkey “Laptop” (AbCd1234…)": names and a short id, so two keys of one name differ. */
    static String passkey(String verb, dev.lanyard.passkeys.Passkey passkey) {
        return verb + " the passkey “" + passkey.name() + "” (" + passkey.shortId() + "…)";
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
