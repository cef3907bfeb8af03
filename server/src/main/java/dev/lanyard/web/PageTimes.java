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

    /** {@code 5 Dec 2026, 14:45 UTC}, as mails write times without a zone: the text of a {@code <time>} that says no more of itself; empty for none. */
    public String utc(Instant at) {
        return at == null ? "" : dev.lanyard.account.MailTimes.utc(at);
    }
}
