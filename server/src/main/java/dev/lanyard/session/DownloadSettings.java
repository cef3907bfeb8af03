package dev.lanyard.session;

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
 */
@ConfigurationProperties("lanyard.downloads")
record DownloadSettings(Path directory, DataSize maxSending) {
    DownloadSettings {
        if (directory == null) directory = Path.of(System.getProperty("java.io.tmpdir"));
        if (maxSending == null) maxSending = DataSize.ofMegabytes(512);
        if (maxSending.isNegative() || maxSending.toBytes() == 0)
            throw new IllegalArgumentException("lanyard.downloads.max-sending must be more than 0 bytes");
    }
}
