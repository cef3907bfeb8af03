package dev.lanyard.session;

import java.time.Duration;
import java.util.Optional;

import dev.lanyard.geo.ExternalOrigins;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.modulith.NamedInterface;
import org.springframework.stereotype.Component;

/**
 * Where a request's session token travels: {@code Authorization: Bearer} for native and API
 * clients, else the session cookie. The cookie is HttpOnly and SameSite=Lax; on HTTPS it is
 * Secure and carries the {@code __Host-} prefix, which pins it to this exact host and path.
 * HTTPS is what the browser used ({@link ExternalOrigins}), which behind a TLS proxy is not what
 * the connection to Lanyard is. Open to the sign-in module, which starts and ends sessions in browsers.
 */
@Component
@NamedInterface("sign-in")
public class SessionCookie {
    private static final String HOST_PREFIX = "__Host-";

    private final SessionSettings settings;
    private final ExternalOrigins origins;
    private final DeviceBindings bindings;

    SessionCookie(SessionSettings settings, ExternalOrigins origins, DeviceBindings bindings) {
        this.settings = settings;
        this.origins = origins;
        this.bindings = bindings;
    }

    /** The token and whether it came as a bearer token. */
    record Presented(String token, boolean bearer) {
    }

    /** The token the request presents: its bearer token, else the cookie. Refused when it has more than one Authorization header. */
    Optional<Presented> read(HttpServletRequest request) {
        String authorization = dev.lanyard.AuthorizationHeader.of(request);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(new Presented(authorization.substring(7).strip(), true));
        }
        Cookie[] cookies = request.getCookies();
        if (cookies == null) return Optional.empty();
        String secureName = HOST_PREFIX + settings.cookieName();
        for (Cookie cookie : cookies) {
            boolean ours = origins.isSecure(request) ? cookie.getName().equals(secureName) : cookie.getName().equals(settings.cookieName());
            if (ours && cookie.getValue() != null && !cookie.getValue().isEmpty()) {
                return Optional.of(new Presented(cookie.getValue(), false));
            }
        }
        return Optional.empty();
    }

    /**
     * Sets the cookie; a remembered session's cookie outlives the browser, others end with it. Where the
     * browser can bind the session to a key it keeps (a secure context: HTTPS, or this machine), it is
     * asked to ({@link DeviceBindings}); a browser that cannot ignores the header.
     */
    public void write(HttpServletRequest request, HttpServletResponse response, Sessions.Started started) {
        Session session = started.session();
        var cookie = base(request, started.token());
        if (session.rememberMe()) cookie.maxAge(Duration.between(session.createdAt(), session.expiresAt()));
        response.addHeader(HttpHeaders.SET_COOKIE, cookie.build().toString());
        if (bindings.enabled() && secureContext(request)) {
            response.addHeader("Secure-Session-Registration", bindings.registrationHeader(request.getContextPath()));
        }
    }

    /** Sets a device-bound session's new cookie, which lives until the next refresh is due. */
    void writeBound(HttpServletRequest request, HttpServletResponse response, String token, Duration lifetime) {
        response.addHeader(HttpHeaders.SET_COOKIE, base(request, token).maxAge(lifetime).build().toString());
    }

    /** The cookie's name for this request: with {@code __Host-} on HTTPS. */
    String name(HttpServletRequest request) {
        return origins.isSecure(request) ? HOST_PREFIX + settings.cookieName() : settings.cookieName();
    }

    /**
     * The cookie's attributes but its lifetime, as a device-bound session's instructions name them: read off
     * the cookie itself, since the browser binds only a cookie whose attributes are these.
     */
    String attributes(HttpServletRequest request) {
        String cookie = base(request, "").build().toString();
        return cookie.substring(cookie.indexOf("; ") + 2);
    }

    /** HTTPS as the browser sees it, or this machine itself, where browsers treat plain HTTP as secure. */
    private boolean secureContext(HttpServletRequest request) {
        if (origins.isSecure(request)) return true;
        String host = origins.of(request).host();
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
    }

    public void clear(HttpServletRequest request, HttpServletResponse response) {
        response.addHeader(HttpHeaders.SET_COOKIE, base(request, "").maxAge(0).build().toString());
    }

    private ResponseCookie.ResponseCookieBuilder base(HttpServletRequest request, String value) {
        return ResponseCookie.from(name(request), value)
                .httpOnly(true)
                .secure(origins.isSecure(request))
                .sameSite("Lax")
                .path("/");
    }
}
