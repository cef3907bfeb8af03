package dev.lanyard.geo;

import java.time.Duration;
import java.util.Optional;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;

/**
 * A short-lived cookie of Lanyard's own for one browser, made as the session cookie is: HttpOnly, path /, the given
 * SameSite, and Secure with the {@code __Host-} prefix when the browser reached Lanyard over HTTPS
 * ({@link ExternalOrigins#isSecure}), which pins it to this exact host.
 *
 * @param name     its name without the prefix
 * @param sameSite "Lax" or "Strict"
 */
public record BrowserCookie(String name, String sameSite, ExternalOrigins origins) {
    private static final String HOST_PREFIX = "__Host-";

    /** Its value in {@code request}, when it carries a non-empty one. */
    public Optional<String> read(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) return Optional.empty();
        String sent = nameFor(request);
        for (Cookie cookie : cookies) {
            if (cookie.getName().equals(sent) && cookie.getValue() != null && !cookie.getValue().isEmpty())
                return Optional.of(cookie.getValue());
        }
        return Optional.empty();
    }

    /** Sets it to {@code value} for {@code lifetime} (a negative one as none). */
    public void write(HttpServletRequest request, HttpServletResponse response, String value, Duration lifetime) {
        response.addHeader(HttpHeaders.SET_COOKIE, cookie(request, value).maxAge(lifetime.isNegative() ? Duration.ZERO : lifetime)
                .build().toString());
    }

    public void clear(HttpServletRequest request, HttpServletResponse response) {
        response.addHeader(HttpHeaders.SET_COOKIE, cookie(request, "").maxAge(0).build().toString());
    }

    private String nameFor(HttpServletRequest request) {
        return origins.isSecure(request) ? HOST_PREFIX + name : name;
    }

    private ResponseCookie.ResponseCookieBuilder cookie(HttpServletRequest request, String value) {
        return ResponseCookie.from(nameFor(request), value).httpOnly(true).secure(origins.isSecure(request)).sameSite(sameSite).path("/");
    }
}
