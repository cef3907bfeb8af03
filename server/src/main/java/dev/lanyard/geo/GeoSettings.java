package dev.lanyard.geo;

import java.nio.file.Path;
import java.util.Optional;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the geolocation data lives.
 *
 * @param directory    holds the files {@code scripts/fetch-geo.sh} writes (DB-IP Lite city
 *                     databases and the ASN tables); default {@code ./data/geo}
 * @param cityDatabase optional path to an operator's GeoIP2 or GeoLite2 City file, used instead
 *                     of the DB-IP city databases; empty for none. A {@code String}, not an
 *                     {@code Optional<Path>}, because Boot's binder cannot convert into Optional.
 */
@ConfigurationProperties("lanyard.geo")
record GeoSettings(Path directory, String cityDatabase) {

    GeoSettings {
        directory = directory == null ? Path.of("data", "geo") : directory;
        cityDatabase = cityDatabase == null ? "" : cityDatabase.strip();
    }

    Optional<Path> cityDatabasePath() {
        return cityDatabase.isEmpty() ? Optional.empty() : Optional.of(Path.of(cityDatabase));
    }
}
