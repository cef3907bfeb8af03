package dev.lanyard.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import dev.lanyard.geo.ClientAddresses;
import org.springframework.modulith.NamedInterface;

/**
 * A session as a card and its details show it (PRODUCT.md S2, S3): every value already
 * phrased for a person. Open ({@code views}) to the modules that show sessions on their own pages.
 */
@NamedInterface("views")
public record SessionView(Session session, boolean current, boolean activeNow, Ago lastActive, String maskedIp,
                   String created, String lastActiveExact, String expires, String ended, String duration, Ago signedIn) {

    static final DateTimeFormatter EXACT =
            DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    public static SessionView of(Session s, boolean current, Duration activeWindow, Clock clock) {
        Instant now = clock.instant();
        boolean activeNow = activeNow(s, activeWindow, now);
        String ended = s.ending().map(e -> EXACT.format(e.at())).orElse("");
        String duration = s.ending().map(e -> span(Duration.between(s.createdAt(), e.at()))).orElse("");
        Ago lastActive = neverUsed(s) ? new Ago("Never used") : activeNow ? new Ago("Active now") : ago(s.lastActiveAt(), now);
        // When it signed in, on its card beside its last activity, as the help pages' cards show it: "signed in 3 days ago".
        Ago signedIn = ago(s.createdAt(), now).after(s.apiKey() ? "created" : "signed in");
        return new SessionView(s, current, activeNow, lastActive,
                ClientAddresses.mask(s.ip()), EXACT.format(s.createdAt()), EXACT.format(s.lastActiveAt()), EXACT.format(s.expiresAt()),
                ended, duration, signedIn);
    }

    /**
     * Whether the session is open and was used within the active window ("Active now"). An API key that was never
     * used is not: its last activity is only the time it was made.
     */
    public static boolean activeNow(Session s, Duration activeWindow, Instant now) {
        return s.active() && !neverUsed(s) && Duration.between(s.lastActiveAt(), now).compareTo(activeWindow) < 0;
    }

    /** An API key no request has used yet (a sign-in is used by signing in). */
    static boolean neverUsed(Session s) {
        return s.apiKey() && s.activity().requests() == 0;
    }

    /** Whether this is an API key no request has used yet: "Never used", as on the key's own page. */
    public boolean neverUsed() {
        return neverUsed(session);
    }

    /**
     * When something happened, as a card says it: words alone ("5 minutes ago", "Active now"), or words before a
     * {@code day} ("on" 4 Jan 2026), which a page shows as a {@code <time>} in the browser's own zone
     * ({@code fragments :: ago}), and as "4 Jan 2026 UTC" without scripts. A bare UTC date was the one time on the pages
     * not in the browser's zone (outside review). {@code day} is null for words alone.
     */
    public record Ago(String words, Instant day) {
        private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);

        public Ago(String words) {
            this(words, null);
        }

        /** The day in UTC, named: "4 Jan 2026 UTC"; empty for words alone. */
        public String dayInUtc() {
            return day == null ? "" : DAY.format(day) + " UTC";
        }

        /** The same time after {@code lead}: "signed in 3 days ago", "signed in on" 4 Jan 2026. */
        Ago after(String lead) {
            return new Ago(lead + " " + Character.toLowerCase(words.charAt(0)) + words.substring(1), day);
        }

        /** As plain text, where no {@code <time>} can go (an accessible name): "3 days ago", "on 4 Jan 2026 UTC". */
        @Override
        public String toString() {
            return day == null ? words : words + " " + dayInUtc();
        }
    }

    /**
     * "Just now", "5 minutes ago", "2 hours ago", "1 day ago" (24 to 48 hours), "3 days ago", counted in whole units of
     * time gone by; from 30 days, "on" the day. It said "yesterday" for anything 24 to 48 hours ago, which on Wednesday
     * morning named Monday night (outside review).
     */
    public static Ago ago(Instant then, Instant now) {
        Duration d = Duration.between(then, now);
        if (d.isNegative() || d.toMinutes() < 1) return new Ago("Just now");
        if (d.toMinutes() < 60) return new Ago(plural(d.toMinutes(), "minute") + " ago");
        if (d.toHours() < 24) return new Ago(plural(d.toHours(), "hour") + " ago");
        if (d.toDays() < 30) return new Ago(plural(d.toDays(), "day") + " ago");
        return new Ago("on", then);
    }

    /**
     * "3 days", "1 day 23 hours", "2 hours", "23 hours 59 minutes", "12 minutes", "less than a minute": the largest unit
     * and the next one when it is not zero, so that 47 hours is not said as "1 day" (outside QA).
     */
    static String span(Duration d) {
        if (d.toDays() >= 1) return plural(d.toDays(), "day") + (d.toHoursPart() > 0 ? " " + plural(d.toHoursPart(), "hour") : "");
        if (d.toHours() >= 1) return plural(d.toHours(), "hour") + (d.toMinutesPart() > 0 ? " " + plural(d.toMinutesPart(), "minute") : "");
        if (d.toMinutes() >= 1) return plural(d.toMinutes(), "minute");
        return "less than a minute";
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    /** Where its details are: an API key's own page (its scopes and usage), or the session's. */
    public String detailsPath() {
        return (session.apiKey() ? "/settings/api-keys/" : "/settings/sessions/") + session.id().value();
    }

    /** When it expires, or "Never" for an API key made without an expiry. */
    public String expiresOrNever() {
        return session.expiresAt().equals(Sessions.NEVER) ? "Never" : expires;
    }

    /** When it ended; null while it is open. */
    public Instant endedAt() {
        return session.ending().map(e -> e.at()).orElse(null);
    }

    /** When it expires; null for an API key made without an expiry ("Never"). */
    public Instant expiresAtOrNull() {
        return session.expiresAt().equals(Sessions.NEVER) ? null : session.expiresAt();
    }

    /**
     * When an open session ends if it is not used before then, where that comes before its expiry; null where it
     * does not (an API key, no idle timeout, or the expiry first). Pages say it beside the expiry: "14 Dec 2026,
     * 09:00 UTC, or after 1 day without use (8 Dec 2026, 14:02 UTC if not used before then)".
     */
    public Instant endsIfUnusedAt() {
        return session.idleExpiresAt().filter(end -> end.isBefore(session.expiresAt())).orElse(null);
    }

    /** The time of {@link #endsIfUnusedAt()}: "8 Dec 2026, 14:02 UTC"; empty where there is none. */
    public String endsIfUnusedTime() {
        Instant end = endsIfUnusedAt();
        return end == null ? "" : EXACT.format(end);
    }

    /** The idle timeout that ends the session if unused, as a span: "1 day", "12 hours". */
    public String idleSpan() {
        return span(session.idleTimeout());
    }

    /** The last page, as an admin sees another member's session: its session ids left out ({@code ses_…}); "—" for none. */
    public String lastPageForSomeoneElse() {
        String page = session.activity().lastPage();
        return page == null || page.isEmpty() ? "—" : SessionJson.withoutSessionIds(page);
    }

    public String deviceType() {
        return session.device().type().label();
    }

    public String appType() {
        return session.appType().label();
    }

    /** The device as its browser describes itself: "Chrome 131 on macOS 14". */
    public String device() {
        return session.device().description();
    }

    /** The full address, for its owner, as people read it (RFC 5952). */
    public String ip() {
        return ClientAddresses.shown(session.ip());
    }

    public String location() {
        return session.location().label();
    }

    public String flag() {
        return session.location().flag();
    }

    public String shortId() {
        return session.id().shortForm();
    }

    public String title() {
        return session.displayName();
    }

    /**
     * What tells this session apart from the others in a list, for the accessible names of its controls ("Sign out …"):
     * "Chrome 131 on macOS 14, Stockholm, Sweden, active 2 hours ago". Two sessions of one browser differ in place or time.
     * The title (a name someone typed, or a description read from a User-Agent) is between Unicode's first-strong isolate
     * and its pop, as web/PageNames isolates names in attributes, where no {@code <bdi>} can go: a right-to-left name keeps
     * to its place instead of taking the commas and place after it along.
     */
    public String label() {
        String when = neverUsed() ? "never used" : activeNow ? "active now" : lastActive.after("active").toString();
        return dev.lanyard.FreeText.ISOLATE + title() + dev.lanyard.FreeText.POP + ", " + location() + ", " + when;
    }
}
