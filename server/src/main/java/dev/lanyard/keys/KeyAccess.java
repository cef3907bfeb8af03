package dev.lanyard.keys;

import java.util.Optional;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.SessionFilter;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/**
 * What a request made with an API key may reach (decision 0018): only {@code /api/v1}; reading (GET, and HEAD and
 * OPTIONS, which change nothing) needs {@code sessions:read} or {@code sessions:write}, anything else {@code sessions:write};
 * keys are never managed with a key, a key does not log out and never changes a password. Admin endpoints need the
 * {@code admin} scope as well: without it an admin's key acts as a member, so they answer 403.
 * Requests made with a sign-in's session pass unchanged.
 */
@Component
public class KeyAccess {
    /** Request attribute holding why a request made with an API key was refused, for the 403's detail. */
    public static final String REFUSED = KeyAccess.class.getName() + ".REFUSED";
    private static final String API = "/api/v1/";

    /**
     * Why {@code authentication} may not make this request, as far as keys are concerned, in words for the client;
     * empty when it may.
     */
    public Optional<String> refusal(Authentication authentication, HttpServletRequest request) {
        if (authentication == null || !authentication.isAuthenticated()) return Optional.of("Sign in first.");
        if (!(authentication.getPrincipal() instanceof CurrentSession current) || !current.apiKey()) return Optional.empty();
        Set<String> scopes = current.keyScopes().orElseThrow();
        String path = SessionFilter.routedPath(request);
        if (!path.startsWith(API)) return Optional.of("An API key works only on the API, /api/v1.");
        // OPTIONS and HEAD change nothing, and these paths take POST only: they are answered as on every other path
        // (200 with Allow; 405 with Allow), not refused as a log out (outside review).
        boolean asking = "OPTIONS".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
        if ((path.equals(API + "logout") || path.equals(API + "password")) && !asking)
            return Optional.of("An API key neither logs out nor changes the password: sign in for that.");
        boolean reading = asking || "GET".equals(request.getMethod());
        boolean keys = path.startsWith(API + "api-keys") || path.contains("/api-keys");
        if (keys && !reading) return Optional.of("API keys are created and revoked by a signed-in member, not with an API key.");
        boolean write = scopes.contains(KeyScope.SESSIONS_WRITE.code());
        if (reading) {
            return write || scopes.contains(KeyScope.SESSIONS_READ.code()) ? Optional.empty()
                    : Optional.of("This API key has neither sessions:read nor sessions:write.");
        }
        return write ? Optional.empty() : Optional.of("This API key may only read (sessions:read): this request needs sessions:write.");
    }
}
