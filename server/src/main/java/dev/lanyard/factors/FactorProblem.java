package dev.lanyard.factors;

/**
 * Why a second-factor operation was refused: a stable {@link #code()} for the API, an HTTP
 * {@link #status()}, a human message, and the input field at fault where there is one.
 */
public sealed class FactorProblem extends dev.lanyard.Problem {
    FactorProblem(String code, int status, String field, String message) {
        super(code, status, message, field);
    }

    /**
     * A code that is wrong, already used, or not a code at all. The API's type is {@code wrong-code} in every case; the
     * message says which when the code given was a right one already used: only someone who had the code learns that.
     */
    public static final class WrongCode extends FactorProblem {
        public WrongCode() {
            this("That code is not right. Enter the current 6-digit code from your authenticator app, or an unused recovery code.");
        }

        private WrongCode(String message) {
            super("wrong-code", 400, "code", message);
        }

        /**
         * A right authenticator code of a time step already used (or older than the last one used): each works once, so
         * the code just typed to turn two-factor authentication on, or to sign in, is refused again within its 30 seconds.
         */
        public static WrongCode alreadyUsed() {
            return new WrongCode("That code was already used. Wait for the next one in your app.");
        }

        /** A wrong code from a member who has no authenticator app: only a recovery code (or a passkey, on the page) passes. */
        public static WrongCode recoveryCodeOnly() {
            return new WrongCode("That code is not right. Enter one of your unused recovery codes.");
        }

        /** A recovery code of the member's that was already used. */
        public static WrongCode recoveryCodeUsed() {
            return new WrongCode("That recovery code was already used. Each works once.");
        }
    }

    /** The second step of a sign-in that expired, was used, or failed too often: sign in again. */
    public static final class ChallengeUnusable extends FactorProblem {
        public ChallengeUnusable() {
            this("This sign-in has expired or was already used. Sign in again.");
        }

        private ChallengeUnusable(String message) {
            super("challenge-unusable", 401, "challenge", message);
        }

        /**
         * A second step ended by its last wrong code or passkey: said so, rather than as expired, so that the member knows
         * why the code page is gone and that signing in again starts over (the API's type is the same).
         */
        public static ChallengeUnusable failedTooOften() {
            return new ChallengeUnusable("Too many failed attempts: this sign-in has ended. Sign in again.");
        }
    }

    /** Enrolling while an authenticator app is already on. */
    public static final class AlreadyEnabled extends FactorProblem {
        public AlreadyEnabled() {
            super("two-factor-enabled", 409, null, "Two-factor authentication is already on. Turn it off first to use another app.");
        }
    }

    /** Confirming, regenerating or disabling with nothing (or nothing confirmed) to act on. */
    public static final class NotEnabled extends FactorProblem {
        public NotEnabled() {
            super("two-factor-not-enabled", 409, null, "Two-factor authentication is not on.");
        }
    }

    /** Confirming when no authenticator app is waiting for its first code. */
    public static final class NoEnrolment extends FactorProblem {
        public NoEnrolment() {
            super("no-enrolment", 409, null, "No authenticator app is waiting to be turned on. Start setting one up first.");
        }
    }

    /**
     * Confirming an enrolment that another session or browser started: only the one that started it was
     * shown its secret.
     */
    public static final class EnrolmentElsewhere extends FactorProblem {
        public EnrolmentElsewhere() {
            super("enrolment-elsewhere", 409, null, "Setting up an authenticator app was started on another device or browser. "
                    + "Start again here to get a secret of your own; the other one then stops working.");
        }
    }

    /** Confirming a secret that is no longer the pending one: setting up was started again since it was shown. */
    public static final class EnrolmentChanged extends FactorProblem {
        public EnrolmentChanged() {
            super("enrolment-changed", 409, "code", "The secret changed since this page showed it: setting up an authenticator app "
                    + "was started again. Nothing was turned on; use what this page shows now.");
        }
    }

    /** A stored seed this server cannot decrypt: its seed key is missing or another one. */
    public static final class SeedUnreadable extends FactorProblem {
        public SeedUnreadable() {
            super("seed-unreadable", 503, "code",
                    "Authenticator codes cannot be checked on this server right now. Use one of your recovery codes.");
        }
    }

    /** A passkey assertion that did not verify, or came from a passkey that is not the signing-in member's. */
    public static final class PasskeyRejected extends FactorProblem {
        public PasskeyRejected() {
            super("passkey-rejected", 400, "credential", "That passkey could not be verified. Try again, or use another way to verify.");
        }
    }

    /** A passkey asked for as the second step of a member who has none. */
    public static final class NoPasskey extends FactorProblem {
        public NoPasskey() {
            super("no-passkey", 409, null, "You have no passkey. Use a code from your authenticator app or a recovery code.");
        }
    }

    /**
     * An API sign-in of a member whose only second factor is a passkey and who has no unused recovery code: WebAuthn needs
     * a browser, so no challenge is given and no session starts.
     */
    public static final class PasskeyNeedsBrowser extends FactorProblem {
        public PasskeyNeedsBrowser() {
            super("second-factor-needs-browser", 403, null, "Your second factor is a passkey, which needs a browser: "
                    + "sign in on the /login page. To sign in through the API, set up an authenticator app on /settings/security, or "
                    + "create recovery codes there and send one of them.");
        }
    }

    /** An admin asked to reset their own second factors: they turn them off themselves, or ask another admin. */
    public static final class OwnFactors extends FactorProblem {
        public OwnFactors() {
            super("own-second-factors", 409, null, "You cannot reset your own second factors here. Turn them off on your "
                    + "Security page, or ask another admin of your team.");
        }
    }

    /** An admin asked to reset the second factors of a member who has none: nothing is changed, no session ended. */
    public static final class NoSecondFactor extends FactorProblem {
        public NoSecondFactor() {
            super("no-second-factor", 409, null, "This member has no authenticator app, recovery codes or passkeys to reset.");
        }
    }
}
