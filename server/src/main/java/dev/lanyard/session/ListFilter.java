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

    /** What the filter shows, in a sentence for the list, under the filters (as the help pages explain theirs). */
    public String meaning() {
        return switch (this) {
            case ALL -> "";
            case VERIFIED -> "Verified: sessions that passed a second factor at sign-in, or that you approved from a verified session.";
            case UNVERIFIED -> "Unverified: sessions that did not pass a second factor and were not approved from a verified session. Verify the ones you know, and sign out the ones you don't.";
            case INACTIVE -> "Inactive: sessions with no activity for " + INACTIVE_AFTER.toDays() + " days or more.";
            case FLAGGED -> "Flagged: sign-ins that looked suspicious, with the reasons on their cards.";
        };
    }

    public static Optional<ListFilter> parse(String value) {
        if (value == null || value.isBlank()) return Optional.of(ALL);
        for (ListFilter f : values()) {
            if (f.code().equals(value.strip().toLowerCase(Locale.ROOT))) return Optional.of(f);
        }
        return Optional.empty();
    }

    /**
     * What the list says of a filter it does not have ({@code ?filter=bogus}): which it shows instead, and which it has.
     * The value is quoted only when it is a plain word ({@link dev.lanyard.ControlCharacters#plainName}).
     */
    public static String unknown(String value) {
        String named = dev.lanyard.ControlCharacters.plainName(value.strip()) ? "filter “" + value.strip() + "”" : "such filter";
        return "The list has no " + named + ", so it shows all your sessions. Its filters are all, verified, unverified, "
                + "inactive and flagged.";
    }

    /** How many active sessions each filter matches. */
    public record Counts(int all, int verified, int unverified, int inactive, int flagged) {
        /** Counts without the flagged ones. */
        public Counts(int all, int verified, int unverified, int inactive) {
            this(all, verified, unverified, inactive, 0);
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

        /** The API keys among all: a key is neither verified nor unverified (it never signed in with a second factor). */
        public int apiKeys() {
            return Math.max(0, all - verified - unverified);
        }
    }
}
