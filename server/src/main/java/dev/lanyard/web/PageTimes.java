package dev.lanyard.web;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.springframework.stereotype.Component;

/**
 * Times on pages as {@code <time datetime="…">}: the text is the time in UTC, as the server writes it, and
 * {@code /js/times.js} shows it in the browser's own timezone and language (outside review AC). Templates call it as
 * {@code ${@times.iso(instant)}}.
 */
@Component("times")
public class PageTimes {
    /** {@code 2026-12-05T14:45:00Z}, to the second (a valid HTML date and time); null for none, so no attribute. */
    public String iso(Instant at) {
        return at == null ? null : at.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** {@code 5 Dec 2026, 14:45 UTC}: the text of a {@code <time>} that says no more of itself; empty for none. */
    public String utc(Instant at) {
        return at == null ? "" : EXACT.format(at);
    }

    private static final java.time.format.DateTimeFormatter EXACT = java.time.format.DateTimeFormatter
            .ofPattern("d MMM yyyy, HH:mm 'UTC'", java.util.Locale.ENGLISH).withZone(java.time.ZoneOffset.UTC);
}
