package dev.lanyard.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** The data export's download when a part read while it is written fails: the file must not pass for a whole one. */
class ExportDownloadTest {
    private static final Instant NOW = Instant.parse("2026-01-10T09:15:00Z");

    @Test
    void aDownloadWhoseReadingFailsMidwayIsNotValidJson() {
        DataExport.Entries none = new DataExport.Entries(sink -> { });
        DataExport export = new DataExport(NOW,
                new DataExport.ExportedAccount("acc_bob", "bob@example.com", "Bob", "member", "team_1", "Team", NOW, null, false, null, List.of()),
                none, none, List.of(), List.of(), List.of(), new DataExport.ExportedTwoFactor(false, null, 0),
                new DataExport.ExportedSignInAlerts(true), new DataExport.Entries(sink -> {
                    sink.accept(Map.of("seq", 1));
                    sink.accept(Map.of("seq", 2));
                    throw new IllegalStateException("the database went away");
                }), none, none);
        JsonMapper json = JsonMapper.builder().build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> ExportDownload.write(export, out, json)).hasRootCauseMessage("the database went away");

        String body = out.toString(StandardCharsets.UTF_8);
        assertThat(body).contains("\"account\"");
        assertThatThrownBy(() -> json.readTree(body)).as("a cut-short download must not pass for a whole one: " + body)
                .isInstanceOf(JacksonException.class);
    }
}
