package dev.lanyard.geo;

import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where an IP address is, as far as the geolocation data knows. Unknown parts are empty
 * strings; coordinates are absent when unknown. {@code localNetwork} marks private,
 * loopback and link-local addresses, which have no place on a map.
 */
public record GeoLocation(String city, String region, String country, String countryCode, String isp,
                          Optional<Double> latitude, Optional<Double> longitude, boolean localNetwork) {

    public GeoLocation {
        city = Objects.requireNonNullElse(city, "");
        region = Objects.requireNonNullElse(region, "");
        country = Objects.requireNonNullElse(country, "");
        countryCode = Objects.requireNonNullElse(countryCode, "").toUpperCase(java.util.Locale.ROOT);
        isp = Objects.requireNonNullElse(isp, "");
        latitude = Objects.requireNonNullElse(latitude, Optional.empty());
        longitude = Objects.requireNonNullElse(longitude, Optional.empty());
    }

    public static GeoLocation unknown() {
        return new GeoLocation("", "", "", "", "", Optional.empty(), Optional.empty(), false);
    }

    public static GeoLocation local() {
        return new GeoLocation("", "", "", "", "", Optional.empty(), Optional.empty(), true);
    }

    /** The {@link #label()} of a local network's address. */
    public static final String LOCAL_NETWORK = "Local network";
    /** The {@link #label()} of a place not known. */
    public static final String UNKNOWN_LOCATION = "Unknown location";

    /**
     * The place as every page, mail and the API name it: city, region and country, from the smallest ("Springfield,
     * Illinois, United States"), so that two towns of one name read apart as on the map (decision 85). A part the
     * database does not give is left out ("Madrid, Spain" without a region, "Catalonia, Spain" without a city), and so is
     * a region that repeats the city or the country ("Madrid, Spain", not "Madrid, Madrid, Spain"). Without a city or a
     * country, "Unknown location"; a local network's address, "Local network".
     */
    public String label() {
        if (localNetwork) return LOCAL_NETWORK;
        if (city.isEmpty() && country.isEmpty()) return UNKNOWN_LOCATION;
        // DB-IP names some cities with their district, "Berlin (Charlottenburg-Wilmersdorf)", in the region "Berlin".
        boolean repeated = region.equalsIgnoreCase(city.replaceFirst(" \\(.*\\)$", "")) || region.equalsIgnoreCase(country);
        return Stream.of(city, repeated ? "" : region, country).filter(part -> !part.isEmpty()).collect(Collectors.joining(", "));
    }

    /** The place in a sentence, after a verb: "in Springfield, Illinois, United States", "on a local network", "in an unknown location". */
    public String where() {
        if (localNetwork) return "on a local network";
        if (city.isEmpty() && country.isEmpty()) return "in an unknown location";
        return "in " + label();
    }

    /** The country's flag as a regional-indicator emoji pair, or empty. */
    public String flag() {
        if (countryCode.length() != 2 || !countryCode.chars().allMatch(c -> c >= 'A' && c <= 'Z')) return "";
        int first = 0x1F1E6 + (countryCode.charAt(0) - 'A');
        int second = 0x1F1E6 + (countryCode.charAt(1) - 'A');
        return new String(Character.toChars(first)) + new String(Character.toChars(second));
    }
}
