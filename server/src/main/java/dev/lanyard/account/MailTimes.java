package dev.lanyard.account;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * How a mail gives a time, whatever the reader's locale: in the reader's own time zone when Lanyard knows it, named
 * ("4 Dec 2026, 18:40 (Europe/Paris)"), as their browser reported it at a sign-in ({@link Accounts#noteTimeZone}); in UTC
 * otherwise ("4 Dec 2026, 17:40 UTC"). Text that is not one member's (the audit log, the operator's command, a page
 * before its script shows the browser's time) gives UTC ({@link #utc}).
 */
public final class MailTimes {
    /** Longer than any region name Java knows (32 characters): anything longer is not looked up. */
    static final int MAX_ZONE = 64;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm", Locale.ENGLISH);
    /** The region names Java knows, read once: {@link ZoneId#getAvailableZoneIds()} copies them on each call. */
    private static final Set<String> REGIONS = Set.copyOf(ZoneId.getAvailableZoneIds());

    private MailTimes() {
    }

    /** "4 Dec 2026, 17:40 UTC". */
    public static String utc(Instant at) {
        return WHEN.format(at.atOffset(ZoneOffset.UTC)) + " UTC";
    }

    /**
     * {@code at} in {@code zone}, named: "4 Dec 2026, 18:40 (Europe/Paris)"; {@link #utc} when the zone is unknown or is
     * UTC by another name (Etc/UTC, GMT).
     */
    public static String in(Optional<ZoneId> zone, Instant at) {
        return zone.filter(z -> !z.normalized().equals(ZoneOffset.UTC))
                .map(z -> WHEN.format(at.atZone(z)) + " (" + z.getId() + ")")
                .orElseGet(() -> utc(at));
    }

    /**
     * The zone a browser named ({@code Intl}'s time zone, such as "Asia/Tokyo"), if it is a region Java knows: never an
     * offset ("+09:00", "UTC+9"), an empty or overlong text, or a name Java does not know (kept as it is, it could not be
     * read back).
     */
    static Optional<ZoneId> region(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_ZONE || !REGIONS.contains(name)) return Optional.empty();
        return Optional.of(ZoneId.of(name));
    }

    /** How the time zone database names a region: "Asia/Tokyo", "America/Argentina/Buenos_Aires", "Etc/GMT+5". */
    private static final java.util.regex.Pattern REGION_NAME = java.util.regex.Pattern.compile("[A-Z][A-Za-z_]*(?:/[A-Z][A-Za-z0-9_+-]*){1,2}");

    /**
     * True when {@code name} is named as a region is but Java does not know it: a zone newer than this Java's time zone data
     * ("America/Coyhaique" on Java 17.0.15). The member's browser is somewhere the stored zone may no longer be.
     */
    static boolean unknownRegion(String name) {
        return name != null && name.length() <= MAX_ZONE && REGION_NAME.matcher(name).matches() && !REGIONS.contains(name);
    }
}
