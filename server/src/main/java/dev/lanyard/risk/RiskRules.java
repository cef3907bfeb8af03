package dev.lanyard.risk;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.session.SessionFlag;
import dev.lanyard.session.SessionFlag.Level;

/**
 * The rules of the assessment (PRODUCT.md V3, docs/decisions/0024), without storage or time of their
 * own: given what the account had seen and what a sign-in or a change of address shows, which flags
 * the session gets. An account's first sign-in sets what is known and is flagged in nothing.
 */
final class RiskRules {
    static final String NEW_DEVICE = "new-device";
    static final String NEW_COUNTRY = "new-country";
    static final String NEW_ADDRESS = "new-address";
    static final String IMPOSSIBLE_TRAVEL = "impossible-travel";
    static final String OLD_SESSION = "old-session";

    private final RiskSettings settings;

    RiskRules(RiskSettings settings) {
        this.settings = settings;
    }

    /** Flags of a new sign-in. */
    List<SessionFlag> atSignIn(SeenStore.Seen seen, Sighting now) {
        if (!seen.assessedBefore()) return List.of();
        List<SessionFlag> flags = new ArrayList<>();
        if (!seen.device() && !now.device().isEmpty())
            flags.add(new SessionFlag(NEW_DEVICE, Level.HIGH, "First sign-in from " + now.deviceLabel()));
        places(seen, now, "First sign-in from ", Level.MEDIUM, "First sign-in from the address ", flags);
        return List.copyOf(flags);
    }

    /** Flags of a session, signed in at {@code signedInAt}, that is now used from another address. */
    List<SessionFlag> atMove(SeenStore.Seen seen, Sighting now, Instant signedInAt) {
        List<SessionFlag> flags = new ArrayList<>();
        if (seen.assessedBefore()) {
            // A session that moves keeps being used: a new address is routine on mobile networks, so only low.
            places(seen, now, "Used from ", Level.LOW, "Used from a new address, ", flags);
        }
        oldSession(now.at(), signedInAt).ifPresent(flags::add);
        return List.copyOf(flags);
    }

    /** The "very old session" flag, when the session is older than {@code lanyard.risk.old-session-after}. */
    Optional<SessionFlag> oldSession(Instant now, Instant signedInAt) {
        Duration age = Duration.between(signedInAt, now);
        if (age.compareTo(settings.oldSessionAfter()) < 0) return Optional.empty();
        return Optional.of(new SessionFlag(OLD_SESSION, Level.MEDIUM,
                "Signed in " + age.toDays() + " days ago and still in use"));
    }

    private void places(SeenStore.Seen seen, Sighting now, String countryPrefix, Level addressLevel, String addressPrefix,
                        List<SessionFlag> flags) {
        boolean newCountry = !seen.country() && !now.country().isEmpty();
        if (newCountry) flags.add(new SessionFlag(NEW_COUNTRY, Level.HIGH, countryPrefix + now.countryName()
                + (countryPrefix.startsWith("Used") ? " for the first time" : "")));
        impossibleTravel(seen, now).ifPresent(flags::add);
        if (!newCountry && !seen.address() && !now.address().isEmpty())
            flags.add(new SessionFlag(NEW_ADDRESS, addressLevel, addressPrefix + ClientAddresses.mask(now.address())));
    }

    /**
     * Impossible travel: from the place last seen to this one faster than {@code max-travel-kmh}. Only
     * between two countries and over at least {@code min-travel-km}: within a country, coarse city-level
     * places and mobile networks (whose addresses are placed at the carrier's hub) jump hundreds of
     * kilometres without anyone moving.
     */
    Optional<SessionFlag> impossibleTravel(SeenStore.Seen seen, Sighting now) {
        if (seen.lastPlace().isEmpty() || now.place().isEmpty()) return Optional.empty();
        Sighting.Place from = seen.lastPlace().get().place();
        Sighting.Place to = now.place().get();
        if (from.country().equals(to.country())) return Optional.empty();
        double km = from.kmTo(to);
        if (km < settings.minTravelKm()) return Optional.empty();
        Duration elapsed = Duration.between(seen.lastPlace().get().at(), now.at());
        if (elapsed.isNegative()) return Optional.empty();
        double hours = Math.max(elapsed.toMillis(), 1) / 3_600_000.0;
        double kmh = km / hours;
        if (kmh <= settings.maxTravelKmh()) return Optional.empty();
        return Optional.of(new SessionFlag(IMPOSSIBLE_TRAVEL, Level.HIGH, String.format(Locale.ENGLISH,
                "Impossible travel: %s %s after %s, %,d km away",
                now.countryName(), span(elapsed), countryName(from.country()), Math.round(km))));
    }

    /** What {@link #impossibleTravel} writes: the country reached, how soon, the country left, how far. */
    private static final Pattern TRAVEL = Pattern.compile(
            "Impossible travel: (.+) (?:less than a minute|\\d+ minutes?|\\d+ hours?) after (.+), [\\d,]+ km away");

    /**
     * What a flag is about, so that a session keeps one flag per thing ({@code Sessions.addFlags}): for a new country the
     * country (its reason names it, and a country is new once), for impossible travel the two countries, from and to (a
     * session that goes on from Australia to Brazil gets a second one; the same travel again, sooner or later, does not).
     * A new address or an old session is one flag whatever it says: a moving phone gets new addresses all day, and an
     * old session's age grows.
     */
    static String subject(SessionFlag flag) {
        return switch (flag.code()) {
            case NEW_COUNTRY -> flag.reason();
            case IMPOSSIBLE_TRAVEL -> {
                Matcher m = TRAVEL.matcher(flag.reason());
                yield m.matches() ? m.group(2) + " \u2192 " + m.group(1) : flag.reason();
            }
            default -> "";
        };
    }

    private static String span(Duration d) {
        if (d.toHours() >= 1) return d.toHours() == 1 ? "1 hour" : d.toHours() + " hours";
        long minutes = d.toMinutes();
        return minutes < 1 ? "less than a minute" : minutes == 1 ? "1 minute" : minutes + " minutes";
    }

    private static String countryName(String code) {
        String name = new Locale("", code).getDisplayCountry(Locale.ENGLISH);
        return name.isBlank() ? code : name;
    }
}
