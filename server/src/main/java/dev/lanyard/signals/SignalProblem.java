package dev.lanyard.signals;

/**
 * Why a Shared Signals request was refused, with a stable {@link #code()} for the API. Another
 * receiver's stream, and another team's app, are reported exactly like ones that do not exist.
 */
public sealed class SignalProblem extends dev.lanyard.Problem {
    SignalProblem(String code, int status, String message, String field) {
        super(code, status, message, field);
    }

    public static final class Unauthorized extends SignalProblem {
        Unauthorized() {
            this("Send an access token of a Shared Signals receiver (client credentials, scope ssf).");
        }

        private Unauthorized(String message) {
            super("unauthenticated", 401, message, "");
        }

        /**
         * A receiver's own token, good but for its app's Shared Signals having been switched off since: said as such, to
         * the app the token names (no one else holds it), so its operators look at the switch, not at their code.
         */
        static Unauthorized signalsSwitchedOff() {
            return new Unauthorized("This access token is no longer valid: Shared Signals were switched off for this app. A team "
                    + "admin turns them on again on the app's page in Lanyard; then take a new token (client credentials, scope ssf).");
        }
    }

    public static final class StreamNotFound extends SignalProblem {
        StreamNotFound() {
            super("stream-not-found", 404, "No such stream.", "stream_id");
        }
    }

    public static final class AppNotFound extends SignalProblem {
        AppNotFound() {
            super("app-not-found", 404, "No such app.", "");
        }
    }

    public static final class Forbidden extends SignalProblem implements dev.lanyard.NotAnAdmin {
        Forbidden() {
            super("forbidden", 403, "Only an admin of the team can do this.", "");
        }
    }

    public static final class TooManyStreams extends SignalProblem {
        TooManyStreams(int max) {
            super("too-many-streams", 409, "A receiver has at most " + max + " streams: delete one first.", "");
        }
    }

    public static final class InvalidInput extends SignalProblem {
        InvalidInput(String field, String message) {
            super("invalid-input", 400, message, field);
        }
    }

    public static final class TooManyVerifications extends SignalProblem {
        private final long retryAfterSeconds;

        TooManyVerifications(long retryAfterSeconds) {
            super("too-many-verifications", 429, "A verification event was asked for on this stream less than "
                    + Streams.MIN_VERIFICATION_INTERVAL.toSeconds() + " s ago: ask again later.", "stream_id");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
