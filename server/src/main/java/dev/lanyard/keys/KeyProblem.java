package dev.lanyard.keys;

/** Why an API key operation was refused, with a stable {@link #code()}. Someone else's key reads as no key. */
public sealed class KeyProblem extends RuntimeException {
    private final String code;
    private final int status;
    private final String field;

    KeyProblem(String code, int status, String message, String field) {
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

    public static final class NotFound extends KeyProblem {
        public NotFound() {
            super("api-key-not-found", 404, "No such API key.", null);
        }
    }

    /** Keys cannot manage keys, and only admins may give a key the admin scope. */
    public static final class Forbidden extends KeyProblem {
        public Forbidden(String message) {
            super("forbidden", 403, message, null);
        }
    }

    public static final class InvalidInput extends KeyProblem {
        public InvalidInput(String field, String message) {
            super("invalid-input", 400, message, field);
        }
    }
}
