package dev.lanyard;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.apache.catalina.connector.Response;
import org.apache.catalina.connector.ResponseFacade;
import org.apache.tomcat.util.buf.ByteChunk;
import org.apache.tomcat.util.buf.MessageBytes;
import org.apache.tomcat.util.http.MimeHeaders;
import org.springframework.security.web.header.HeaderWriter;

/**
 * The security headers whose values never change, written as the bytes Tomcat sends (decision 76). Written through
 * the servlet API, each name and value is a string that Tomcat encodes when it sends the headers, with a new encoder
 * and two buffers each: for the eleven headers every answer carries, about a third of what a bearer request allocated.
 * Here each name and value is encoded once, and copied into the buffers Tomcat already keeps for the header it reuses.
 *
 * <p>The headers come in groups, and a group is written only if none of its headers is set yet: as Spring Security's
 * own writers do (each leaves a header already set alone; the cache writer leaves all three when any is set). A
 * response that is not Tomcat's own (a test's, a wrapped one), or one already committed, gets the same headers through
 * the servlet API.
 */
public final class HeadersAsBytes implements HeaderWriter {
    /** Tomcat's response behind the facade the servlet API hands out; null if this Tomcat has no such field. */
    private static final VarHandle FACADE_RESPONSE = facadeResponse();
    /** Spring Security's firewall's response wrapper (not public). */
    private static final String FIREWALLED = "org.springframework.security.web.firewall.FirewalledResponse";

    /** The three headers Spring Security's cache writer sets together (and leaves alone when any is set). */
    public static final String[][] NO_CACHE = {{"Cache-Control", "no-cache, no-store, max-age=0, must-revalidate"},
            {"Pragma", "no-cache"}, {"Expires", "0"}};

    private final List<Group> groups;

    private HeadersAsBytes(List<Group> groups) {
        this.groups = List.copyOf(groups);
    }

    /** Spring Security's default headers but HSTS (which depends on the request): content type options, XSS, cache, frames. */
    public static Builder defaults() {
        return new Builder().header("X-Content-Type-Options", "nosniff").header("X-XSS-Protection", "0")
                .group(NO_CACHE).header("X-Frame-Options", "DENY");
    }

    public static final class Builder {
        private final List<Group> groups = new ArrayList<>();

        public Builder header(String name, String value) {
            return group(new String[][] {{name, value}});
        }

        public Builder group(String[][] headers) {
            groups.add(new Group(headers));
            return this;
        }

        public HeadersAsBytes build() {
            return new HeadersAsBytes(groups);
        }
    }

    @Override
    public void writeHeaders(HttpServletRequest request, HttpServletResponse response) {
        MimeHeaders container = containerHeaders(response);
        for (Group group : groups) {
            if (container != null) group.writeTo(container);
            else group.writeTo(response);
        }
    }

    /**
     * The headers of Tomcat's response behind {@code response}, or null when it is not Tomcat's own or is committed.
     * Spring Security's firewall wraps the response to refuse line breaks in headers; these values have none (refused
     * when built), so its wrapper is looked through. Any other wrapper may act on headers: it gets them as it would.
     */
    private static MimeHeaders containerHeaders(HttpServletResponse response) {
        if (response.getClass().getName().equals(FIREWALLED) && response instanceof HttpServletResponseWrapper wrapper) {
            response = (HttpServletResponse) wrapper.getResponse();
        }
        if (FACADE_RESPONSE == null || response.getClass() != ResponseFacade.class) return null;
        Response connector = (Response) FACADE_RESPONSE.get((ResponseFacade) response);
        return connector == null || connector.isCommitted() ? null : connector.getCoyoteResponse().getMimeHeaders();
    }

    private static VarHandle facadeResponse() {
        try {
            return MethodHandles.privateLookupIn(ResponseFacade.class, MethodHandles.lookup())
                    .findVarHandle(ResponseFacade.class, "response", Response.class);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Headers written together, or not at all. */
    private record Group(String[] names, String[] values, byte[][] nameBytes, byte[][] bytes) {
        Group(String[][] headers) {
            this(column(headers, 0), column(headers, 1), encoded(column(headers, 0)), encoded(column(headers, 1)));
        }

        void writeTo(MimeHeaders headers) {
            for (String name : names) {
                if (headers.getValue(name) != null) return;
            }
            for (int i = 0; i < names.length; i++) {
                MessageBytes value = headers.addValue(names[i]);
                copy(nameBytes[i], headers.getName(headers.size() - 1));
                copy(bytes[i], value);
            }
        }

        /**
         * Into the header's own buffer, never a shared array: Tomcat reuses a header's buffers for the next answer's
         * headers (it writes Content-Length into a value's buffer in place).
         */
        private static void copy(byte[] bytes, MessageBytes to) {
            ByteChunk chunk = to.getByteChunk();
            chunk.allocate(bytes.length, -1);
            System.arraycopy(bytes, 0, chunk.getBuffer(), 0, bytes.length);
            to.setBytes(chunk.getBuffer(), 0, bytes.length);
        }

        void writeTo(HttpServletResponse response) {
            for (String name : names) {
                if (response.containsHeader(name)) return;
            }
            for (int i = 0; i < names.length; i++) response.setHeader(names[i], values[i]);
        }

        private static String[] column(String[][] headers, int column) {
            String[] values = new String[headers.length];
            for (int i = 0; i < headers.length; i++) values[i] = headers[i][column];
            return values;
        }

        private static byte[][] encoded(String[] values) {
            byte[][] bytes = new byte[values.length][];
            for (int i = 0; i < values.length; i++) {
                if (!values[i].chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                    throw new IllegalArgumentException("A header's name and value must be printable ASCII: " + values[i]);
                }
                bytes[i] = values[i].getBytes(StandardCharsets.US_ASCII);
            }
            return bytes;
        }
    }
}
