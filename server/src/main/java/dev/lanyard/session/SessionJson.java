package dev.lanyard.session;

import dev.lanyard.geo.ClientAddresses;
import io.swagger.v3.oas.annotations.media.Schema;
import org.springframework.modulith.NamedInterface;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A session in the API. {@code ip} and {@code signIn.ip} are masked unless the owner asks for one session's details.
 * Times are ISO-8601 instants; {@code endedAt} and {@code endReason} are null while active. Open
 * ({@code views}) to the modules that answer with sessions in their own API.
 */
@NamedInterface("views")
public record SessionJson(@Schema(nullable = true, description = "null where the viewer is an admin looking at another member's session") String id, boolean current, String name, DeviceJson device,
                   @Schema(allowableValues = {"web", "admin", "mobile", "sync", "api", "oauth"}, description = "Which kind of "
                           + "client holds the session: api for an API key, oauth for an app's grant") String appType,
                   LocationJson location,
                   String ip,
                   SignInJson signIn,
                   Instant createdAt,
                   @Schema(description = "When the session last made a request; for an API key never used "
                           + "(activity.requests 0), when it was made") Instant lastActiveAt,
                   @Schema(nullable = true, description = "When it ends at the latest; null for an API key made without an "
                           + "expiry, as the key's own expiresAt") Instant expiresAt,
                   @Schema(nullable = true, description = "When it ends if not used before then: its last activity plus the "
                           + "idle timeout, or expiresAt if that comes first; null when the team sets no idle timeout, for an "
                           + "API key, and once it has ended") Instant idleExpiresAt,
                   boolean verified, boolean alerts,
                   @Schema(description = "Open and used within the active window (5 minutes unless configured); false for an API key never used")
                   boolean activeNow, ActivityJson activity, @Schema(nullable = true) Instant endedAt, @Schema(nullable = true) String endReason,
                   @Schema(nullable = true) String endedBy, @Schema(nullable = true) String endNote,
                   @Schema(description = "Why the risk assessment found the session suspicious (new device, new country, "
                           + "new address, impossible travel, very old session); empty when it did not") List<FlagJson> flags,
                   @Schema(nullable = true, allowableValues = {"low", "medium", "high"},
                           description = "The highest concern among the flags; null without flags") String concern,
                   @Schema(description = "Bound to a key the browser keeps on the device (Device Bound Session Credentials): "
                           + "its cookie is renewed every few minutes with that key, so a copied cookie stops working") boolean deviceBound) {

    /** One reason a session looks suspicious. */
    record FlagJson(@Schema(example = "new-device", allowableValues = {"new-device", "new-country", "new-address",
                            "impossible-travel", "old-session"}) String code,
                    @Schema(allowableValues = {"low", "medium", "high"}) String level,
                    @Schema(example = "First sign-in from Firefox on Windows") String reason) {
    }

    record DeviceJson(@Schema(example = "Edge 129 on Xbox", description = "The session card's title: the browser, then "
                              + "\"on\" and the system for a computer (Firefox 133 on Windows) or the device's name for a phone, "
                              + "a tablet or any other device (Safari 17 on iPhone, Edge 129 on Xbox); a TV's, a console's or "
                              + "another such device's own browser, named after it or its maker, is left out (PlayStation 5, "
                              + "Samsung Smart TV)") String description,
                      @Schema(description = "Empty when unknown, and where the name the user agent gives is one a device's "
                              + "own browser poses as (Safari on a PlayStation or a Samsung TV)") String browser,
                      String browserVersion, String os, String osVersion,
                      @Schema(allowableValues = {"desktop", "mobile", "tablet", "tv", "game-console", "watch", "ereader",
                              "headset", "car", "smart-home", "bot", "unknown"}, description = "What kind of device: tv also "
                              + "for a set-top box, headset for a VR or AR headset, bot for a crawler or a script (an HTTP "
                              + "library such as curl)") String type,
                      @Schema(example = "PlayStation 5", description = "The device's name, for any type but desktop, bot and "
                              + "unknown (iPhone, Pixel 8, Samsung Smart TV, Nintendo Switch, Kindle); empty when the user "
                              + "agent names none") String model) {
    }

    record LocationJson(@Schema(example = "Springfield, Illinois, United States", description = "The place as the pages name "
                                + "it: city, region and country, each where known, the region left out where it repeats the "
                                + "city or the country (Madrid, Spain); \"Local network\" or \"Unknown location\" otherwise")
                        String label, String city,
                        @Schema(description = "The state, province or other region the geolocation database gives; empty "
                                + "when it gives none") String region,
                        String country, String countryCode, String isp, boolean localNetwork) {
    }

    /** Where a session signed in ({@link SignInPlace}), or null where that is not known. */
    @Schema(nullable = true, description = "Where the session signed in: the same as ip and location while it is used from "
            + "there. Null where Lanyard does not know it: for a session that moved before Lanyard kept where sessions sign "
            + "in (schema V39), for an API key (which signs in nowhere), and always in GET /api/v1/sessions/current, which answers from memory without reading it "
            + "(GET /api/v1/sessions/{id} with the current session's id gives it)")
    record SignInJson(@Schema(description = "The address it signed in from, shown as ip is (in full only to its owner asking "
                              + "for one session); once the session has been used from another address, the network of it "
                              + "(83.45.123.0/24, masked as 83.45.123.•••), which is all Lanyard keeps of it then") String ip,
                      @Schema(description = "Its place, as location names one; isp empty once the session has been used "
                              + "from another address (Lanyard keeps no ISP of where it signed in)") LocationJson location) {
    }

    record ActivityJson(int signIns, long requests, long pages, @Schema(nullable = true) String lastPage) {
    }

    /** A session id (or an API key's, which is one) inside a path. */
    private static final java.util.regex.Pattern ID_IN_PATH = java.util.regex.Pattern.compile("ses_[A-Za-z0-9_-]+");

    /** {@code path} with each session id in it shortened to {@code ses_…}: a last page as someone else may see it. */
    static String withoutSessionIds(String path) {
        return ID_IN_PATH.matcher(path).replaceAll("ses_…");
    }

    /**
     * Another person's session as an admin sees it (docs/decisions/0014-strict-input-and-what-each-viewer-sees.md):
     * every detail but the session id (null), the full IP (masked) and the session ids in its last page
     * ({@code /settings/sessions/ses_…}).
     */
    public static SessionJson ofSomeoneElse(Session s, Optional<SignInPlace> signIn, boolean current, boolean activeNow) {
        SessionJson full = of(s, signIn, current, activeNow, false);
        ActivityJson a = full.activity();
        ActivityJson activity = new ActivityJson(a.signIns(), a.requests(), a.pages(),
                a.lastPage() == null ? null : withoutSessionIds(a.lastPage()));
        return new SessionJson(null, full.current(), full.name(), full.device(), full.appType(), full.location(), full.ip(),
                full.signIn(), full.createdAt(), full.lastActiveAt(), full.expiresAt(), full.idleExpiresAt(), full.verified(), full.alerts(), full.activeNow(),
                activity, full.endedAt(), full.endReason(), full.endedBy(), full.endNote(), full.flags(), full.concern(),
                full.deviceBound());
    }

    /**
     * The session as JSON without where it signed in, which it does not hold ({@code /current} answers so, from memory);
     * {@code fullIp} false masks the address.
     */
    public static SessionJson of(Session s, boolean current, boolean activeNow, boolean fullIp) {
        return of(s, Optional.empty(), current, activeNow, fullIp);
    }

    /**
     * The session as JSON, with where it signed in when that is known ({@link Sessions#signInPlaces}); {@code fullIp}
     * false masks the addresses. Built from the session alone, not from a {@link SessionView}, whose phrases and dates
     * the API does not show (they cost more than the rest of a {@code /current} request's own work).
     */
    public static SessionJson of(Session s, Optional<SignInPlace> signIn, boolean current, boolean activeNow, boolean fullIp) {
        var d = s.device();
        var l = s.location();
        var a = s.activity();
        var e = s.ending();
        return new SessionJson(s.id().value(), current, s.name(),
                new DeviceJson(d.description(), d.browser(), d.browserVersion(), d.os(), d.osVersion(),
                        d.type().code(), d.model()),
                s.appType().name().toLowerCase(java.util.Locale.ROOT),
                location(l),
                address(s.ip(), fullIp),
                signIn.map(place -> new SignInJson(address(place.ip(), fullIp), location(place.location()))).orElse(null),
                s.createdAt(), s.lastActiveAt(),
                s.expiresAt().equals(Sessions.NEVER) ? null : s.expiresAt(), s.idleExpiresAt().orElse(null), s.verified(),
                s.alerts(), activeNow, new ActivityJson(a.signIns(), a.requests(), a.pages(), a.lastPage()),
                e.map(Session.Ending::at).orElse(null), e.map(x -> x.reason().code()).orElse(null),
                e.flatMap(Session.Ending::by).map(x -> x.value()).orElse(null),
                e.flatMap(Session.Ending::note).orElse(null),
                s.flags().isEmpty() ? List.of() : s.flags().stream().map(f -> new FlagJson(f.code(), f.level().code(), f.reason())).toList(),
                s.concern().map(SessionFlag.Level::code).orElse(null), s.deviceBound());
    }

    private static LocationJson location(dev.lanyard.geo.GeoLocation l) {
        return new LocationJson(l.label(), l.city(), l.region(), l.country(), l.countryCode(), l.isp(), l.localNetwork());
    }

    private static String address(String stored, boolean full) {
        return full ? ClientAddresses.shown(stored) : ClientAddresses.mask(stored);
    }
}
