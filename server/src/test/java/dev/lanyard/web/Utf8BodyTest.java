package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** {@link Utf8Body} accepts exactly the byte sequences the JDK's strict UTF-8 decoder accepts. */
class Utf8BodyTest {
    private static final int[] EDGES = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF};

    @Test
    void everySequenceOfUpToThreeBytesIsJudgedAsTheStrictDecoderJudgesIt() throws IOException {
        for (int a = 0x80; a <= 0xFF; a++) {
            for (int b = 0; b <= 0xFF; b++) {
                agrees(a, b);
                for (int c : EDGES) agrees(a, b, c);
            }
        }
    }

    @Test
    void fourByteSequencesAreJudgedAsTheStrictDecoderJudgesThem() throws IOException {
        for (int a = 0xF0; a <= 0xF7; a++) {
            for (int b = 0; b <= 0xFF; b++) {
                for (int c : EDGES) {
                    for (int d : EDGES) agrees(a, b, c, d);
                }
            }
        }
    }

    @Test
    void overlongFormsSurrogatesAndCodePointsPastTheLastAreRefusedNamingTheirFirstByte() {
        String[] refused = {"ab\u00c0\u00af", "ab\u00c1\u0080", "ab\u00e0\u0080\u00af", "ab\u00f0\u0080\u0080\u00af",
                "ab\u00ed\u00a0\u0080", "ab\u00f4\u0090\u0080\u0080", "ab\u00f8\u0088\u0080\u0080\u0080", "ab\u00e2\u0082"};
        for (String latin1 : refused) {
            assertThatThrownBy(() -> Utf8Body.of(bytes(latin1)).readAllBytes()).as(latin1)
                    .isInstanceOfSatisfying(Utf8Body.NotUtf8.class, e -> assertThat(e.at).isEqualTo(3));
        }
    }

    @Test
    void readingByteByByteChecksAsReadingInChunksDoes() throws IOException {
        InputStream in = Utf8Body.of(bytes("{\"a\":\"\u00c3\u00b6\u00f0\u009f\u009a\u0080\"}"));
        while (in.read() >= 0) {
            // each byte checked
        }
        InputStream overlong = Utf8Body.of(bytes("{\"a\":\"\u00c0\u00af\"}"));
        assertThatThrownBy(() -> {
            while (overlong.read() >= 0) {
                // until the overlong form
            }
        }).isInstanceOf(Utf8Body.NotUtf8.class);
    }

    @Test
    void aBodyThatStartsAsUtf16OrUtf32IsLeftToJacksonsDetection() throws IOException {
        byte[] utf16 = "{\"a\":\"\u00f6\"}".getBytes(StandardCharsets.UTF_16BE);
        assertThat(Utf8Body.of(new ByteArrayInputStream(utf16)).readAllBytes()).isEqualTo(utf16);
        byte[] utf16le = "{\"a\":\"\u00f6\"}".getBytes(StandardCharsets.UTF_16LE);
        assertThat(Utf8Body.of(new ByteArrayInputStream(utf16le)).readAllBytes()).isEqualTo(utf16le);
    }

    private static void agrees(int... sequence) throws IOException {
        byte[] body = new byte[sequence.length + 2];
        body[0] = 'a';
        body[1] = 'b';
        for (int i = 0; i < sequence.length; i++) body[i + 2] = (byte) sequence[i];
        boolean valid = strictlyValid(body);
        boolean read;
        try {
            read = java.util.Arrays.equals(Utf8Body.of(new ByteArrayInputStream(body)).readAllBytes(), body);
        } catch (Utf8Body.NotUtf8 refused) {
            read = false;
        }
        assertThat(read).as(java.util.HexFormat.ofDelimiter(" ").formatHex(body)).isEqualTo(valid);
    }

    private static boolean strictlyValid(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** The bytes of a string whose characters are all below U+0100: one byte each. */
    private static ByteArrayInputStream bytes(String latin1) {
        return new ByteArrayInputStream(latin1.getBytes(StandardCharsets.ISO_8859_1));
    }
}
