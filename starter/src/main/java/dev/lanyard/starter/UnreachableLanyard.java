package dev.lanyard.starter;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.logout.LogoutSuccessHandler;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.lanyard.starter.LanyardEndpoints.LanyardUnavailable;

/**
 * What a person sees while Lanyard can't be reached (down, or its metadata refused): the sign-in link answers 503 with a
 * page that says so, and signing out of the app still signs out of the app and says that Lanyard's session could not be
 * ended. Without this, Spring Security answers the sign-in link with a bare 500 and the sign-out with an error page after
 * the app's session is already gone. The log says why, naming the address the starter tried.
 */
final class UnreachableLanyard {
    private static final Logger log = LoggerFactory.getLogger(UnreachableLanyard.class);

    private UnreachableLanyard() {
    }

    /** Before the sign-in redirect: reads Lanyard's discovery document (kept once read) and answers 503 if it can't. */
    static final class SignIn extends OncePerRequestFilter {
        private final LanyardClientRegistrations registrations;

        SignIn(LanyardClientRegistrations registrations) {
            this.registrations = registrations;
        }

        @Override
        protected boolean shouldNotFilter(HttpServletRequest request) {
            return !request.getRequestURI().equals(request.getContextPath() + EndedSessionFilter.SIGN_IN);
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws ServletException, IOException {
            try {
                registrations.registration();
            } catch (LanyardUnavailable e) {
                log.warn("Signing in through Lanyard is not possible now: {}", e.getMessage());
                response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
                response.setHeader("Retry-After", "30");
                page(response, "Sign-in unavailable", "<p>Signing in is not possible right now: the sign-in service can't be reached.</p>"
                        + "<p><a href=\"" + request.getContextPath() + EndedSessionFilter.SIGN_IN + "\">Try again</a> in a moment.</p>");
                return;
            }
            chain.doFilter(request, response);
        }
    }

    /** After the app's own sign-out: on to Lanyard's end-session endpoint, or, if Lanyard can't be reached, a page that says so. */
    static LogoutSuccessHandler signOut(LogoutSuccessHandler throughLanyard) {
        return (HttpServletRequest request, HttpServletResponse response, Authentication authentication) -> {
            try {
                throughLanyard.onLogoutSuccess(request, response, authentication);
            } catch (LanyardUnavailable e) {
                log.warn("Signed out of the app, but not of Lanyard: {}", e.getMessage());
                page(response, "Signed out", "<p>You are signed out of this app.</p><p>The sign-in service could not be reached, so "
                        + "you may still be signed in there.</p><p><a href=\"" + request.getContextPath() + "/\">Home</a></p>");
            }
        };
    }

    private static void page(HttpServletResponse response, String title, String body) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        response.setContentType(MediaType.TEXT_HTML_VALUE + ";charset=UTF-8");
        response.getWriter().write("<!doctype html><title>" + title + "</title>" + body);
    }
}
