package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class UserAgentHeaderTest {

    /** What the servlet container makes of a header sent as UTF-8: each byte one ISO-8859-1 character. */
    static String asTheContainerReadsIt(String sent) {
        return new String(sent.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @Test
    void utf8IsReadAsUtf8() {
        assertThat(UserAgentHeader.readable(asTheContainerReadsIt("Téléphone/2.1"))).isEqualTo("Téléphone/2.1");
        assertThat(UserAgentHeader.readable(asTheContainerReadsIt("Lanyard/1 \uD83D\uDE80"))).isEqualTo("Lanyard/1 \uD83D\uDE80");
    }

    @Test
    void bytesThatAreNoUtf8StayAsTheyWereRead() {
        assertThat(UserAgentHeader.readable("Caf\u00e9/1.0")).isEqualTo("Caf\u00e9/1.0");
    }

    @Test
    void controlAndBidiCharactersAreRemoved() {
        assertThat(UserAgentHeader.readable(asTheContainerReadsIt("Evil/1.0 \u202Egnp.exe\u2066x\u2069\u0085\u200F")))
                .isEqualTo("Evil/1.0 gnp.exex");
        assertThat(UserAgentHeader.readable("Tab\tbed/1.0\u007f")).isEqualTo("Tabbed/1.0");
    }

    @Test
    void plainAsciiIsTheSameString() {
        String ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
        assertThat(UserAgentHeader.readable(ua)).isSameAs(ua);
    }
}
