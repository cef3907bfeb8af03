package dev.lanyard.web;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;

/**
 * How a request body is encoded, where Lanyard reads a body only as it is sent: not compressed, and in a charset Java
 * knows. The API ({@link ApiRequestGuard}) and the authorization server's endpoints ({@link OAuthRequestBodies}) answer
 * anything else with {@code 415}, saying which. What they quote of either header is a short run of token characters,
 * nothing a reader could misread, and plain ASCII, as OAuth's {@code error_description} must be.
 */
final class BodyEncoding {
    /** What a refusal quotes of a header as it was sent. */
    private static final Pattern SHOWN = Pattern.compile("[A-Za-z0-9._+\\-, ]{1,40}");

    private BodyEncoding() {
    }

    /**
     * The body's content codings other than {@code identity}, as sent ({@code gzip}), or "" when they cannot be quoted;
     * nothing when it has none.
     */
    static Optional<String> contentCoding(HttpServletRequest request) {
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
    static Optional<String> unknownCharset(String contentType) {
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
}
