package dev.lanyard;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * How a request body is encoded, where Lanyard reads a body only as it is sent: not compressed, in a charset Java knows,
 * and of one concrete type. The API (the web module's {@code ApiRequestGuard}, and the Shared Signals receivers' requests,
 * which have a chain of their own), the authorization server's endpoints and the pages answer anything else with
 * {@code 415}, saying which. What they quote of either header is a short run of token characters, nothing a reader could
 * misread, and plain ASCII, as OAuth's {@code error_description} must be.
 */
public final class BodyEncoding {
    /** What a refusal quotes of a header as it was sent. */
    private static final Pattern SHOWN = Pattern.compile("[A-Za-z0-9._+\\-, ]{1,40}");
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private BodyEncoding() {
    }

    /**
     * The body's content codings other than {@code identity}, as sent ({@code gzip}), or "" when they cannot be quoted;
     * nothing when it has none.
     */
    public static Optional<String> contentCoding(HttpServletRequest request) {
        List<String> codings = new ArrayList<>();
        for (String header : Collections.list(request.getHeaders(HttpHeaders.CONTENT_ENCODING))) {
            for (String coding : header.split(",")) {
                if (!coding.isBlank() && !coding.strip().equalsIgnoreCase("identity")) codings.add(coding.strip());
            }
        }
        if (codings.isEmpty()) return Optional.empty();
        String named = String.join(", ", codings);
        return Optional.of(SHOWN.matcher(named).matches() ? named : "");
    }

    /**
     * The charset named by {@code contentType} when Java does not know it: as sent, or "" when it cannot be quoted;
     * nothing when there is none or it is known.
     */
    public static Optional<String> unknownCharset(String contentType) {
        if (contentType == null) return Optional.empty();
        for (String parameter : contentType.split(";")) {
            int eq = parameter.indexOf('=');
            if (eq < 0 || !parameter.substring(0, eq).strip().equalsIgnoreCase("charset")) continue;
            String name = parameter.substring(eq + 1).strip();
            if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) name = name.substring(1, name.length() - 1);
            boolean known;
            try {
                known = Charset.isSupported(name);
            } catch (IllegalCharsetNameException e) {
                known = false;
            }
            if (!known) return Optional.of(SHOWN.matcher(name).matches() ? name : "");
        }
        return Optional.empty();
    }

    /**
     * Why the API cannot read the request's body as sent, or nothing when it can or there is none (a safe method, a
     * {@code DELETE} without a length or chunks): compressed, in a charset Java does not know, or not of one concrete type;
     * with {@code jsonOnly}, not JSON, which a request without a bearer must send. Spring MVC copies the
     * {@code Content-Type} into the request's headers before it reads a body and fails with an exception (a 500) on a
     * wildcard such as {@code *}{@code /*} or {@code application/*}, so a wildcard never gets that far.
     */
    public static Optional<Unreadable> unreadable(HttpServletRequest request, boolean jsonOnly) {
        if (SAFE.contains(request.getMethod())) return Optional.empty();
        boolean sent = request.getContentLengthLong() > 0 || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null
                || !"DELETE".equals(request.getMethod());
        if (!sent) return Optional.empty();
        Optional<String> coding = contentCoding(request);
        if (coding.isPresent()) {
            return Optional.of(new Unreadable(true, "Lanyard does not accept a compressed request body (Content-Encoding: "
                    + (coding.get().isEmpty() ? "…" : coding.get()) + "): send it uncompressed, without Content-Encoding."));
        }
        String type = request.getContentType();
        Optional<String> charset = unknownCharset(type);
        if (charset.isPresent()) {
            return Optional.of(new Unreadable(false, (charset.get().isEmpty() ? "The charset of the Content-Type" : "The charset “"
                    + charset.get() + "”") + " is not supported: send the body as UTF-8 (Content-Type: application/json, or "
                    + "application/json; charset=utf-8)."));
        }
        if (jsonOnly ? !isJson(type) : type != null && !concrete(type)) {
            return Optional.of(new Unreadable(false, "Send the request body as application/json."));
        }
        return Optional.empty();
    }

    /** Whether a Content-Type names one type, not a wildcard, and can be parsed. */
    private static boolean concrete(String contentType) {
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return !type.isWildcardType() && !type.isWildcardSubtype();
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    private static boolean isJson(String contentType) {
        if (contentType == null || !concrete(contentType)) return false;
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    /**
     * A body the API cannot read as sent: {@code 415 unsupported-media-type} saying why, with {@code Accept-Encoding:
     * identity} when it was compressed (RFC 9110 §15.5.16).
     */
    public static final class Unreadable extends Problem {
        private final boolean compressed;

        Unreadable(boolean compressed, String detail) {
            super("unsupported-media-type", 415, detail, null);
            this.compressed = compressed;
        }

        /** Whether the body was refused for its {@code Content-Encoding}. */
        public boolean compressed() {
            return compressed;
        }
    }
}
