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

    /**
     * The download was started by another site (a link or redirect there): a browser's {@code Origin} or, without
     * one, its {@code Sec-Fetch-Site} says so. Nothing can read it across sites, but it would be recorded in the member's activity, and
     * put the file among their downloads, without them asking.
     */
    public static final class CrossSite extends PrivacyProblem {
        public CrossSite() {
            super("cross-origin", 403, "A copy of your data is only given from Lanyard's own pages. Open Security in "
                    + "Lanyard and use Download your data.", null);
        }
    }
}
