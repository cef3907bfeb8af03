package dev.lanyard.session;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where downloads are written before they are sent ({@code lanyard.downloads.*},
 * docs/decisions/0057-downloads-written-first.md).
 *
 * @param directory the temporary files' directory; the JVM's temporary directory when not set. Where that is a
 *                  memory file system (tmpfs), the files are memory: point this at a disk
 */
@ConfigurationProperties("lanyard.downloads")
record DownloadSettings(Path directory) {
    DownloadSettings {
        if (directory == null) directory = Path.of(System.getProperty("java.io.tmpdir"));
    }
}
