package dev.lanyard.geo;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
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
 *                     {@code Optional<Path>}, because Boot's binder cannot convert into Optional. A file
 *                     named here that is not there (or not readable) stops the start: it was chosen, unlike
 *                     the directory's files, which are only missing until {@code scripts/fetch-geo.sh} runs
 *                     (a warning, and no locations meanwhile)
 */
@ConfigurationProperties("lanyard.geo")
record GeoSettings(Path directory, String cityDatabase) {

    GeoSettings {
        directory = directory == null ? Path.of("data", "geo") : directory;
        cityDatabase = cityDatabase == null ? "" : cityDatabase.strip();
        if (!cityDatabase.isEmpty() && !readableFile(cityDatabase))
            throw new IllegalArgumentException("lanyard.geo.city-database names " + cityDatabase + ", which is not a readable file: "
                    + "point it at a GeoIP2 or GeoLite2 City .mmdb file, or leave it unset to use the DB-IP files in lanyard.geo.directory");
    }

    private static boolean readableFile(String path) {
        try {
            Path file = Path.of(path);
            return Files.isRegularFile(file) && Files.isReadable(file);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    Optional<Path> cityDatabasePath() {
        return cityDatabase.isEmpty() ? Optional.empty() : Optional.of(Path.of(cityDatabase));
    }
}
