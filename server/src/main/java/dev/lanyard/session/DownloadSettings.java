package dev.lanyard.session;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Where downloads are written before they are sent ({@code lanyard.downloads.*},
 * docs/decisions/0057-downloads-written-first.md).
 *
 * @param directory the temporary files' directory; the JVM's temporary directory when not set. Where that is a
 *                  memory file system (tmpfs), the files are memory: point this at a disk
 * @param maxSending what the files being sent may take together on this node (512 MB when not set); past it a new
 *                   download answers 429, unless none is being sent (a single larger export is still sent)
 *
 * <p>The directory is made if it is missing (as {@code ./data} for SQLite is); one that cannot be made or written stops
 * the start (Boot's "failed to bind" report names it), where otherwise every export would fail.
 */
@ConfigurationProperties("lanyard.downloads")
record DownloadSettings(Path directory, DataSize maxSending) {
    DownloadSettings {
        if (directory == null) directory = Path.of(System.getProperty("java.io.tmpdir"));
        directory = directory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(directory);
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException(unusable(directory, "it cannot be created (" + reason(e) + ")"));
        }
        if (!Files.isWritable(directory)) throw new IllegalArgumentException(unusable(directory, "it is not writable"));
        if (maxSending == null) maxSending = DataSize.ofMegabytes(512);
        if (maxSending.isNegative() || maxSending.toBytes() == 0)
            throw new IllegalArgumentException("lanyard.downloads.max-sending must be more than 0 bytes");
    }

    private static String unusable(Path directory, String why) {
        return "lanyard.downloads.directory " + directory + " is unusable: " + why
                + ". Create it writable by this user, or point lanyard.downloads.directory at a directory on a disk that is";
    }

    private static String reason(Exception e) {
        if (e instanceof FileAlreadyExistsException) return "a file of that name is in the way";
        if (e instanceof AccessDeniedException) return "permission denied";
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
