package dev.lanyard.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.TeamId;
import dev.lanyard.session.SessionId;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

class AuditExportTest {

    @Test
    void everyTextValueIsQuoted() {
        assertThat(AuditExport.cell("Signed in on Chrome 131")).isEqualTo("\"Signed in on Chrome 131\"");
        assertThat(AuditExport.cell("")).isEmpty();
        assertThat(AuditExport.cell(null)).isEmpty();
    }

    @Test
    void quotesCommasAndLineBreaksStayInTheirQuotedCell() {
        assertThat(AuditExport.cell("Security concern, 3 sessions")).isEqualTo("\"Security concern, 3 sessions\"");
        assertThat(AuditExport.cell("Renamed to \"Work\"")).isEqualTo("\"Renamed to \"\"Work\"\"\"");
        assertThat(AuditExport.cell("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(AuditExport.cell("carriage\rreturn")).isEqualTo("\"carriage\rreturn\"");
    }

    @Test
    void spreadsheetFormulasAreNeutralised() {
        assertThat(AuditExport.cell("=HYPERLINK(\"http://evil\",\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"");
        assertThat(AuditExport.cell("+1+1")).isEqualTo("\"'+1+1\"");
        assertThat(AuditExport.cell("-2+3")).isEqualTo("\"'-2+3\"");
        assertThat(AuditExport.cell("@SUM(A1)")).isEqualTo("\"'@SUM(A1)\"");
        assertThat(AuditExport.cell("\t=1")).isEqualTo("\"'\t'=1\"");
        assertThat(AuditExport.cell("a=b")).isEqualTo("\"a=b\"");
        // A spreadsheet that splits on semicolons reads the row from its unquoted start: a part after a separator
        // is no formula of its own (outside review).
        assertThat(AuditExport.cell("Renamed Curl 7 to \u201claptop;=2+5;x\u201d")).isEqualTo("\"Renamed Curl 7 to \u201claptop;'=2+5;x\u201d\"");
        assertThat(AuditExport.cell("a, -1 | @b\t+c;  =d")).isEqualTo("\"a, '-1 | '@b\t'+c;  '=d\"");
        assertThat(AuditExport.cell("Security concern - 3 sessions")).as("a dash after a space is no separator").isEqualTo("\"Security concern - 3 sessions\"");
    }

    /**
     * A reader that takes a line break inside a quoted value for the end of the row starts a row with the text after it:
     * that text starts no formula either (outside review: a reason "@SUM(1+1)", a line break, "=2+5").
     */
    @Test
    void noTextAfterALineBreakStartsAFormula() {
        assertThat(AuditExport.cell("@SUM(1+1)\n=2+5")).isEqualTo("\"'@SUM(1+1)\n'=2+5\"");
        assertThat(AuditExport.cell("lost\r\n+1")).isEqualTo("\"lost\r\n'+1\"");
        assertThat(AuditExport.cell("lost\r-1")).isEqualTo("\"lost\r'-1\"");
        assertThat(AuditExport.cell("lost\n  @b")).isEqualTo("\"lost\n  '@b\"");
        assertThat(AuditExport.cell("two\nlines")).as("a line that starts no formula is kept").isEqualTo("\"two\nlines\"");

        AuditEntry e = new AuditEntry(new TeamId("team_1"), 13, Instant.parse("2026-01-10T09:15:00.250Z"),
                new AuditEntry.Actor(Optional.of(new AccountId("acc_ada")), "ada@example.com", "Ada", Optional.of(new SessionId("ses_a"))),
                Optional.of(new AccountId("acc_bob")), Optional.empty(), "admin.forced-sign-out",
                "Force sign-out of bob@example.com: @SUM(1+1)\n=2+5\r\n-3\r+4", Optional.empty(), "0".repeat(64), "f".repeat(64));
        for (String line : AuditExport.csvLine(e, new Viewer(new AccountId("acc_ada"))).split("[\r\n]+")) {
            assertThat(line.stripLeading()).as(line).doesNotStartWith("=").doesNotStartWith("+").doesNotStartWith("-")
                    .doesNotStartWith("@");
        }
    }

    /** The whole row as a spreadsheet splitting on semicolons reads it: no field starts a formula. */
    @Test
    void aRowSplitOnSemicolonsHasNoFieldThatStartsAFormula() {
        AuditEntry e = new AuditEntry(new TeamId("team_1"), 12, Instant.parse("2026-01-10T09:15:00.250Z"),
                new AuditEntry.Actor(Optional.of(new AccountId("acc_ada")), "ada@example.com", "Ada", Optional.of(new SessionId("ses_a"))),
                Optional.of(new AccountId("acc_ada")), Optional.of(new SessionId("ses_a")), "session.renamed",
                "Renamed Curl 7 to \u201claptop;=2+5;x\u201d", Optional.empty(), "0".repeat(64), "f".repeat(64));

        for (String field : AuditExport.csvLine(e, new Viewer(new AccountId("acc_ada"))).split("[;,\t|]")) {
            assertThat(field.strip().replaceFirst("^\"", "")).as(field).doesNotStartWith("=").doesNotStartWith("+")
                    .doesNotStartWith("-").doesNotStartWith("@");
        }
    }

    @Test
    void lineHasOneCellPerColumnAndEndsInCrLf() {
        AuditEntry e = new AuditEntry(new TeamId("team_1"), 3, Instant.parse("2026-01-10T09:15:00.250Z"),
                new AuditEntry.Actor(Optional.of(new AccountId("acc_ada")), "ada@example.com", "Ada", Optional.of(new SessionId("ses_a"))),
                Optional.of(new AccountId("acc_bob")), Optional.empty(), "admin.forced-sign-out",
                "Force sign-out of bob@example.com: Security concern — 3 sessions", Optional.of("83.45.123.78"),
                "0".repeat(64), "f".repeat(64));

        assertThat(AuditExport.csvLine(e, new Viewer(new AccountId("acc_ada")))).isEqualTo("3,2026-01-10T09:15:00.250Z,\"admin.forced-sign-out\","
                + "\"acc_ada\",\"ada@example.com\",\"Ada\",\"ses_a\",\"acc_bob\",,\"83.45.123.78\","
                + "\"Force sign-out of bob@example.com: Security concern — 3 sessions\",\"team_1\","
                + "0".repeat(64) + "," + "f".repeat(64) + ",1,\r\n");
        assertThat(AuditExport.CSV_COLUMNS).hasSize(16);
    }

    @Test
    void aRowAboutSomeoneElseShowsTheirMaskedAddressAndNoneOfTheirSessionIds() throws Exception {
        AuditEntry e = new AuditEntry(new TeamId("team_1"), 4, Instant.parse("2026-01-10T09:15:00.250Z"),
                new AuditEntry.Actor(Optional.of(new AccountId("acc_ada")), "ada@example.com", "Ada", Optional.of(new SessionId("ses_ada"))),
                Optional.of(new AccountId("acc_bob")), Optional.of(new SessionId("ses_bob")), "session.revoked-by-admin",
                "Signed out bob@example.com on Firefox: Security concern", Optional.of("83.45.123.78"),
                "0".repeat(64), "f".repeat(64));

        String seenByBob = AuditExport.csvLine(e, new Viewer(new AccountId("acc_bob")));
        String seenByAda = AuditExport.csvLine(e, new Viewer(new AccountId("acc_ada")));

        assertThat(seenByBob).doesNotContain("83.45.123.78").doesNotContain("ses_ada").contains("ses_bob")
                .contains(dev.lanyard.geo.ClientAddresses.mask(java.net.InetAddress.getByName("83.45.123.78")));
        assertThat(seenByAda).contains("83.45.123.78").contains("ses_ada").doesNotContain("ses_bob");
        assertThat(new Viewer(new AccountId("acc_bob")).withheld(e)).containsExactly("ip", "actor.session");
    }

    /** Lanyard as the actor records the subject's own session's address, which the subject sees in full; others masked. */
    @Test
    void anEntryLanyardMadeAboutAMembersSessionShowsThatMemberTheirOwnAddress() throws Exception {
        AuditEntry e = new AuditEntry(new TeamId("team_1"), 5, Instant.parse("2026-01-10T09:15:00.250Z"), AuditEntry.Actor.SYSTEM,
                Optional.of(new AccountId("acc_bob")), Optional.of(new SessionId("ses_bob")), "session.flagged",
                "Flagged Firefox on Windows as suspicious (high concern): First sign-in from Spain", Optional.of("83.45.123.78"),
                "0".repeat(64), "f".repeat(64));
        String masked = dev.lanyard.geo.ClientAddresses.mask(java.net.InetAddress.getByName("83.45.123.78"));

        assertThat(new Viewer(new AccountId("acc_bob")).ip(e)).contains("83.45.123.78");
        assertThat(new Viewer(new AccountId("acc_bob")).withheld(e)).isEmpty();
        assertThat(new Viewer(new AccountId("acc_ada")).ip(e)).contains(masked);
        assertThat(new Viewer(new AccountId("acc_ada")).withheld(e)).containsExactly("ip", "session");

        AuditEntry failed = new AuditEntry(new TeamId("team_1"), 6, Instant.parse("2026-01-10T09:16:00Z"),
                new AuditEntry.Actor(Optional.empty(), "bob@example.com", "", Optional.empty()), Optional.of(new AccountId("acc_bob")),
                Optional.empty(), "sign-in.failed", "Failed sign-in as bob@example.com: wrong password", Optional.of("83.45.123.78"),
                "0".repeat(64), "f".repeat(64));
        assertThat(new Viewer(new AccountId("acc_bob")).ip(failed)).as("a failed sign-in's address is whoever tried's")
                .contains(masked);
    }

    @Test
    void aJsonExportWhoseReadingFailsMidwayIsNotValidJson() {
        AccountId ada = new AccountId("acc_ada");
        AuditLog failsAfterTwo = new AuditLog(null, null) {
            @Override
            public void export(AuditQuery query, Consumer<AuditEntry> sink) {
                sink.accept(entry(1, ada));
                sink.accept(entry(2, ada));
                throw new IllegalStateException("the database went away");
            }
        };
        JsonMapper json = JsonMapper.builder().build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> AuditExport.writeJson(failsAfterTwo, AuditQuery.ownedBy(new TeamId("team_1"), ada),
                new Viewer(ada), out, json)).hasMessage("the database went away");

        String body = out.toString(StandardCharsets.UTF_8);
        assertThat(body).as("what was read before the failure is sent").contains("\"seq\":2");
        assertThatThrownBy(() -> json.readTree(body)).as("a cut-short download must not pass for a whole one: " + body)
                .isInstanceOf(JacksonException.class);
    }

    private static AuditEntry entry(long seq, AccountId actor) {
        return new AuditEntry(new TeamId("team_1"), seq, Instant.parse("2026-01-10T09:15:00Z").plusSeconds(seq),
                new AuditEntry.Actor(Optional.of(actor), "ada@example.com", "Ada", Optional.empty()),
                Optional.of(actor), Optional.empty(), "session.signed-in", "Signed in", Optional.of("83.45.123.78"),
                "0".repeat(64), "f".repeat(64));
    }
}
