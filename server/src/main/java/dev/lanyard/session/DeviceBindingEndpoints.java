package dev.lanyard.session;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.lanyard.geo.ExternalOrigins;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The two endpoints of Device Bound Session Credentials (PRODUCT.md V6) that browsers call by themselves:
 * registration, with the signed-in session's cookie and a proof of the new key, and refresh, with the
 * session's id and, after a challenge, a proof signed with the bound key. Both answer with the session's
 * instructions and a new cookie. They are no part of Lanyard's API: only browsers speak this protocol.
 */
@RestController
class DeviceBindingEndpoints {
    static final String PROOF = "Secure-Session-Response";
    static final String SESSION_ID = "Sec-Secure-Session-Id";
    static final String CHALLENGE = "Secure-Session-Challenge";

    private final DeviceBindings bindings;
    private final SessionCookie cookie;
    private final ExternalOrigins origins;

    DeviceBindingEndpoints(DeviceBindings bindings, SessionCookie cookie, ExternalOrigins origins) {
        this.bindings = bindings;
        this.cookie = cookie;
        this.origins = origins;
    }

    @PostMapping(DeviceBindings.REGISTER_PATH)
    ResponseEntity<Map<String, Object>> register(@AuthenticationPrincipal CurrentSession current,
                                                 @RequestHeader(name = PROOF, required = false) String proof,
                                                 HttpServletRequest request, HttpServletResponse response) {
        // The cookie's session only: a bearer token is no browser's cookie to bind.
        if (request.getHeader(HttpHeaders.AUTHORIZATION) != null) {
            return refused("Only a browser's cookie session can be bound to a device.");
        }
        return answer(bindings.register(current, unquoted(proof)), request, response);
    }

    @PostMapping(DeviceBindings.REFRESH_PATH)
    ResponseEntity<Map<String, Object>> refresh(@RequestHeader(name = SESSION_ID, required = false) String sessionId,
                                                @RequestHeader(name = PROOF, required = false) String proof,
                                                HttpServletRequest request, HttpServletResponse response) {
        String id = unquoted(sessionId);
        String answer = unquoted(proof);
        return answer(answer == null || answer.isBlank() ? bindings.challenge(id) : bindings.refresh(id, answer), request, response);
    }

    /**
     * Both request headers are structured-field strings, which the protocol's examples quote and Chrome
     * sends bare: either is read.
     */
    private static String unquoted(String header) {
        if (header == null) return null;
        String value = header.strip();
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
    }

    private ResponseEntity<Map<String, Object>> answer(DeviceBindings.Outcome outcome, HttpServletRequest request,
                                                       HttpServletResponse response) {
        if (outcome instanceof DeviceBindings.Outcome.Bound bound) {
            cookie.writeBound(request, response, bound.token(), DeviceBindings.COOKIE_LIFETIME);
            return ResponseEntity.ok().cacheControl(CacheControl.noStore()).contentType(MediaType.APPLICATION_JSON)
                    .body(instructions(bound.session(), request));
        }
        if (outcome instanceof DeviceBindings.Outcome.Challenge challenge) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN).cacheControl(CacheControl.noStore())
                    .header(CHALLENGE, "\"" + challenge.challenge() + "\";id=\"" + challenge.session().value() + "\"").build();
        }
        if (outcome instanceof DeviceBindings.Outcome.Refused refused) return refused(refused.why());
        // Over: the session ended or was never bound, and the browser should stop refreshing it.
        Map<String, Object> over = new LinkedHashMap<>();
        over.put("session_identifier", Objects.requireNonNullElse(unquoted(request.getHeader(SESSION_ID)), ""));
        over.put("continue", false);
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).contentType(MediaType.APPLICATION_JSON).body(over);
    }

    private static ResponseEntity<Map<String, Object>> refused(String why) {
        return ResponseEntity.badRequest().cacheControl(CacheControl.noStore()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Map.of("type", "urn:lanyard:problem:device-binding-refused", "title", "Bad Request", "status", 400,
                        "detail", why));
    }

    /** The session's instructions: its id, where to refresh, its scope (this origin) and the cookie it keeps. */
    private Map<String, Object> instructions(SessionId session, HttpServletRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("session_identifier", session.value());
        body.put("refresh_url", request.getContextPath() + DeviceBindings.REFRESH_PATH);
        body.put("scope", Map.of("origin", origins.of(request).serialized(), "include_site", false,
                "scope_specification", List.of()));
        body.put("credentials", List.of(Map.of("type", "cookie", "name", cookie.name(request),
                "attributes", cookie.attributes(request))));
        return body;
    }
}
