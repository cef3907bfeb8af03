package dev.lanyard.session;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** The filters of the sessions list (PRODUCT.md S4, and V3's flagged sessions). */
public enum ListFilter {
    ALL, VERIFIED, UNVERIFIED, INACTIVE, FLAGGED;

    /** No activity for this long makes a session inactive. */
    public static final Duration INACTIVE_AFTER = Duration.ofDays(90);

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ListFilter> parse(String value) {
        if (value == null || value.isBlank()) return Optional.of(ALL);
        for (ListFilter f : values()) {
            if (f.code().equals(value.strip().toLowerCase(Locale.ROOT))) return Optional.of(f);
        }
        return Optional.empty();
    }

    /** How many active sessions each filter matches. */
    public record Counts(int all, int verified, int unverified, int inactive, int flagged) {
        /** Counts without the flagged ones. */
        public Counts(int all, int verified, int unverified, int inactive) {
            this(all, verified, unverified, inactive, 0);
        }

        /**
         * These counts less a session they include that is in use now (a sessions page's own: its list and filters show
         * the others). Never below zero, should that session have ended since it was counted.
         */
        public Counts lessOneInUse(boolean verified, boolean flagged) {
            return new Counts(Math.max(0, all - 1), Math.max(0, this.verified - (verified ? 1 : 0)),
                    Math.max(0, unverified - (verified ? 0 : 1)), inactive, Math.max(0, this.flagged - (flagged ? 1 : 0)));
        }

        public int of(ListFilter filter) {
            return switch (filter) {
                case ALL -> all;
                case VERIFIED -> verified;
                case UNVERIFIED -> unverified;
                case INACTIVE -> inactive;
                case FLAGGED -> flagged;
            };
        }
    }
}
