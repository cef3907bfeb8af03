package dev.lanyard.session;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.lanyard.geo.GeoLocation;

/**
 * The sessions page's map (PRODUCT.md S9): where the account's active sessions are, as dots on the world
 * outline of {@code static/img/world.svg}, whose 360 × 180 units are an equirectangular projection
 * (x = longitude + 180, y = 90 − latitude). Places are city-level, as geolocated, never finer: a dot is
 * a town with the number of sessions there, at the average of their points. Sessions without coordinates
 * (a local network, an unknown address, an API key never used) have no dot and are counted instead.
 *
 * <p>A town is a city's name in a country and region. One city may be geolocated once with its region and once
 * without: a place without a region joins the nearest town of its name (and country) within {@link #SAME_TOWN_KM},
 * whatever that town's region; a place with a region joins only a town of that region. Places of one name farther
 * apart than that are different towns even when no region tells them apart. A dot is named as the session cards name
 * its places ({@link GeoLocation#label()}: city, region, country); a town whose places were geolocated with and without
 * its region is named with it, the town the map placed them in. Two dots that would read alike add their points.
 *
 * @param dots     one per town, most sessions first, the current session's town marked
 * @param unplaced active sessions without a place on the map
 */
record SessionMap(List<Dot> dots, int unplaced) {

    /**
     * How far apart, in km, two places of one name may lie and still be one town. The records of one city lie a
     * few km apart (London's for 81.2.69.160 and 2.17.0.1 in DB-IP Lite: 3 km); towns that share a name in one country
     * lie farther apart (Springfield, Illinois and Springfield, Missouri: 430 km; Frankfurt am Main and Frankfurt
     * (Oder): 480 km; Portland, Oregon and Portland, Maine: 4,100 km), and the nearer ones (Kansas City, Missouri and
     * Kansas City, Kansas) have regions that tell them apart.
     */
    static final double SAME_TOWN_KM = 100;

    /** A place: its position and radius in map units, and what it says to a person. */
    record Dot(String x, String y, String r, String label, String flag, int sessions, boolean current) {
        /** "Madrid, Spain: 2 sessions, this device among them", the dot's tooltip and the list's line. */
        public String title() {
            return label + ": " + count();
        }

        /** "2 sessions, this device among them": after the place in the list, which wraps the place as the cards do. */
        public String count() {
            return sessions + (sessions == 1 ? " session" : " sessions")
                    + (current ? (sessions == 1 ? ", this device" : ", this device among them") : "");
        }
    }

    static SessionMap of(List<SessionStore.Place> places, GeoLocation current) {
        List<Town> towns = new ArrayList<>();
        int unplaced = 0;
        // Places with a region first: they say which towns there are, and those without one then join the nearest.
        List<SessionStore.Place> regionsFirst = places.stream()
                .sorted(Comparator.comparing((SessionStore.Place p) -> p.location().region().isEmpty())).toList();
        for (SessionStore.Place p : regionsFirst) {
            GeoLocation at = p.location();
            if (at.localNetwork() || at.latitude().isEmpty() || at.longitude().isEmpty()) {
                unplaced += p.sessions();
                continue;
            }
            nearestTaking(towns, at).ifPresentOrElse(town -> town.add(at, p.sessions()), () -> towns.add(new Town(at, p.sessions())));
        }
        // The town this session's place is in, found as its place joined one: the dot is at the town's point, not at its own.
        Optional<Town> here = current.latitude().isPresent() && current.longitude().isPresent() && !current.localNetwork()
                ? nearestTaking(towns, current) : Optional.empty();
        Function<Town, String> label = labels(towns);
        List<Dot> dots = towns.stream()
                .sorted(Comparator.comparingInt((Town t) -> -t.sessions).thenComparing(label))
                .map(t -> t.dot(label.apply(t), here.filter(t::equals).isPresent()))
                .toList();
        return new SessionMap(dots, unplaced);
    }

    private static Optional<Town> nearestTaking(List<Town> towns, GeoLocation at) {
        return towns.stream().filter(t -> t.takes(at)).min(Comparator.comparingDouble(t -> t.kmTo(at)));
    }

    /**
     * Each town's label: its name as its cards say it, with its point when another dot has the same name (two towns of
     * one name, neither geolocated with its region).
     */
    private static Function<Town, String> labels(List<Town> towns) {
        Map<String, Long> byName = towns.stream().collect(Collectors.groupingBy(Town::name, Collectors.counting()));
        return t -> byName.get(t.name()) > 1 ? t.name() + " (" + t.point() + ")" : t.name();
    }

    /** The places of one town as they are gathered: its name, and the sum of its sessions' points to average them. */
    private static final class Town {
        private final GeoLocation first;
        private double latitudes;
        private double longitudes;
        private int sessions;

        Town(GeoLocation at, int sessions) {
            this.first = at;
            add(at, sessions);
        }

        void add(GeoLocation at, int n) {
            latitudes += at.latitude().orElseThrow() * n;
            longitudes += at.longitude().orElseThrow() * n;
            sessions += n;
        }

        /** Whether {@code at} is this town: its name, its region unless it has none, and near enough. */
        boolean takes(GeoLocation at) {
            return at.city().equals(first.city()) && at.country().equals(first.country())
                    && at.countryCode().equals(first.countryCode())
                    && (at.region().isEmpty() || at.region().equals(first.region()))
                    && kmTo(at) <= SAME_TOWN_KM;
        }

        /** The great-circle distance from this town's point to {@code at}'s. */
        double kmTo(GeoLocation at) {
            double lat1 = Math.toRadians(latitude()), lat2 = Math.toRadians(at.latitude().orElseThrow());
            double dLat = lat2 - lat1, dLon = Math.toRadians(at.longitude().orElseThrow() - longitude());
            double h = Math.pow(Math.sin(dLat / 2), 2) + Math.cos(lat1) * Math.cos(lat2) * Math.pow(Math.sin(dLon / 2), 2);
            return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
        }

        double latitude() {
            return Math.max(-90, Math.min(90, latitudes / sessions));
        }

        double longitude() {
            return Math.max(-180, Math.min(180, longitudes / sessions));
        }

        /**
         * "Springfield, Illinois, United States", as a session card names the place: its first place's, which has the
         * town's region if any of its places has one (places with a region come first).
         */
        String name() {
            return first.label();
        }

        /** "39.8° N, 89.6° W", as precise as the dot. */
        String point() {
            return String.format(Locale.ROOT, "%.1f° %s, %.1f° %s", Math.abs(latitude()), latitude() < 0 ? "S" : "N",
                    Math.abs(longitude()), longitude() < 0 ? "W" : "E");
        }

        Dot dot(String label, boolean current) {
            // 3.5 units (a 1/100 of the map's width) for one session, a unit more for each doubling, at most 7.
            double r = Math.min(7, 3.5 + Math.log(sessions) / Math.log(2));
            return new Dot(units(longitude() + 180), units(90 - latitude()), units(r), label, first.flag(), sessions, current);
        }
    }

    private static String units(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
