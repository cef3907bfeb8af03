package dev.lanyard.web;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import dev.lanyard.session.EndReason;
import dev.lanyard.session.SessionFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * Where a page asked for without a sign-in is sent: the sign-in page, saying why the session ended ({@code ended}) and
 * which page to return to after signing in ({@code next}).
 */
final class SignInRedirect {
    private SignInRedirect() {
    }

    /** Sends the page to sign-in: a redirect, or for htmx a 401 naming the sign-in page in {@code HX-Redirect}. */
    static void send(HttpServletRequest request, HttpServletResponse response, EndReason ended) throws IOException {
        String target = request.getContextPath() + (ended == null ? "/login" : "/login?ended=" + ended.code());
        String back = returnPath(request);
        if (back != null) target += (ended == null ? "?" : "&") + "next=" + URLEncoder.encode(back, StandardCharsets.UTF_8);
        if (request.getHeader("HX-Request") != null) {
            response.setHeader("HX-Redirect", target);
            response.setStatus(HttpStatus.UNAUTHORIZED.value());
            return;
        }
        response.sendRedirect(target);
    }

    /**
     * The page a signed-out visitor asked for, for the sign-in page to return to ({@code next}, held to a path on Lanyard
     * by the sign-in page): only a page that was navigated to ({@code GET}, asking for HTML); not the sessions page, where
     * sign-in leads anyway. Signed out, every page but the sessions page led to it after signing in (outside review AO).
     */
    private static String returnPath(HttpServletRequest request) {
        if (!"GET".equals(request.getMethod()) || request.getHeader("HX-Request") != null) return null;
        // A page's own requests (its live stream, its fetches) are no place to come back to: only what asks for HTML.
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        if (accept == null || !accept.contains("text/html")) return null;
        String path = SessionFilter.sentPath(request);
        if (path.isEmpty() || path.equals("/") || path.equals("/settings/sessions") || path.equals(SecurityRefusals.LIVE_EVENTS)) return null;
        String query = request.getQueryString();
        String back = query == null ? path : path + "?" + query;
        return back.length() > 2000 ? null : back;
    }
}
