package dev.lanyard.risk;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import dev.lanyard.device.Device;
import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.geo.GeoLocation;

/**
 * What one sign-in or change of address shows of an account: its device, country, public address
 * and place, as the keys {@link SeenStore} keeps. Empty keys are unknown and never count as new.
 */
record Sighting(String device, String deviceLabel, String country, String countryName, String address,
                Optional<Place> place, Instant at) {

    Sighting {
        Objects.requireNonNull(at, "at");
        device = Objects.requireNonNullElse(device, "");
        deviceLabel = Objects.requireNonNullElse(deviceLabel, "");
        country = Objects.requireNonNullElse(country, "");
        countryName = Objects.requireNonNullElse(countryName, "");
        address = Objects.requireNonNullElse(address, "");
        place = Objects.requireNonNullElse(place, Optional.empty());
    }

    /** A point on the map in a country; {@link #key()} rounds to about a kilometre. */
    record Place(double latitude, double longitude, String country) {
        String key() {
            return String.format(Locale.ROOT, "%.2f,%.2f,%s", latitude, longitude, country);
        }

        static Optional<Place> parse(String key) {
            String[] parts = key.split(",", 3);
            if (parts.length != 3) return Optional.empty();
            try {
                return Optional.of(new Place(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), parts[2]));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        /** Great-circle distance in kilometres (haversine). */
        double kmTo(Place other) {
            double r = 6371.0;
            double dLat = Math.toRadians(other.latitude - latitude);
            double dLon = Math.toRadians(other.longitude - longitude);
            double a = Math.sin(dLat / 2) * Math.sin(dLat / 2) + Math.cos(Math.toRadians(latitude))
                    * Math.cos(Math.toRadians(other.latitude)) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
            return 2 * r * Math.asin(Math.min(1, Math.sqrt(a)));
        }
    }

    /**
     * What a session shows. A device is its browser family, OS family and type, without versions,
     * so an update is no new device. A device that tells neither (no user agent, or one nothing is
     * known of) is one device of its own, "unknown": else leaving the header out would never be a new
     * device, and someone with the password would sign in without the owner being told. Addresses of
     * the local network have no country, place or public address. A 6to4 or Teredo address counts as
     * the IPv4 address it carries, the one its place is found from ({@link ClientAddresses#placedAt}).
     */
    static Sighting of(Device device, String ip, GeoLocation location, Instant at) {
        String key = device.browser().isEmpty() && device.os().isEmpty() ? "unknown|unknown|" + device.type().name()
                : device.browser().toLowerCase(Locale.ROOT) + "|" + device.os().toLowerCase(Locale.ROOT) + "|" + device.type().name();
        // A phone and a tablet may share browser and system (Safari on iOS), as a phone and a TV may (Chrome on Android):
        // the kind names which one is new (outside QA AH).
        boolean kind = device.type().toldByKind();
        // An appliance with a name is called as its card calls it, without versions: "Edge on Xbox", "PlayStation 5", not
        // "Edge on Windows (Game console)"; its name says the kind.
        boolean named = device.type().appliance() && !device.model().isEmpty();
        String label = named ? new Device(device.browser(), "", device.os(), "", device.type(), device.model()).description()
                : device.browser().isEmpty() ? device.description()
                : device.browser() + (device.os().isEmpty() ? "" : " on " + device.os()) + (kind ? " (" + device.type().label() + ")" : "");
        if (location.localNetwork()) return new Sighting(key, label, "", "", "", Optional.empty(), at);
        String country = location.countryCode();
        Optional<Place> place = location.latitude().isPresent() && location.longitude().isPresent() && !country.isEmpty()
                ? Optional.of(new Place(location.latitude().get(), location.longitude().get(), country))
                : Optional.empty();
        return new Sighting(key, label, country, location.country().isEmpty() ? country : location.country(),
                ip == null ? "" : ClientAddresses.placedAt(ip), place, at);
    }
}
