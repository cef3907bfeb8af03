package dev.lanyard.privacy;

import java.io.IOException;
import java.io.OutputStream;
import java.time.LocalDate;
import java.time.ZoneOffset;

import dev.lanyard.geo.ExternalOrigins;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A data export as a download, {@code lanyard-data-<date>.json}: written as it is read, the activity batch by
 * batch ({@link DataExport.Entries}), to the download's file ({@link dev.lanyard.session.Downloads}), and indented,
 * since people open it to read it.
 */
final class ExportDownload {

    private ExportDownload() {
    }

    /**
     * Refuses a download another site started: unlike every other GET, taking an export writes (an entry in
     * the member's activity). Another origin is told by the rule every state-changing request is held to
     * ({@link ExternalOrigins#foreign}, decision 3): its {@code Origin}, or without one, its {@code Sec-Fetch-Site}.
     * A foreign Origin without Sec-Fetch-Site was served (outside review).
     */
    static void requireSameOrigin(HttpServletRequest request, ExternalOrigins origins) {
        if (origins.foreign(request)) throw new PrivacyProblem.CrossSite();
    }

    static ResponseEntity<StreamingResponseBody> of(DataExport export, JsonMapper json) {
        String file = "lanyard-data-" + LocalDate.ofInstant(export.exportedAt(), ZoneOffset.UTC) + ".json";
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(file).build().toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(out -> write(export, out, json));
    }

    static void write(DataExport export, OutputStream out, JsonMapper json) throws IOException {
        try {
            // Whoever gave the stream closes it, not the writer.
            json.writerWithDefaultPrettyPrinter().without(StreamWriteFeature.AUTO_CLOSE_TARGET).writeValue(out, export);
        } catch (JacksonException failed) {
            throw failed.getCause() instanceof IOException io ? io : new IOException(failed);
        }
    }
}
