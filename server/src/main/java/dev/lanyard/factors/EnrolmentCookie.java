package dev.lanyard.factors;

import java.time.Duration;

import dev.lanyard.geo.BrowserCookie;
import dev.lanyard.geo.ExternalOrigins;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
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
    /** Longer than anyone takes to scan a code; after it, the page offers to start again. */
    private static final Duration LIFETIME = Duration.ofDays(1);

    private final BrowserCookie cookie;

    EnrolmentCookie(ExternalOrigins origins) {
        this.cookie = new BrowserCookie(NAME, "Lax", origins);
    }

    /** The key this browser holds, or empty. */
    String read(HttpServletRequest request) {
        return cookie.read(request).orElse("");
    }

    void write(HttpServletRequest request, HttpServletResponse response, String key) {
        cookie.write(request, response, key, LIFETIME);
    }

    void clear(HttpServletRequest request, HttpServletResponse response) {
        if (!read(request).isEmpty()) cookie.clear(request, response);
    }
}
