package dev.lanyard.audit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.session.SessionId;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Audit entries as a CSV or JSON download: rows go to the download's file batch by batch as
 * {@link AuditLog#export} reads them, so an export of any size needs the memory of one batch
 * ({@link dev.lanyard.session.Downloads} sends the file once it is written).
 */
final class AuditExport {
    static final List<String> CSV_COLUMNS = List.of("seq", "at", "action", "actor_id", "actor_email", "actor_name",
            "actor_session", "subject", "session", "ip", "detail", "team", "prev_hash", "hash", "hash_version", "ip_commit");

    private AuditExport() {
    }

    /** The download, in {@code format} "csv" or "json"; {@code name} goes into the file name. */
    static ResponseEntity<StreamingResponseBody> of(AuditLog audit, AuditQuery query, Viewer viewer, String format,
                                                    String name, JsonMapper json) {
        // Exactly as documented (strict input, decision 14): " csv" or "CSV" is refused, not guessed at.
        boolean csv = switch (format == null ? "" : format) {
            case "", "csv" -> true;
            case "json" -> false;
            default -> throw new AccountProblem.InvalidInput("format", "format must be csv or json.");
        };
        String file = "lanyard-" + name + "-" + LocalDate.now(ZoneOffset.UTC) + (csv ? ".csv" : ".json");
        StreamingResponseBody body = csv ? out -> writeCsv(audit, query, viewer, out) : out -> writeJson(audit, query, viewer, out, json);
        return ResponseEntity.ok()
                .contentType(csv ? new MediaType("text", "csv", StandardCharsets.UTF_8) : MediaType.APPLICATION_JSON)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(file).build().toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(body);
    }

    static void writeCsv(AuditLog audit, AuditQuery query, Viewer viewer, java.io.OutputStream out) throws IOException {
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        writer.write(String.join(",", CSV_COLUMNS));
        writer.write("\r\n");
        int[] rows = {0};
        try {
            audit.export(query, e -> {
                try {
                    writer.write(csvLine(e, viewer));
                    if (++rows[0] % AuditLog.BATCH == 0) writer.flush();
                } catch (IOException failed) {
                    throw new UncheckedIOException(failed);
                }
            });
        } catch (UncheckedIOException failed) {
            throw failed.getCause();
        }
        writer.flush();
    }

    /** One row as {@code viewer} may see it ({@link Viewer}). */
    static String csvLine(AuditEntry e, Viewer viewer) {
        return String.join(",", List.of(
                Long.toString(e.seq()), e.at().toString(), cell(e.action()),
                cell(e.actor().id().map(AccountId::value).orElse("")), cell(e.actor().email()), cell(e.actor().name()),
                cell(viewer.actorSession(e).map(SessionId::value).orElse("")),
                cell(e.subject().map(AccountId::value).orElse("")), cell(viewer.session(e).map(SessionId::value).orElse("")),
                cell(viewer.ip(e).orElse("")), cell(e.detail()), cell(e.team().value()), e.prevHash(), e.hash(),
                Integer.toString(e.version()), e.seal().map(AuditEntry.Seal::commit).orElse(""))) + "\r\n";
    }

    /**
     * One CSV field (RFC 4180), always quoted, quotes doubled. A value a spreadsheet would take for a formula gets a
     * single quote before it: at its start (=, +, -, @, tab or carriage return), after any character a spreadsheet
     * may split on (comma, semicolon, tab, pipe), and after a line break (carriage return, line feed). A spreadsheet whose
     * locale separates by semicolons reads the row from its unquoted start, so the quotes around a session name named
     * {@code laptop;=2+5} do not hold there, and {@code =2+5} would be a formula of its own (outside review); it reads
     * {@code '=2+5} instead. One that reads the file line by line takes a reason's line break for the end of the row, so
     * the text after it starts a row of its own (outside review). So opening the export never runs what a person typed
     * into a session name or a reason. The JSON export keeps every value exactly.
     */
    static String cell(String value) {
        if (value == null || value.isEmpty()) return "";
        String safe = switch (value.charAt(0)) {
            case '=', '+', '-', '@', '\t', '\r' -> "'" + value;
            default -> value;
        };
        safe = AFTER_A_SEPARATOR.matcher(safe).replaceAll("$1'$2");
        return '"' + safe.replace("\"", "\"\"") + '"';
    }

    /** A separator a spreadsheet may split on or a line break, any spaces, then a character that starts a formula. */
    private static final java.util.regex.Pattern AFTER_A_SEPARATOR = java.util.regex.Pattern.compile("([,;\\t|\\r\\n] *)([=+\\-@])");

    static void writeJson(AuditLog audit, AuditQuery query, Viewer viewer, java.io.OutputStream out, JsonMapper json) throws IOException {
        // Whoever gave the stream closes it, not the generator. Closing after a failed read must not end the
        // array: a download cut short has to be invalid JSON, not a valid file that silently misses entries.
        try (JsonGenerator generator = json.writer().without(StreamWriteFeature.AUTO_CLOSE_TARGET)
                .without(StreamWriteFeature.AUTO_CLOSE_CONTENT).createGenerator(out)) {
            generator.writeStartArray();
            int[] rows = {0};
            audit.export(query, e -> {
                generator.writePOJO(AuditJson.of(e, viewer));
                if (++rows[0] % AuditLog.BATCH == 0) generator.flush();
            });
            generator.writeEndArray();
        } catch (tools.jackson.core.JacksonException failed) {
            throw failed.getCause() instanceof IOException io ? io : new IOException(failed);
        }
    }
}
