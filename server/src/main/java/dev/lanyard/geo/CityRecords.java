package dev.lanyard.geo;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a city record from a MaxMind DB file in either of the two layouts Lanyard accepts, told
 * apart by their keys: DB-IP Lite's flat record ({@code country_code, state1, city, latitude,
 * longitude}) and GeoIP2/GeoLite2 City's nested one ({@code city.names.en},
 * {@code subdivisions[0].names.en}, {@code country.iso_code}, {@code location.latitude}).
 */
final class CityRecords {

    private CityRecords() {
    }

    static GeoLocation toLocation(Map<?, ?> record, String isp) {
        if (record.get("country") instanceof Map || record.get("location") instanceof Map
                || record.get("registered_country") instanceof Map) {
            return nested(record, isp);
        }
        String code = countryCode(record.get("country_code"));
        return new GeoLocation(text(record.get("city")), text(record.get("state1")), countryName(code), code, isp,
                number(record.get("latitude")), number(record.get("longitude")), false);
    }

    private static GeoLocation nested(Map<?, ?> record, String isp) {
        // Anonymous and satellite networks have no "country", only where they are registered.
        Map<?, ?> country = record.get("country") instanceof Map<?, ?> c ? c : map(record.get("registered_country"));
        String code = countryCode(country.get("iso_code"));
        String countryName = englishName(country);
        String region = record.get("subdivisions") instanceof List<?> list && !list.isEmpty()
                ? englishName(map(list.get(0)))
                : "";
        Map<?, ?> location = map(record.get("location"));
        return new GeoLocation(englishName(map(record.get("city"))), region,
                countryName.isEmpty() ? countryName(code) : countryName, code, isp,
                number(location.get("latitude")), number(location.get("longitude")), false);
    }

    /** ISO 3166 alpha-2, or empty; "ZZ" is the databases' way of saying they do not know. */
    private static String countryCode(Object value) {
        String code = text(value).toUpperCase(Locale.ROOT);
        return code.length() == 2 && !code.equals("ZZ") ? code : "";
    }

    /** "ES" → "Spain"; empty when Java does not know the code. */
    static String countryName(String code) {
        if (code.length() != 2) return "";
        String name = new Locale("", code).getDisplayCountry(Locale.ENGLISH);
        return name.equalsIgnoreCase(code) ? "" : name;
    }

    private static String englishName(Map<?, ?> place) {
        return text(map(place.get("names")).get("en"));
    }

    private static Map<?, ?> map(Object value) {
        return value instanceof Map<?, ?> m ? m : Map.of();
    }

    private static String text(Object value) {
        return value instanceof String s ? s.strip() : "";
    }

    private static Optional<Double> number(Object value) {
        if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) return Optional.empty();
        // DB-IP stores floats: widen through their decimal text so 41.6476f stays 41.6476,
        // not 41.64759826660156.
        return Optional.of(n instanceof Float f ? Double.parseDouble(f.toString()) : n.doubleValue());
    }
}
