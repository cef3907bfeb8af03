package dev.lanyard.apps;

/**
 * Why an operation on apps or consents was refused, with a stable {@link #code()} for the API.
 * Another team's app is reported exactly like one that does not exist.
 */
public sealed class AppProblem extends dev.lanyard.Problem {
    AppProblem(String code, int status, String message, String field) {
        super(code, status, message, field);
    }

    public static final class NotFound extends AppProblem {
        public NotFound() {
            super("app-not-found", 404, "No such app.", "");
        }
    }

    public static final class Forbidden extends AppProblem implements dev.lanyard.NotAnAdmin {
        public Forbidden() {
            super("forbidden", 403, "Only an admin of the team can do this.", "");
        }
    }

    public static final class InvalidInput extends AppProblem {
        public InvalidInput(String field, String message) {
            super("invalid-input", 400, message, field);
        }
    }
}
