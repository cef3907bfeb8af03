package dev.lanyard.privacy;

/** Why a data export was refused, with a stable {@link #code()}. */
public sealed class PrivacyProblem extends dev.lanyard.Problem {
    PrivacyProblem(String code, int status, String message, String field) {
        super(code, status, message, field);
    }

    /** An export holds every personal detail at once: only a member's own sign-in may take it, never an API key. */
    public static final class KeyRefused extends PrivacyProblem {
        public KeyRefused() {
            super("forbidden", 403, "An API key cannot export your data. Sign in to download it.", null);
        }
    }
}
