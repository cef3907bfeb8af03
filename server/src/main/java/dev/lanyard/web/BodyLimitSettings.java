package dev.lanyard.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The largest request body Lanyard reads ({@code lanyard.web.max-body-size}, 1 MiB when not set): far below the heap
 * of a small server (256 MiB under {@code scripts/run.sh}), far above the largest real request (an app with ten
 * redirect URIs of 2,000 characters is some 25 KB). {@link BodyLimit} refuses a larger one with 413 before it is read,
 * and the JSON parser's own limits follow it, at least Jackson's 20 MB so stored JSON stays readable ({@link StrictJson}). Forms are held to it by Tomcat, which parses them
 * ({@code server.tomcat.max-http-form-post-size} takes this value in {@code application.yml}; multipart bodies are not
 * parsed at all, since no form of Lanyard's uploads a file).
 *
 * @param maxBodySize at least 1 KB and at most 2 GB (the JSON parser counts a string's length in an {@code int})
 */
@ConfigurationProperties("lanyard.web")
record BodyLimitSettings(DataSize maxBodySize) {
    BodyLimitSettings {
        if (maxBodySize == null) maxBodySize = DataSize.ofMegabytes(1);
        if (maxBodySize.toBytes() < 1024 || maxBodySize.toBytes() > Integer.MAX_VALUE)
            throw new IllegalArgumentException("lanyard.web.max-body-size must be between 1KB and 2GB");
    }

    long bytes() {
        return maxBodySize.toBytes();
    }

    /** "1 MiB (1,048,576 bytes)": how the limit is named in answers. */
    String shown() {
        long bytes = bytes();
        String unit = bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB"
                : bytes % 1024 == 0 ? bytes / 1024 + " KiB" : null;
        String exact = String.format(java.util.Locale.ROOT, "%,d bytes", bytes);
        return unit == null ? exact : unit + " (" + exact + ")";
    }
}
