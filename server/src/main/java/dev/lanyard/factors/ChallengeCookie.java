package dev.lanyard.factors;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.lanyard.geo.ExternalOrigins;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;

/**
 * Where a browser keeps the id of its sign-in's second step between the password and the code: a cookie
 * like the session cookie (HttpOnly, SameSite=Lax, and Secure with the {@code __Host-} prefix on HTTPS),
 * living as long as the challenge.
 */
@Component
public class ChallengeCookie {
    static final String NAME = "lanyard_challenge";
    private static final String HOST_PREFIX = "__Host-";

    private final ExternalOrigins origins;
    private final java.time.Clock clock;

    ChallengeCookie(ExternalOrigins origins, java.time.Clock clock) {
        this.origins = origins;
        this.clock = clock;
    }

    public Optional<String> read(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) return Optional.empty();
        String name = origins.isSecure(request) ? HOST_PREFIX + NAME : NAME;
        for (Cookie cookie : cookies) {
            if (cookie.getName().equals(name) && cookie.getValue() != null && !cookie.getValue().isEmpty())
                return Optional.of(cookie.getValue());
        }
        return Optional.empty();
    }

    public void write(HttpServletRequest request, HttpServletResponse response, SecondFactors.Challenge challenge) {
        Duration left = Duration.between(clock.instant(), challenge.expiresAt());
        response.addHeader(HttpHeaders.SET_COOKIE, base(request, challenge.id())
                .maxAge(left.isNegative() ? Duration.ZERO : left).build().toString());
    }

    public void clear(HttpServletRequest request, HttpServletResponse response) {
        response.addHeader(HttpHeaders.SET_COOKIE, base(request, "").maxAge(0).build().toString());
    }

    private ResponseCookie.ResponseCookieBuilder base(HttpServletRequest request, String value) {
        boolean secure = origins.isSecure(request);
        return ResponseCookie.from(secure ? HOST_PREFIX + NAME : NAME, value).httpOnly(true).secure(secure).sameSite("Lax").path("/");
    }
}
