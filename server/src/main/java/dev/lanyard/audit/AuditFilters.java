package dev.lanyard.audit;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.TeamId;
import dev.lanyard.session.Cursors;
import io.swagger.v3.oas.annotations.Parameter;

/**
 * The filters of an audit list as a request sends them (pages, API and exports alike), each
 * checked with the name of the field at fault.
 *
 * @param actor  an account id ("acc_…") or an email; for admins only
 * @param action an {@link AuditAction#code()}
 * @param from   a day ("2026-01-31", from its start in {@code zone}) or an instant ("2026-01-31T09:00:00Z")
 * @param to     a day (up to its end in {@code zone}) or an instant (exclusive)
 * @param zone   the time zone whose days {@code from} and {@code to} name ("Asia/Tokyo"); UTC when empty. The pages send
 *               the browser's ({@link #forPage}); an instant is the same instant in every zone
 */
record AuditFilters(
        String actor, String action, String from, String to,
        @Parameter(description = "The time zone (IANA, such as Asia/Tokyo) whose days from and to name when they are dates; "
                + "UTC when left out. Times with a zone of their own are not affected.", example = "Europe/Madrid")
        String zone) {
    private static final int MAX_ACTOR = 254;
    private static final int MAX_ZONE = 64;

    AuditFilters {
        actor = actor == null ? "" : actor.strip();
        action = action == null ? "" : action.strip();
        from = from == null ? "" : from.strip();
        to = to == null ? "" : to.strip();
        zone = zone == null ? "" : zone.strip();
    }

    static final AuditFilters NONE = new AuditFilters("", "", "", "", "");

    /**
     * These filters as a page reads them: a zone that is missing or not one Java knows is UTC, said on the page,
     * never an error (the zone comes from the browser's script, not from the person).
     */
    AuditFilters forPage() {
        return new AuditFilters(actor, action, from, to, known(zone).map(ZoneId::getId).orElse("UTC"));
    }

    /** The zone whose days {@code from} and {@code to} name: UTC when empty; one Java does not know is refused. */
    ZoneId days() {
        if (zone.isEmpty()) return ZoneOffset.UTC;
        return known(zone).orElseThrow(() -> new AccountProblem.InvalidInput("zone",
                "Give the zone as a time zone name such as Europe/Madrid, or leave it out for UTC."));
    }

    /**
     * What a page says of a zone it was sent and does not know, read in UTC instead; empty when there is none such. The
     * zone is quoted when it is written as zone names are ("Mars/Olympus"), not otherwise.
     */
    Optional<String> unknownZone() {
        if (zone.isEmpty() || known(zone).isPresent()) return Optional.empty();
        String named = zone.matches("[A-Za-z0-9_+\\-/]{1,64}") ? "the time zone “" + zone + "”" : "the time zone it was sent";
        return Optional.of("Lanyard does not know " + named + ", so the days of From and To are read in UTC.");
    }

    private static Optional<ZoneId> known(String zone) {
        if (zone.isEmpty() || zone.length() > MAX_ZONE) return Optional.empty();
        try {
            ZoneId id = ZoneId.of(zone);
            return Optional.of(id.equals(ZoneOffset.UTC) || "UTC".equals(id.getId()) ? ZoneOffset.UTC : id);
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** The whole team's entries that pass these filters. */
    AuditQuery team(TeamId team) {
        return query(team, Optional.empty());
    }

    /** The entries that {@code account} did or that concern it; filtering by actor is refused. */
    AuditQuery own(TeamId team, AccountId account) {
        if (!actor.isEmpty()) throw new AccountProblem.InvalidInput("actor", "Only admins can filter by actor.");
        return query(team, Optional.of(account));
    }

    private AuditQuery query(TeamId team, Optional<AccountId> own) {
        if (actor.length() > MAX_ACTOR || actor.chars().anyMatch(Character::isISOControl))
            throw new AccountProblem.InvalidInput("actor", "Give the actor's account id or email address.");
        Optional<AccountId> actorId = actor.isEmpty() || actor.contains("@") ? Optional.empty() : Optional.of(new AccountId(actor));
        Optional<String> actorEmail = actor.contains("@") ? Optional.of(actor.toLowerCase(Locale.ROOT)) : Optional.empty();
        Optional<String> code = Optional.empty();
        if (!action.isEmpty()) {
            code = Optional.of(AuditAction.ofCode(action).orElseThrow(() -> new AccountProblem.InvalidInput("action",
                    "Unknown action. Use one of the codes listed in the audit log, such as session.signed-in.")).code());
        }
        ZoneId days = days();
        Optional<Instant> start = instant("from", from, false, days);
        Optional<Instant> end = instant("to", to, true, days);
        if (start.isPresent() && end.isPresent() && !start.get().isBefore(end.get()))
            throw new AccountProblem.InvalidInput("to", "The end of the time range must come after its start.");
        return new AuditQuery(team, own, actorId, actorEmail, code, start, end);
    }

    /** The earliest and the latest time a filter may name: years 1970 to 9999, so every bound fits in epoch milliseconds. */
    static final Instant EARLIEST = Instant.EPOCH;
    static final Instant LATEST = LocalDate.of(10000, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();

    /**
     * A day in {@code zone} or an instant; a day as an end means up to the end of that day. A day is one of the years 1970
     * to 9999 as it is written, whatever the zone: {@code to=1969-12-31} was taken, as its end is 1970's first instant
     * (outside review), where {@code from=1969-12-31} was refused. A day whose start in the zone falls outside those
     * years (1970-01-01 in Asia/Tokyo) is held to them, as no entry is older. An instant is a start from 1970's first
     * instant up to 9999's last, or an end (exclusive) after 1970's first instant up to 10000-01-01T00:00Z: an end at
     * the first instant or before it names no time at all.
     */
    private static Optional<Instant> instant(String field, String value, boolean end, ZoneId zone) {
        if (value.isEmpty()) return Optional.empty();
        Instant at;
        try {
            if (value.length() <= 10) {
                LocalDate day = LocalDate.parse(value);
                if (day.getYear() < FIRST_YEAR || day.getYear() > LAST_YEAR) throw outsideYears(field);
                at = (end ? day.plusDays(1) : day).atStartOfDay(zone).toInstant();
                if (at.isBefore(EARLIEST)) at = EARLIEST;
                if (at.isAfter(LATEST)) at = LATEST;
            } else {
                at = Instant.parse(value);
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new AccountProblem.InvalidInput(field, "Give the " + words(field) + " as a date (2026-01-31) or a UTC time (2026-01-31T09:00:00Z).");
        }
        boolean inYears = end ? at.isAfter(EARLIEST) && !at.isAfter(LATEST) : !at.isBefore(EARLIEST) && at.isBefore(LATEST);
        if (!inYears) throw outsideYears(field);
        return Optional.of(at);
    }

    /** The years a day may name: from {@link #EARLIEST}'s to the last one before {@link #LATEST}. */
    private static final int FIRST_YEAR = 1970;
    private static final int LAST_YEAR = 9999;

    private static AccountProblem.InvalidInput outsideYears(String field) {
        return new AccountProblem.InvalidInput(field, "Give the " + words(field) + " between the years 1970 and 9999.");
    }

    /** A time filter's name as the page's form and the API's parameter both read: "start (from)". */
    private static String words(String field) {
        return ("to".equals(field) ? "end" : "start") + " (" + field + ")";
    }

    /** A page cursor: the seq that the next page starts below, in the text form of every list ({@link Cursors}). */
    static Optional<Long> cursor(String value) {
        return Cursors.decodeLong(value);
    }
}
