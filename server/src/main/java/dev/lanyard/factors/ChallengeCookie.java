package dev.lanyard.factors;

import java.time.Duration;
import java.util.Optional;

import dev.lanyard.geo.BrowserCookie;
import dev.lanyard.geo.ExternalOrigins;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Component;

/**
 * Where a browser keeps the id of its sign-in's second step between the password and the code: a cookie
 * like the session cookie (HttpOnly, SameSite=Lax, and Secure with the {@code __Host-} prefix on HTTPS),
 * living as long as the challenge.
 */
@Component
public class ChallengeCookie {
    static final String NAME = "lanyard_challenge";

    private final BrowserCookie cookie;
    private final java.time.Clock clock;

    ChallengeCookie(ExternalOrigins origins, java.time.Clock clock) {
        this.cookie = new BrowserCookie(NAME, "Lax", origins);
        this.clock = clock;
    }

    public Optional<String> read(HttpServletRequest request) {
        return cookie.read(request);
    }

    public void write(HttpServletRequest request, HttpServletResponse response, SecondSteps.Challenge challenge) {
        cookie.write(request, response, challenge.id(), Duration.between(clock.instant(), challenge.expiresAt()));
    }

    public void clear(HttpServletRequest request, HttpServletResponse response) {
        cookie.clear(request, response);
    }
}
