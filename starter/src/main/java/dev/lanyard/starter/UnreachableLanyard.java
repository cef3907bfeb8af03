package dev.lanyard.starter;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.logout.LogoutSuccessHandler;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.lanyard.starter.LanyardEndpoints.LanyardUnavailable;

/**
 * What a person sees while Lanyard can't be reached (down, or its metadata refused): the sign-in link answers 503 with a
 * page that says so, and signing out of the app still signs out of the app and says that Lanyard's session could not be
 * ended. Without this, Spring Security answers the sign-in link with a bare 500 and the sign-out with an error page after
 * the app's session is already gone, and once Lanyard's metadata is kept, sends the browser to a Lanyard that is down.
 * Whether Lanyard can be reached is asked of it now ({@link Probe}: a short request, its answer kept a few seconds), not
 * only once. The log says why, naming the address the starter tried.
 */
final class UnreachableLanyard {
    private static final Logger log = LoggerFactory.getLogger(UnreachableLanyard.class);

    private UnreachableLanyard() {
    }

    /**
     * Whether Lanyard answers now: a GET of its discovery document with a short timeout ({@link #TIMEOUT}), the answer
     * kept for {@code keep} (a few seconds), so a burst of sign-ins costs one request, and one at a time.
     */
    static final class Probe {
        static final Duration TIMEOUT = Duration.ofSeconds(2);
        static final Duration KEEP = Duration.ofSeconds(5);
        private final URI discovery;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
        private final long keepNanos;
        private long checkedAt;
        private boolean checked;
        private String failure;

        Probe(LanyardProperties properties, Duration keep) {
            this.discovery = URI.create(properties.issuer() + "/.well-known/openid-configuration");
            this.keepNanos = keep.toNanos();
        }

        /** Why Lanyard can't be reached now, or empty if it answered. */
        synchronized Optional<String> unreachable() {
            long now = System.nanoTime();
            if (checked && now - checkedAt < keepNanos) return Optional.ofNullable(failure);
            failure = probe();
            checkedAt = System.nanoTime();
            checked = true;
            return Optional.ofNullable(failure);
        }

        /** Forgets the kept answer (tests). */
        synchronized void forget() {
            checked = false;
        }

        private String probe() {
            HttpRequest request = HttpRequest.newBuilder(discovery).timeout(TIMEOUT).header("Accept", "application/json").GET().build();
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                return response.statusCode() == 200 ? null : "GET " + discovery + " answered " + response.statusCode();
            } catch (IOException e) {
                return "GET " + discovery + " failed: " + (e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "GET " + discovery + " was interrupted";
            }
        }
    }

    /** Before the sign-in redirect: asks whether Lanyard answers now and reads its discovery document (kept once read); 503 if not. */
    static final class SignIn extends OncePerRequestFilter {
        private final LanyardClientRegistrations registrations;
        private final Probe probe;

        SignIn(LanyardClientRegistrations registrations, Probe probe) {
            this.registrations = registrations;
            this.probe = probe;
        }

        @Override
        protected boolean shouldNotFilter(HttpServletRequest request) {
            return !request.getRequestURI().equals(request.getContextPath() + EndedSessionFilter.SIGN_IN);
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws ServletException, IOException {
            try {
                Optional<String> down = probe.unreachable();
                if (down.isPresent()) throw new LanyardUnavailable(down.get());
                registrations.registration();
            } catch (LanyardUnavailable e) {
                log.warn("Signing in through Lanyard is not possible now: {}", e.getMessage());
                response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
                response.setHeader("Retry-After", "30");
                StarterPage.write(response, "Sign-in unavailable", "<p>Signing in is not possible right now: the sign-in service can't be reached.</p>"
                        + "<p>" + StarterPage.link(request, EndedSessionFilter.SIGN_IN, "Try again") + " in a moment.</p>");
                return;
            }
            chain.doFilter(request, response);
        }
    }

    /** After the app's own sign-out: on to Lanyard's end-session endpoint, or, if Lanyard can't be reached, a page that says so. */
    static LogoutSuccessHandler signOut(LogoutSuccessHandler throughLanyard, Probe probe) {
        return (HttpServletRequest request, HttpServletResponse response, Authentication authentication) -> {
            try {
                Optional<String> down = probe.unreachable();
                if (down.isPresent()) throw new LanyardUnavailable(down.get());
                throughLanyard.onLogoutSuccess(request, response, authentication);
            } catch (LanyardUnavailable e) {
                log.warn("Signed out of the app, but not of Lanyard: {}", e.getMessage());
                StarterPage.write(response, "Signed out", "<p>You are signed out of this app.</p><p>The sign-in service could not be "
                        + "reached, so you may still be signed in there.</p><p>" + StarterPage.link(request, "/", "Home") + "</p>");
            }
        };
    }
}
