package dev.lanyard.audit;

import java.util.Optional;

/**
 * What an audit entry records. The {@link #code()} is stored and exported and never changes
 * meaning; new features (2FA, API keys, OAuth consents) add constants, they never rename one.
 */
public enum AuditAction {
    SIGNED_UP("account.signed-up", "Signed up"),
    SIGN_IN_FAILED("account.sign-in-failed", "Failed sign-in"),
    SIGNED_IN("session.signed-in", "Signed in"),
    REAUTHENTICATION_FAILED("account.reauthentication-failed", "Wrong password to confirm a change"),
    SIGNED_OUT("session.signed-out", "Signed out"),
    SESSION_REVOKED("session.revoked", "Session revoked"),
    SESSION_REVOKED_BY_ADMIN("session.revoked-by-admin", "Session signed out by an admin"),
    SESSION_EXPIRED("session.expired", "Session expired"),
    SESSION_ENDED_BY_PASSWORD_CHANGE("session.password-changed", "Session ended by a password change"),
    SESSION_ENDED_BY_LIMIT("session.limit", "Session ended by the session limit"),
    SESSION_RENAMED("session.renamed", "Session renamed"),
    SESSION_APPROVED("session.approved", "Sign-in approved"),
    SESSION_DENIED("session.denied", "Sign-in denied"),
    SESSION_VERIFIED("session.verified", "Session verified with a second factor"),
    PASSWORD_CHANGED("password.changed", "Password changed"),
    PASSWORD_RESET("password.reset", "Password reset"),
    PASSWORD_RESET_LINK_MADE("password.reset-link-made", "Password reset link made by the server's operator"),
    DATA_EXPORTED("account.data-exported", "Data exported"),
    MEMBER_INVITED("team.member-invited", "Member invited"),
    INVITATION_RESENT("team.invitation-resent", "Invitation renewed"),
    INVITATION_CANCELLED("team.invitation-cancelled", "Invitation cancelled"),
    MEMBER_JOINED("team.member-joined", "Member joined"),
    ROLE_CHANGED("team.role-changed", "Role changed"),
    MEMBER_REMOVED("team.member-removed", "Member removed"),
    POLICY_CHANGED("team.policy-changed", "Session policy changed"),
    MEMBER_SESSION_LIMIT_CHANGED("team.member-session-limit-changed", "Member's session limit changed"),
    MEMBER_REMEMBER_ME_CHANGED("team.member-remember-me-changed", "Member's \u201cRemember me\u201d changed"),
    SESSION_LIST_PERMISSION_CHANGED("team.session-list-permission-changed", "Session list permission changed"),
    FORCED_SIGN_OUT("admin.forced-sign-out", "Forced sign-out of a member"),
    TEAM_SIGN_OUT("admin.team-sign-out", "Sign-out of the whole team"),
    KEY_CREATED("key.created", "API key created"),
    KEY_REVOKED("key.revoked", "API key revoked"),
    KEY_ADMIN_SCOPE_REMOVED("key.admin-scope-removed", "API key's admin scope removed"),
    APP_REGISTERED("app.registered", "App registered"),
    APP_CHANGED("app.changed", "App changed"),
    APP_DELETED("app.deleted", "App deleted"),
    CONSENT_GIVEN("app.consent-given", "Access given to an app"),
    CONSENT_REVOKED("app.consent-revoked", "Access of an app revoked"),
    TWO_FACTOR_ENABLED("account.two-factor-enabled", "Two-factor authentication turned on"),
    TWO_FACTOR_DISABLED("account.two-factor-disabled", "Two-factor authentication turned off"),
    RECOVERY_CODES_REGENERATED("account.recovery-codes-regenerated", "Recovery codes regenerated"),
    RECOVERY_CODE_USED("account.recovery-code-used", "Recovery code used"),
    SECOND_FACTOR_FAILED("account.second-factor-failed", "Failed second factor"),
    TWO_FACTOR_RESET("admin.two-factor-reset", "Second factors reset by an admin"),
    PASSKEY_ADDED("passkey.added", "Passkey added"),
    PASSKEY_RENAMED("passkey.renamed", "Passkey renamed"),
    PASSKEY_REMOVED("passkey.removed", "Passkey removed"),
    SIGNALS_ENABLED("app.signals-enabled", "Shared Signals enabled for an app"),
    SIGNALS_DISABLED("app.signals-disabled", "Shared Signals disabled for an app"),
    SIGNALS_STREAM_DELETED("app.signals-stream-deleted", "Shared Signals stream deleted by an admin"),
    SESSION_FLAGGED("session.flagged", "Session flagged as suspicious"),
    SIGN_IN_ALERT_SENT("session.sign-in-alert-sent", "Sign-in alert"),
    SIGN_IN_REPORTED("session.reported-not-me", "Sign-in reported as not me"),
    SESSION_ENDED_NOT_ME("session.ended-not-me", "Session ended from a sign-in alert"),
    SESSION_ENDED_BY_APP("session.ended-by-app", "App access revoked by the app"),
    SESSION_SIGNED_OUT_BY_APP("session.signed-out-by-app", "Signed out by the app"),
    SESSION_ENDED_TOKEN_REUSED("session.token-reused", "App access ended: a used token was presented again (possible theft)"),
    SESSION_ENDED_APP_CHANGED("session.app-changed", "App access ended: the app's permissions changed"),
    SESSION_ENDED_CODE_UNUSED("session.code-unused", "App sign-in never finished"),
    ALERT_SETTING_CHANGED("account.alert-setting-changed", "Sign-in alert setting changed"),
    OLD_ENTRIES_REMOVED("audit.old-entries-removed", "Old audit entries removed");

    private final String code;
    private final String label;

    AuditAction(String code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The stable value in the database, the API and exports: "session.revoked". */
    public String code() {
        return code;
    }

    /** What a person reads: "Session revoked". */
    public String label() {
        return label;
    }

    public static Optional<AuditAction> ofCode(String code) {
        for (AuditAction action : values()) {
            if (action.code.equals(code)) return Optional.of(action);
        }
        return Optional.empty();
    }

    /** The label of a stored code; a code this version does not know (written by a newer one) shows as is. */
    public static String labelOf(String code) {
        return ofCode(code).map(AuditAction::label).orElse(code);
    }
}
