package dev.lanyard.factors;

import java.time.Duration;

import dev.lanyard.geo.ExternalOrigins;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;

/**
 * Where the browser that started an authenticator-app enrolment keeps the enrolment's key
 * ({@link SecondFactors.Enroller}): HttpOnly, SameSite=Lax, and Secure with the {@code __Host-} prefix on
 * HTTPS, like the session cookie. It is set by the POST that starts enrolment, so a copy of the session
 * cookie taken before then does not carry it.
 */
@Component
class EnrolmentCookie {
    static final String NAME = "lanyard_enrolment";
    private static final String HOST_PREFIX = "__Host-";
    /** Longer than anyone takes to scan a code; after it, the page offers to start again. */
    private static final Duration LIFETIME = Duration.ofDays(1);

    private final ExternalOrigins origins;

    EnrolmentCookie(ExternalOrigins origins) {
        this.origins = origins;
    }

    /** The key this browser holds, or empty. */
    String read(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) return "";
        String name = name(request);
        for (Cookie cookie : cookies) {
            if (cookie.getName().equals(name) && cookie.getValue() != null) return cookie.getValue();
        }
        return "";
    }

    void write(HttpServletRequest request, HttpServletResponse response, String key) {
        response.addHeader(HttpHeaders.SET_COOKIE, base(request, key).maxAge(LIFETIME).build().toString());
    }

    void clear(HttpServletRequest request, HttpServletResponse response) {
        if (read(request).isEmpty()) return;
        response.addHeader(HttpHeaders.SET_COOKIE, base(request, "").maxAge(0).build().toString());
    }

    private String name(HttpServletRequest request) {
        return origins.isSecure(request) ? HOST_PREFIX + NAME : NAME;
    }

    private ResponseCookie.ResponseCookieBuilder base(HttpServletRequest request, String value) {
        return ResponseCookie.from(name(request), value).httpOnly(true).secure(origins.isSecure(request)).sameSite("Lax").path("/");
    }
}
