package dev.lanyard.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.lanyard.geo.GeoLocation;

/**
 * The sessions page's map (PRODUCT.md S9): where the account's active sessions are, as dots on the world
 * outline of {@code static/img/world.svg}, whose 360 × 180 units are an equirectangular projection
 * (x = longitude + 180, y = 90 − latitude). Places are city-level, as geolocated, never finer: a dot is
 * a city with the number of sessions there. Sessions without coordinates (a local network, an unknown
 * address, an API key never used) have no dot and are counted instead.
 *
 * @param dots     one per place, most sessions first, the current session's place marked
 * @param unplaced active sessions without a place on the map
 */
record SessionMap(List<Dot> dots, int unplaced) {

    /** A place: its position and radius in map units, and what it says to a person. */
    record Dot(String x, String y, String r, String label, String flag, int sessions, boolean current) {
        /** "Madrid, Spain: 2 sessions, this device among them", for the tooltip and the list beside the map. */
        public String title() {
            return label + ": " + sessions + (sessions == 1 ? " session" : " sessions")
                    + (current ? (sessions == 1 ? ", this device" : ", this device among them") : "");
        }
    }

    static SessionMap of(List<SessionStore.Place> places, GeoLocation current) {
        List<Dot> dots = new ArrayList<>();
        int unplaced = 0;
        for (SessionStore.Place p : places) {
            GeoLocation at = p.location();
            if (at.localNetwork() || at.latitude().isEmpty() || at.longitude().isEmpty()) {
                unplaced += p.sessions();
                continue;
            }
            double lat = Math.max(-90, Math.min(90, at.latitude().get()));
            double lon = Math.max(-180, Math.min(180, at.longitude().get()));
            // 3.5 units (a 1/100 of the map's width) for one session, a unit more for each doubling, at most 7.
            double r = Math.min(7, 3.5 + Math.log(p.sessions()) / Math.log(2));
            dots.add(new Dot(units(lon + 180), units(90 - lat), units(r), at.label(), at.flag(), p.sessions(), samePlace(at, current)));
        }
        return new SessionMap(List.copyOf(dots), unplaced);
    }

    /** The same city, as places are grouped: its coordinates are the average of the sessions' there, not this one's. */
    private static boolean samePlace(GeoLocation a, GeoLocation b) {
        return a.city().equals(b.city()) && a.country().equals(b.country()) && a.countryCode().equals(b.countryCode())
                && a.localNetwork() == b.localNetwork();
    }

    private static String units(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
