package dev.lanyard.web;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.lanyard.device.UserAgentParser;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * Reads the {@code User-Agent} header, and the client hints Lanyard reads with it ({@code Sec-CH-UA-Platform}, {@code
 * Sec-CH-UA-Model}, ...; {@link UserAgentParser#clientHintHeaders}), as their sender wrote them. The servlet container
 * decodes header bytes as ISO-8859-1, so UTF-8 in a User-Agent read as mojibake ("Téléphone" as "TÃ©lÃ©phone"), and UTF-8
 * bytes 0x80–0x9F (in every emoji, in U+202E) as C1 control characters, for which the firewall refused every request that
 * read the header: sign-up and sign-in (a client hint's until an outside review). Each value is decoded as UTF-8 when its
 * bytes are valid UTF-8 (else left as ISO-8859-1), and its control, bidirectional formatting and unassigned characters are
 * removed: these headers only describe a device, so nothing in them is a reason to refuse a request. Before the security
 * filters (the firewall), so that every reader gets the same text.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 15)
class UserAgentHeader extends HttpFilter {
    /** The headers read as their sender wrote them: the User-Agent and its client hints. */
    private final List<String> names;

    UserAgentHeader(UserAgentParser agents) {
        List<String> read = new ArrayList<>();
        read.add(HttpHeaders.USER_AGENT);
        read.addAll(agents.clientHintHeaders());
        this.names = List.copyOf(read);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Map<String, List<String>> changed = null;
        for (String name : names) {
            // Most requests send few of these: an absent header costs a lookup, not the enumeration getHeaders makes.
            if (request.getHeader(name) == null) continue;
            Optional<List<String>> readable = readable(request.getHeaders(name));
            if (readable.isEmpty()) continue;
            if (changed == null) changed = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            changed.put(name, readable.get());
        }
        chain.doFilter(changed == null ? request : new Readable(request, changed), response);
    }

    /** A header's values as {@link #readable(String)} gives them, if that changes any; empty when each is as it was sent. */
    private static Optional<List<String>> readable(Enumeration<String> values) {
        if (values == null || !values.hasMoreElements()) return Optional.empty();
        String first = values.nextElement();
        String firstReadable = readable(first);
        if (!values.hasMoreElements() && firstReadable.equals(first)) return Optional.empty(); // nearly every header: one plain ASCII value
        List<String> readable = new ArrayList<>(2);
        readable.add(firstReadable);
        boolean changed = !firstReadable.equals(first);
        while (values.hasMoreElements()) {
            String value = values.nextElement();
            String text = readable(value);
            changed |= !text.equals(value);
            readable.add(text);
        }
        return changed ? Optional.of(readable) : Optional.empty();
    }

    /**
     * The header value as its sender wrote it, without control, bidirectional formatting or unassigned characters;
     * a value of printable ASCII, as nearly every User-Agent is, is returned as it is.
     */
    static String readable(String value) {
        if (value == null) return null;
        boolean ascii = true;
        for (int i = 0; i < value.length() && ascii; i++) ascii = value.charAt(i) >= 0x20 && value.charAt(i) < 0x7f;
        if (ascii) return value;
        StringBuilder out = new StringBuilder(value.length());
        utf8(value).codePoints().filter(UserAgentHeader::shown).forEach(out::appendCodePoint);
        return out.toString();
    }

    /** The value's bytes read as UTF-8 when they are valid UTF-8; otherwise the value as the container read it. */
    private static String utf8(String latin1) {
        for (int i = 0; i < latin1.length(); i++) {
            if (latin1.charAt(i) > 0xff) return latin1; // not bytes read as ISO-8859-1
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(latin1.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (CharacterCodingException notUtf8) {
            return latin1;
        }
    }

    private static boolean shown(int point) {
        int type = Character.getType(point);
        if (type == Character.CONTROL || type == Character.UNASSIGNED || type == Character.SURROGATE) return false;
        // Bidirectional marks, embeddings, overrides and isolates: U+202E would show the rest of the line reversed.
        return !(point == 0x061c || point == 0x200e || point == 0x200f || point >= 0x202a && point <= 0x202e
                || point >= 0x2066 && point <= 0x2069);
    }

    /** The request with the values of its User-Agent and client hints as {@link #readable(String)} gives them. */
    private static final class Readable extends HttpServletRequestWrapper {
        private final Map<String, List<String>> values;

        Readable(HttpServletRequest request, Map<String, List<String>> values) {
            super(request);
            this.values = values;
        }

        @Override
        public String getHeader(String name) {
            List<String> readable = name == null ? null : values.get(name);
            return readable == null ? super.getHeader(name) : readable.get(0);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            List<String> readable = name == null ? null : values.get(name);
            return readable == null ? super.getHeaders(name) : Collections.enumeration(readable);
        }
    }
}
