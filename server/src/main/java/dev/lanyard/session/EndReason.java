package dev.lanyard.session;

/**
 * Why a session ended, as shown in history and on the sign-in page of the device that lost it. Stored by
 * {@link #name()} and sent by {@link #code()}: add constants, never rename one (rows keep the old names).
 */
public enum EndReason {
    SIGNED_OUT("Signed out", "You signed out."),
    REVOKED("Signed out from another device", "You were signed out from another device."),
    ADMIN_REVOKED("Signed out by an admin", "An admin of your team signed you out."),
    IDLE_EXPIRED("Expired after inactivity", "You were signed out after a period of inactivity."),
    LIFETIME_EXPIRED("Reached its maximum lifetime", "Your session reached its maximum length. Please sign in again."),
    PASSWORD_CHANGED("Password changed", "Your password was changed, so you were signed out."),
    DENIED("Sign-in denied from a verified device", "This sign-in was denied from one of your verified devices."),
    /**
     * A new sign-in took the place of the oldest at the member's limit: the team's, or one an admin gave the member alone
     * (which the ending does not record), so neither is named (outside review).
     */
    SESSION_LIMIT("Ended by the session limit",
            "You signed in on another device, and your team limits how many sessions you can have at once, so this one, the oldest, was signed out."),
    REMOVED("Removed from the team", "You were removed from your team on Lanyard, so you were signed out. Ask an admin of the team if this is a mistake."),
    /**
     * Ended from the "This wasn't me" link of a sign-in alert, used by whoever holds the mail, signed in or
     * not: not "revoked by you" from a device of yours (PRODUCT.md V5, S8).
     */
    NOT_ME("Ended from the sign-in alert's \u201cThis wasn't me\u201d link",
            "You were signed out from the \u201cThis wasn't me\u201d link in a sign-in alert."),
    /** An app's grant the app ended itself: it revoked its own token (RFC 7009). */
    APP_REVOKED("Revoked by the app", "The app ended its own access to your account (it signed you out of the app)."),
    /**
     * An app's grant ended because a code or refresh token already used was presented again (RFC 9700 4.14.2): someone
     * other than the app may hold its tokens.
     */
    TOKEN_REUSED("Ended: a used token was presented again; it may have been stolen",
            "A token of this app that had already been used was presented again. This may mean the token was stolen, so the app's access was ended. Sign in to the app again; if this repeats, tell your admin."),
    /** An app's grant ended because an admin took a scope the grant holds away from the app. */
    APP_CHANGED("Ended: the app's permissions changed",
            "An admin of your team changed what the app may access, so its access was ended. Sign in to the app again to allow what it now asks for."),
    /** An app's grant whose code was never exchanged for tokens before it expired: the sign-in to the app never finished. */
    CODE_UNUSED("Ended: the app never finished signing in",
            "The app did not finish signing you in, so the sign-in was ended."),
    /**
     * An app's grant the app ended through RP-initiated logout ({@code /connect/logout} with an ID token of the grant):
     * whoever holds the ID token may send it, so the member is not taken to have been there.
     */
    APP_SIGNED_OUT("Signed out by the app", "The app signed you out of it, which ended its access to your account."),
    /**
     * A reason this build does not know, read from a row that a newer build wrote (a node of each serving one database
     * for a moment during an upgrade): shown as plainly ended rather than failing the member's history, apps and
     * tokens. Never written: this build ends no session for it.
     */
    OTHER("Ended", "Your session was ended.");

    private final String label;
    private final String notice;

    EndReason(String label, String notice) {
        this.label = label;
        this.notice = notice;
    }

    /** Short label for history lists. */
    public String label() {
        return label;
    }

    /** Whether the session ran out by itself, past its lifetime or its idle timeout, rather than being ended by someone. */
    public boolean expiry() {
        return this == IDLE_EXPIRED || this == LIFETIME_EXPIRED;
    }

    /** What the signed-out device is told. */
    public String notice() {
        return notice;
    }

    /** What a client presenting an API key that ended this way is told. */
    public String keyNotice() {
        return switch (this) {
            case ADMIN_REVOKED -> "An admin of your team revoked this API key.";
            case IDLE_EXPIRED, LIFETIME_EXPIRED -> "This API key has expired.";
            case PASSWORD_CHANGED -> "This API key was revoked when the account's password was changed.";
            case REMOVED -> "This API key was revoked when its owner was removed from the team.";
            default -> "This API key was revoked.";
        };
    }

    /** The reason stored as {@code name}, or {@link #OTHER} for a name a newer build added. */
    public static EndReason stored(String name) {
        for (EndReason reason : values()) {
            if (reason.name().equals(name)) return reason;
        }
        return OTHER;
    }

    /** The value in URLs and JSON: "revoked", "idle-expired". */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public static java.util.Optional<EndReason> ofCode(String code) {
        for (EndReason reason : values()) {
            if (reason.code().equals(code)) return java.util.Optional.of(reason);
        }
        return java.util.Optional.empty();
    }
}
