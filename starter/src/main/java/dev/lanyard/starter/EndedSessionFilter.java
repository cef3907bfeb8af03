package dev.lanyard.starter;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.HtmlUtils;

/**
 * Refuses any request whose login Lanyard has ended: a browser login (OIDC) whose ID token's
 * {@code sid} is in {@link EndedSessions}, or whose person was signed out everywhere after it
 * began; the same for an API call whose access token carries such a {@code sid}. The app's HTTP
 * session is invalidated and the request answered 401 — a page with a link to sign in again for
 * a browser, {@code WWW-Authenticate: Bearer error="invalid_token"} for a token. One in-memory
 * lookup per request, no call to Lanyard.
 */
public class EndedSessionFilter extends OncePerRequestFilter {
    static final String SIGN_IN = "/oauth2/authorization/" + LanyardClientRegistrations.REGISTRATION_ID;
    private final EndedSessions ended;

    public EndedSessionFilter(EndedSessions ended) {
        this.ended = ended;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof OidcUser user) {
            String sid = user.getIdToken().getClaimAsString("sid");
            Instant issuedAt = user.getIdToken().getIssuedAt();
            Instant authenticatedAt = loggedInAt(issuedAt, user.getAuthenticatedAt());
            if (ended.isEnded(sid, user.getSubject(), authenticatedAt, issuedAt != null ? issuedAt : authenticatedAt)) {
                refuseLogin(request, response, ended.reason(sid, user.getSubject()));
                return;
            }
        } else if (authentication instanceof JwtAuthenticationToken token) {
            Jwt jwt = token.getToken();
            if (ended.isEnded(jwt.getClaimAsString("sid"), jwt.getSubject(), jwt.getIssuedAt())) {
                SecurityContextHolder.clearContext();
                response.setStatus(HttpStatus.UNAUTHORIZED.value());
                response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"The Lanyard session of this token has ended\"");
                return;
            }
        }
        chain.doFilter(request, response);
    }

    /**
     * Spring Security's usual sign-in success (back to the page asked for, from the chain's request cache, else
     * {@code /}), noting when this app first saw the login ({@link EndedSessions#loginSeen}): a login of a gap's own
     * second passes only if it was seen after the gap.
     */
    static AuthenticationSuccessHandler signedIn(EndedSessions ended, java.util.function.Supplier<RequestCache> requestCache) {
        return (request, response, authentication) -> {
            if (authentication.getPrincipal() instanceof OidcUser user) ended.loginSeen(user.getIdToken().getClaimAsString("sid"));
            SavedRequestAwareAuthenticationSuccessHandler usual = new SavedRequestAwareAuthenticationSuccessHandler();
            RequestCache cache = requestCache.get();
            if (cache != null) usual.setRequestCache(cache);
            usual.onAuthenticationSuccess(request, response, authentication);
        };
    }

    private static Instant loggedInAt(Instant issuedAt, Instant authenticatedAt) {
        return authenticatedAt != null ? authenticatedAt : issuedAt;
    }

    private static void refuseLogin(HttpServletRequest request, HttpServletResponse response, Optional<String> reason) throws IOException {
        HttpSession session = request.getSession(false);
        if (session != null) session.invalidate();
        SecurityContextHolder.clearContext();
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        StarterPage.write(response, "Signed out", "<p>Your session has ended.</p>"
                + reason.map(r -> "<p>" + HtmlUtils.htmlEscape(r) + "</p>").orElse("")
                + "<p>" + StarterPage.link(request, SIGN_IN, "Sign in again") + "</p>");
    }
}
