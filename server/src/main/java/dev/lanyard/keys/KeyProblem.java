package dev.lanyard.keys;

/** Why an API key operation was refused, with a stable {@link #code()}. Someone else's key reads as no key. */
public sealed class KeyProblem extends dev.lanyard.Problem {
    KeyProblem(String code, int status, String message, String field) {
        super(code, status, message, field);
    }

    public static final class NotFound extends KeyProblem {
        public NotFound() {
            super("api-key-not-found", 404, "No such API key.", null);
        }

        @Override
        public String pageMessage() {
            return "This API key does not exist, or it is not yours.";
        }
    }

    /** Keys cannot manage keys, and only admins may give a key the admin scope. */
    public static final class Forbidden extends KeyProblem {
        public Forbidden(String message) {
            super("forbidden", 403, message, null);
        }
    }

    /** The member's own password, asked again to create a key, was wrong (the answer of a failed sign-in, said of one password). */
    public static final class WrongPassword extends KeyProblem {
        public WrongPassword() {
            super("invalid-credentials", 401, "The password is incorrect.", "password");
        }
    }

    /** Input that breaks a rule; the refusal of a whole form names each field at fault ({@link #of}). */
    public static final class InvalidInput extends KeyProblem {
        private final java.util.List<FieldError> each;

        public InvalidInput(String field, String message) {
            super("invalid-input", 400, message, field);
            this.each = java.util.List.of(new FieldError(field, message));
        }

        private InvalidInput(java.util.List<FieldError> each) {
            super("invalid-input", 400, dev.lanyard.FieldErrors.detail(each), each.get(0).field());
            this.each = java.util.List.copyOf(each);
        }

        /** One refusal for these, in the form's order; one of them alone is itself. */
        public static InvalidInput of(java.util.List<InvalidInput> refused) {
            return refused.size() == 1 ? refused.get(0)
                    : new InvalidInput(refused.stream().flatMap(one -> one.fieldErrors().stream()).toList());
        }

        @Override
        public java.util.List<FieldError> fieldErrors() {
            return each;
        }
    }
}
