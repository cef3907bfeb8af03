package dev.lanyard.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AsnTableTest {

    @TempDir
    Path dir;

    private AsnTable load(String ipv4, String ipv6) throws Exception {
        return AsnTable.load(Files.writeString(dir.resolve("v4.csv"), ipv4), Files.writeString(dir.resolve("v6.csv"), ipv6));
    }

    private static String isp(AsnTable table, String ip) {
        return table.isp(IpLiteral.parse(ip).orElseThrow());
    }

    @Test
    void findsTheRangeHoldingAnAddressWithQuotedNames() throws Exception {
        AsnTable table = load("""
                16777216,16777471,13335,"Cloudflare, Inc."
                35309568,35313663,201907,"LLC ""SPUTNIK\"""
                134744064,134744319,15169,Google LLC
                4294967040,4294967295,1,Top
                """, """
                42541956101370907050197289607612071936,42541956180599069564461627201156022271,15169,Google LLC
                """);

        assertThat(isp(table, "1.0.0.0")).isEqualTo("Cloudflare, Inc.");
        assertThat(isp(table, "1.0.0.255")).isEqualTo("Cloudflare, Inc.");
        assertThat(isp(table, "1.0.1.0")).isEmpty();
        assertThat(isp(table, "0.255.255.255")).isEmpty();
        assertThat(isp(table, "2.26.200.1")).isEqualTo("LLC \"SPUTNIK\"");
        assertThat(isp(table, "8.8.8.8")).isEqualTo("Google LLC");
        assertThat(isp(table, "255.255.255.255")).as("unsigned comparison").isEqualTo("Top");
        assertThat(isp(table, "2001:4860:4860::8888")).isEqualTo("Google LLC");
        assertThat(isp(table, "2001:4861::1")).isEmpty();
        assertThat(table.size()).isEqualTo(5);
    }

    @Test
    void unreadableLinesAreSkippedAndCounted() throws Exception {
        AsnTable table = load("""
                16777216,16777471,13335,Cloudflare
                garbage

                5,4,1,start after end
                1,99999999999,1,too big for IPv4
                134744064,134744319,15169,Google LLC
                """, "");

        assertThat(table.size()).isEqualTo(2);
        assertThat(table.skipped()).isEqualTo(3);
        assertThat(isp(table, "8.8.8.8")).isEqualTo("Google LLC");
    }

    @Test
    void unsortedFileIsRefused() {
        assertThatIOException().isThrownBy(() -> load("""
                134744064,134744319,15169,Google LLC
                16777216,16777471,13335,Cloudflare
                """, ""));
    }
}
