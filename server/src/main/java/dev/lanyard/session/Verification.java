package dev.lanyard.session;

/**
 * How a sign-in made its session verified (PRODUCT.md V2), so that those who tell others about it (Shared
 * Signals' assurance-level-change) can say how. Only the fact that a session is verified is stored.
 */
public enum Verification {
    /** One factor only (a password): the session starts unverified. */
    NONE,
    /** A password, then a code from an authenticator app (TOTP). */
    PASSWORD_AND_CODE,
    /** A password, then one of the member's recovery codes. */
    PASSWORD_AND_RECOVERY_CODE,
    /** A password, then one of the member's passkeys. */
    PASSWORD_AND_PASSKEY,
    /** A passkey alone, which counts as two factors (possession plus user verification). */
    PASSKEY,
    /**
     * An app's grant, authorized from a verified session of the member's: it carries that session's verification, as an
     * approval from a verified session would give it (outside QA AH: a grant could never be verified).
     */
    AUTHORIZED_FROM_VERIFIED;

    public boolean verified() {
        return this != NONE;
    }

    /** How the sign-in proved itself, for a person: "a password and an authenticator app". */
    public String method() {
        return switch (this) {
            case NONE -> "a password";
            case PASSWORD_AND_CODE -> "a password and an authenticator app";
            case PASSWORD_AND_RECOVERY_CODE -> "a password and a recovery code";
            case PASSWORD_AND_PASSKEY -> "a password and a passkey";
            case PASSKEY -> "a passkey";
            case AUTHORIZED_FROM_VERIFIED -> "an app authorized from a verified session";
        };
    }

    /** The second factor alone, for a session verified after it signed in: "a code from an authenticator app". */
    public String secondFactor() {
        return switch (this) {
            case PASSWORD_AND_CODE -> "a code from an authenticator app";
            case PASSWORD_AND_RECOVERY_CODE -> "a recovery code";
            case PASSWORD_AND_PASSKEY, PASSKEY -> "a passkey";
            case NONE, AUTHORIZED_FROM_VERIFIED -> method();
        };
    }
}
