package dev.lanyard.web;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import dev.lanyard.ControlCharacters;
import dev.lanyard.apps.ClientEndpoints;
import dev.lanyard.geo.ExternalOrigin;
import dev.lanyard.geo.ExternalOrigins;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses a request whose path, query string or form fields break the {@link ControlCharacters}
 * rule, before anything reads them: a NUL in a cursor or a filter would otherwise reach the
 * database (PostgreSQL refuses it with an error, SQLite truncates). The path and the query string
 * are checked as sent (percent-decoded strictly as UTF-8, so an encoded lone surrogate is refused
 * too) and never allow line breaks; form fields may hold tab, CR and LF (a reason can have several
 * lines). The API gets 400 problem+json naming the parameter; the token, introspection and revocation endpoints
 * OAuth's 400 {@code invalid_request} naming it ({@link ClientEndpoints}), userinfo the same with its {@code Bearer} challenge; a page gets a 400 page that names the
 * field and leads back to the form (the same-origin {@code Referer}) or to the start. Page forms are refused
 * here too, not left to each handler: one place keeps a NUL from every query, log line and header. The exception is a
 * form whose handler checks its fields' control characters with its other rules ({@link dev.lanyard.ChecksControlCharacters}:
 * sign-up, joining a team), so that the form comes back with every field's error: only its named fields pass.
 *
 * <p>A plain {@link HttpFilter}: Spring Boot registers it for the request dispatch only, as a
 * {@code OncePerRequestFilter} behaves, without its request attributes on every request (decision 41).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class ControlCharacterFilter extends HttpFilter {
    private static final ErrorPages.Link START = new ErrorPages.Link("/", "Back to the start page");

    private final JsonMapper json;
    private final ExternalOrigins origins;
    private final HandlerPaths handlers;
    private final ClientEndpoints clientEndpoints;

    ControlCharacterFilter(JsonMapper json, ExternalOrigins origins, HandlerPaths handlers, ClientEndpoints clientEndpoints) {
        this.json = json;
        this.origins = origins;
        this.handlers = handlers;
        this.clientEndpoints = clientEndpoints;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String refused = refusedPart(request);
        if (refused == null) {
            chain.doFilter(request, response);
            return;
        }
        boolean path = refused.equals("path");
        String detail = path ? "The address contains a control character." : ControlCharacters.detail(refused, "control characters");
        if (Problems.isApi(request)) {
            Problems.write(request, response, json, Problems.of(HttpStatus.BAD_REQUEST, "invalid-input", detail, refused));
        } else if (clientEndpoints.matches(request)) {
            // The token, introspection and revocation endpoints speak OAuth: its error form, not a problem or a page.
            // A field is named only when its name is plain ("parameter" otherwise), as the page below does.
            clientEndpoints.refuse(response, refused.equals("parameter") ? "A field of the request cannot contain control characters." : detail);
        } else if (clientEndpoints.userInfo(request)) {
            // Userinfo too, with its Bearer challenge (it was the error page, outside review).
            clientEndpoints.refuseAtUserInfo(response, refused.equals("parameter") ? "A field of the request cannot contain control characters." : detail);
        } else {
            request.setAttribute(ErrorPages.MESSAGE, path ? "The address of this page contains a control character."
                    : refused.equals("parameter") ? "A field of the request cannot contain control characters."
                    : "The field \u201c" + refused + "\u201d cannot contain control characters (invisible characters that copying "
                    + "and pasting sometimes brings along). Nothing was changed: go back, remove them and send it again.");
            request.setAttribute(ErrorPages.LINK, back(request));
            response.sendError(HttpStatus.BAD_REQUEST.value());
        }
    }

    /**
     * Where the error page leads: back to the page the form was on when the browser says it was one of Lanyard's own
     * (its {@code Referer}, sent same-origin only), otherwise to the start, which suits the signed-out too.
     */
    private ErrorPages.Link back(HttpServletRequest request) {
        String referer = request.getHeader(HttpHeaders.REFERER);
        if (referer == null || referer.length() > 2048) return START;
        try {
            URI from = new URI(referer);
            String path = from.getRawPath();
            String query = from.getRawQuery();
            if (from.getScheme() == null || from.getHost() == null || path == null || !path.startsWith("/") || path.startsWith("//")
                    || badEncoded(path) || (query != null && badEncoded(query))) {
                return START;
            }
            boolean https = from.getScheme().equalsIgnoreCase("https");
            int port = from.getPort() < 0 ? (https ? 443 : 80) : from.getPort();
            if (!new ExternalOrigin(from.getScheme(), from.getHost(), port).equals(origins.of(request))) return START;
            // A page of this Lanyard: under its own path (server.servlet.context-path), which the error page's link adds again.
            String base = request.getContextPath();
            if (!path.startsWith(base + "/") || path.startsWith("//", base.length())) return START;
            path = path.substring(base.length());
            return new ErrorPages.Link(query == null ? path : path + "?" + query,
                    "POST".equals(request.getMethod()) ? "Back to the form" : "Back to the previous page");
        } catch (URISyntaxException | IllegalArgumentException unusable) {
            return START;
        }
    }

    /**
     * "path", the name of the parameter at fault, "parameter" when a name itself is at fault, or null. A form field that
     * the request's handler checks itself ({@link dev.lanyard.ChecksControlCharacters}) is left to it, so that its answer
     * names every field at fault; the path, the query string and any other field are refused here as for every request.
     */
    private String refusedPart(HttpServletRequest request) {
        if (badEncoded(request.getRequestURI())) return "path";
        String query = request.getQueryString();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                if (badEncoded(name)) return "parameter";
                if (eq >= 0 && badEncoded(pair.substring(eq + 1))) return shown(decodeOrEmpty(name));
            }
        }
        Set<String> checkedByTheHandler = null;
        for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
            if (ControlCharacters.refused(parameter.getKey(), false)) return "parameter";
            for (String value : parameter.getValue()) {
                if (!ControlCharacters.refused(value, true)) continue;
                if (checkedByTheHandler == null) checkedByTheHandler = handlers.controlCheckedFields(request);
                if (!checkedByTheHandler.contains(parameter.getKey())) return shown(parameter.getKey());
            }
        }
        return null;
    }

    /** Whether a percent-encoded part decodes to something other than valid UTF-8 without control characters. */
    private static boolean badEncoded(String raw) {
        if (raw.indexOf('%') < 0) return ControlCharacters.refused(raw, false);
        String decoded = decode(raw);
        return decoded == null || ControlCharacters.refused(decoded, false);
    }

    private static String decodeOrEmpty(String raw) {
        String decoded = decode(raw);
        return decoded == null ? "" : decoded;
    }

    /** Strict percent-decoding as UTF-8 ({@code +} stays, as in a path); null when it is not valid. */
    private static String decode(String raw) {
        ByteBuffer bytes = ByteBuffer.allocate(raw.length() * 3);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) return null;
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) return null;
                bytes.put((byte) (hi * 16 + lo));
                i += 2;
            } else {
                bytes.put(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        bytes.flip();
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** A parameter name fit to be echoed: short, and only when it is plain. */
    static String shown(String name) {
        return ControlCharacters.plainName(name) ? name : "parameter";
    }
}
