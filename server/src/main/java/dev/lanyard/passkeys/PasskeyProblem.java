package dev.lanyard.passkeys;

/** Why a passkey operation was refused, with a stable {@link #code()}. Someone else's passkey reads as no passkey. */
public sealed class PasskeyProblem extends dev.lanyard.Problem {
    PasskeyProblem(String code, int status, String message, String field) {
        super(code, status, message, field);
    }

    public static final class NotFound extends PasskeyProblem {
        public NotFound() {
            super("passkey-not-found", 404, "No such passkey.", null);
        }

        @Override
        public String pageMessage() {
            return "This passkey does not exist, or it is not yours.";
        }
    }

    public static final class InvalidInput extends PasskeyProblem {
        public InvalidInput(String field, String message) {
            super("invalid-input", 400, message, field);
        }
    }

    /**
     * The ceremony's options are gone (used, expired, started for someone else) or the authenticator's
     * answer did not verify. One message for all: it says nothing about which passkeys exist.
     */
    public static final class Rejected extends PasskeyProblem {
        public Rejected() {
            super("passkey-rejected", 401, "The passkey could not be verified. Try again.", null);
        }
    }
}
