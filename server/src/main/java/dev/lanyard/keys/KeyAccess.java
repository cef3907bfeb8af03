package dev.lanyard.keys;

import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.SessionFilter;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/**
 * What a request made with an API key may reach (decision 0018): only {@code /api/v1}; reading
 * needs {@code sessions:read} or {@code sessions:write}, anything else {@code sessions:write};
 * keys are never managed with a key, a key does not log out and never changes a password. Admin endpoints need the
 * {@code admin} scope as well: without it an admin's key acts as a member, so they answer 403.
 * Requests made with a sign-in's session pass unchanged.
 */
@Component
public class KeyAccess {
    private static final String API = "/api/v1/";

    /** Whether {@code authentication} may make this request, as far as keys are concerned. */
    public boolean permits(Authentication authentication, HttpServletRequest request) {
        if (authentication == null || !authentication.isAuthenticated()) return false;
        if (!(authentication.getPrincipal() instanceof CurrentSession current) || !current.apiKey()) return true;
        Set<String> scopes = current.keyScopes().orElseThrow();
        String path = SessionFilter.routedPath(request);
        if (!path.startsWith(API) || path.equals(API + "logout") || path.equals(API + "password")) return false;
        boolean reading = "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
        boolean keys = path.startsWith(API + "api-keys") || path.contains("/api-keys");
        if (keys && !reading) return false;
        boolean write = scopes.contains(KeyScope.SESSIONS_WRITE.code());
        return reading ? write || scopes.contains(KeyScope.SESSIONS_READ.code()) : write;
    }
}
