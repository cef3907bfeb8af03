package dev.lanyard.admin;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.util.UriUtils;

/**
 * The next page of a list the API answers as a plain array, in a {@code Link} header (RFC 8288, {@code rel="next"}):
 * {@code GET /api/v1/admin/members/{id}/sessions} and {@code GET /api/v1/admin/invitations}, arrays before they had
 * pages, which a client that reads no header keeps reading as it did (outside review: each stopped at 100, older
 * entries out of reach). The other lists answer {@code {"items": [...], "nextCursor": ...}}.
 */
final class NextPageLink {
    /** What the API document says of the header. */
    static final String DESCRIPTION = "Present when there is a next page: its address, relative to the server, "
            + "with the same filter or order, the same limit and its cursor, as <...?limit=50&cursor=...>; rel=\"next\"";

    private NextPageLink() {
    }

    /**
     * An OK answer, with the link to the page after this one when {@code next} holds its cursor; the link keeps
     * {@code kept}, the list's own parameters (a filter or an order; none: empty), so that the next page is of the same list.
     */
    static ResponseEntity.BodyBuilder ok(HttpServletRequest request, Map<String, String> kept, int limit, Optional<String> next) {
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok();
        StringBuilder query = new StringBuilder();
        kept.forEach((name, value) -> query.append(name).append('=').append(UriUtils.encodeQueryParam(value, StandardCharsets.UTF_8))
                .append('&'));
        // The path as the request named it, the context path with it; cursors are base64url, safe in a query as they are.
        next.ifPresent(cursor -> ok.header(HttpHeaders.LINK, "<" + request.getRequestURI() + "?" + query + "limit=" + limit
                + "&cursor=" + UriUtils.encodeQueryParam(cursor, StandardCharsets.UTF_8) + ">; rel=\"next\""));
        return ok;
    }
}
