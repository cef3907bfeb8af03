package dev.lanyard.web;

import dev.lanyard.geo.ExternalOrigins;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRepository;

/**
 * The forms' double-submit CSRF cookie. On HTTPS (as the browser sees it, see
 * {@link ExternalOrigins}) it is {@code __Host-XSRF-TOKEN}: Secure, no Domain, Path=/, so a sibling
 * subdomain can neither set nor overwrite it, and a token planted under the plain name is never
 * read. On plain HTTP (development) it is {@code XSRF-TOKEN}.
 */
final class CsrfCookies implements CsrfTokenRepository {
    static final String NAME = "XSRF-TOKEN";
    static final String SECURE_NAME = "__Host-" + NAME;

    private final ExternalOrigins origins;
    private final CookieCsrfTokenRepository plain = new CookieCsrfTokenRepository();
    private final CookieCsrfTokenRepository secure = new CookieCsrfTokenRepository();

    CsrfCookies(ExternalOrigins origins) {
        this.origins = origins;
        plain.setCookieName(NAME);
        plain.setCookiePath("/");
        secure.setCookieName(SECURE_NAME);
        secure.setCookiePath("/");
        secure.setCookieCustomizer(cookie -> cookie.secure(true).sameSite("Lax"));
        plain.setCookieCustomizer(cookie -> cookie.sameSite("Lax"));
    }

    private CsrfTokenRepository forRequest(HttpServletRequest request) {
        return origins.isSecure(request) ? secure : plain;
    }

    @Override
    public CsrfToken generateToken(HttpServletRequest request) {
        return forRequest(request).generateToken(request);
    }

    @Override
    public void saveToken(CsrfToken token, HttpServletRequest request, HttpServletResponse response) {
        forRequest(request).saveToken(token, request, response);
    }

    @Override
    public CsrfToken loadToken(HttpServletRequest request) {
        return forRequest(request).loadToken(request);
    }
}
