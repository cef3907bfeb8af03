package dev.lanyard.passkeys;

/** Why a passkey operation was refused, with a stable {@link #code()}. Someone else's passkey reads as no passkey. */
public sealed class PasskeyProblem extends RuntimeException {
    private final String code;
    private final int status;
    private final String field;

    PasskeyProblem(String code, int status, String message, String field) {
        super(message);
        this.code = code;
        this.status = status;
        this.field = field;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    /** The input at fault, or null. */
    public String field() {
        return field;
    }

    public static final class NotFound extends PasskeyProblem {
        public NotFound() {
            super("passkey-not-found", 404, "No such passkey.", null);
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
