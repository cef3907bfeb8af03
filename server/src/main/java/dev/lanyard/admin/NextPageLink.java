package dev.lanyard.admin;

import java.nio.charset.StandardCharsets;
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
            + "with the same limit and its cursor, as <...?limit=50&cursor=...>; rel=\"next\"";

    private NextPageLink() {
    }

    /** An OK answer, with the link to the page after this one when {@code next} holds its cursor. */
    static ResponseEntity.BodyBuilder ok(HttpServletRequest request, int limit, Optional<String> next) {
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok();
        // The path as the request named it, the context path with it; cursors are base64url, safe in a query as they are.
        next.ifPresent(cursor -> ok.header(HttpHeaders.LINK, "<" + request.getRequestURI() + "?limit=" + limit + "&cursor="
                + UriUtils.encodeQueryParam(cursor, StandardCharsets.UTF_8) + ">; rel=\"next\""));
        return ok;
    }
}
