package dev.lanyard.apps;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * An authorization request posted as a form (OpenID Connect Core 3.1.2.1) that arrives with no Lanyard session is answered
 * {@code 303} to the same request as a GET, its form's fields in the query, so that it is decided there. The session
 * cookie is {@code SameSite=Lax}: a browser sends it with a top-level GET from another site, never with a POST from one.
 * A signed-in member whose app posts its request from the app's own site with {@code prompt=none} got Lanyard's
 * {@code login_required} page (outside review); without {@code prompt=none} the detour through the sign-in page had
 * hidden it, since that page sends the browser back by GET. A browser that is really not signed in is answered at the GET
 * as before: the sign-in page, or {@code login_required}. The GET is never sent on again, so there is no loop, and nothing
 * of the request is left out or added. A request too long for a redirect is passed on as it came (and refused there in
 * words, {@link SignInAgain#sendToSignIn}).
 */
final class PostedAuthorizeRequests implements Filter {
    private final RequestMatcher authorizeRequest;

    /** {@code authorizeRequest}: an authorization request, a GET or a form POST of one (not the consent form's POST). */
    PostedAuthorizeRequests(RequestMatcher authorizeRequest) {
        this.authorizeRequest = authorizeRequest;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        if ("POST".equals(request.getMethod()) && nobodySignedIn() && authorizeRequest.matches(request)) {
            String get = request.getRequestURI() + "?" + SignInAgain.asQuery(request);
            if (get.length() <= SignInAgain.LONGEST_REDIRECT) {
                HttpServletResponse response = (HttpServletResponse) res;
                response.setStatus(HttpStatus.SEE_OTHER.value());
                response.setHeader(HttpHeaders.LOCATION, get);
                return;
            }
        }
        chain.doFilter(req, res);
    }

    /** Whether the request carries no sign-in at all: no session cookie (or one of a session that ended), no API key. */
    private static boolean nobodySignedIn() {
        Authentication user = SecurityContextHolder.getContext().getAuthentication();
        return user == null || user instanceof AnonymousAuthenticationToken || !user.isAuthenticated();
    }
}
