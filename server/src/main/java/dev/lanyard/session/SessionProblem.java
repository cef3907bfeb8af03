package dev.lanyard.session;

/**
 * Why a session operation was refused, with a stable {@link #code()} for the API. Someone
 * else's session is reported exactly like one that does not exist.
 */
public sealed class SessionProblem extends RuntimeException {
    private final String code;
    private final int status;

    SessionProblem(String code, int status, String message) {
        this(code, status, message, null);
    }

    SessionProblem(String code, int status, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.status = status;
    }

    public String code() {
        return code;
    }

    /** The HTTP status that fits. */
    public int status() {
        return status;
    }

    /** A download over the member's or everyone's limit ({@link Downloads}); the API adds Retry-After. */
    public static final class TooManyDownloads extends SessionProblem {
        public TooManyDownloads() {
            super("too-many-downloads", 429, "Too many downloads are running. Wait for one to finish, then try again.");
        }
    }

    public static final class NotFound extends SessionProblem {
        public NotFound() {
            super("session-not-found", 404, "No such session.");
        }
    }

    public static final class CurrentSession extends SessionProblem {
        public CurrentSession() {
            super("current-session", 409, "This is your current session. Use Log out to end it.");
        }
    }

    /** The team's admins restricted members from viewing their session list (PRODUCT.md T5). */
    public static final class Restricted extends SessionProblem {
        public Restricted() {
            super("session-list-restricted", 403,
                    "Your team's admins have restricted the session list. You can still see this session and log out.");
        }
    }

    /** Approving or denying a sign-in needs a verified session of the same member (PRODUCT.md V2). */
    public static final class NotVerified extends SessionProblem {
        public NotVerified() {
            super("session-not-verified", 403,
                    "Only a verified session can approve or deny a sign-in. Approve this session from a verified one, "
                            + "or sign in again with two-factor authentication.");
        }
    }

    /** The session is not a sign-in waiting for approval: it is verified already, or an API key or an app's grant. */
    public static final class NotPending extends SessionProblem {
        public NotPending(String message) {
            super("session-not-pending", 409, message);
        }
    }

    /** An API key asked to end or change an API key through the sessions (decision 0018). */
    public static final class KeyOnKey extends SessionProblem {
        public KeyOnKey() {
            super("api-key-not-allowed", 403,
                    "An API key cannot end or change an API key. Revoke keys on the API keys page, signed in.");
        }
    }

    /**
     * API keys were among the sessions chosen to sign out together ("Sign out selected"): nothing was signed out.
     * A key is revoked on its own, after a confirmation that names it as a key (decision 0018).
     */
    public static final class KeysSelected extends SessionProblem {
        private final java.util.List<String> names;

        KeysSelected(java.util.List<String> names) {
            super("api-key-selected", 409, message(names));
            this.names = java.util.List.copyOf(names);
        }

        /** The names of the keys that were chosen. */
        public java.util.List<String> names() {
            return names;
        }

        private static String message(java.util.List<String> names) {
            String quoted = names.stream().map(n -> "\u201c" + n + "\u201d").collect(java.util.stream.Collectors.joining(", "));
            return (names.size() == 1 ? "The API key " + quoted + " was" : "The API keys " + quoted + " were")
                    + " among the sessions to sign out. API keys are not signed out with sessions: revoke a key on its "
                    + "own page under API keys. Nothing was signed out.";
        }
    }

    public static final class InvalidCursor extends SessionProblem {
        public InvalidCursor() {
            this("The cursor is not valid. Start again from the first page.");
        }

        /** A cursor this server could have handed out, for another list or another order: {@code detail} says which. */
        InvalidCursor(String detail) {
            super("invalid-cursor", 400, detail);
        }
    }

    public static final class InvalidInput extends SessionProblem {
        private final String field;

        public InvalidInput(String field, String message) {
            super("invalid-input", 400, message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /**
     * A team sign-out failed after some of its batches had committed: those sessions stay ended (each
     * with its audit entry), the others are still active, and signing the team out again ends them.
     * Said as it is, rather than the database outage's "nothing was changed".
     */
    public static final class PartlySignedOut extends SessionProblem {
        private final SignOutCount ended;

        PartlySignedOut(SignOutCount ended, Throwable cause) {
            super("team-sign-out-incomplete", 503, "Signed out " + ended.inWords()
                    + " of the team, then the sign-out failed; the team's other sessions are still active. "
                    + "Sign out the team again to end them.", cause);
            this.ended = ended;
        }

        /** Sessions and API keys that were signed out before the failure. */
        public SignOutCount ended() {
            return ended;
        }
    }
}
