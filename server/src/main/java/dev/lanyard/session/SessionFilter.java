package dev.lanyard.session;

import java.io.IOException;
import java.util.Optional;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import dev.lanyard.account.LinkTokens;
import dev.lanyard.geo.ClientAddresses;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Authenticates each request by its session token (bearer or cookie) through
 * {@link Sessions#check}. A request whose session has ended is left unauthenticated and marked
 * with {@link #ENDED_REASON}, so the sign-in page can tell the person why; its stale cookie is
 * cleared. Part of the security filter chain (see the web module), never a standalone filter.
 *
 * <p>It runs for the request dispatch only, as a {@code OncePerRequestFilter} would: an async or
 * error dispatch, or a forward, continues a request this filter already saw. A plain filter that
 * asks the dispatcher type, since the security chain runs for every dispatch (decision 46).
 */
public final class SessionFilter extends HttpFilter {
    /** Request attribute holding the {@link EndReason} of a session that ended. */
    public static final String ENDED_REASON = SessionFilter.class.getName() + ".ENDED";
    /** Request attribute present when the ended session of {@link #ENDED_REASON} was an API key. */
    public static final String ENDED_API_KEY = SessionFilter.class.getName() + ".ENDED_API_KEY";
    /**
     * Request attribute present when a team rule holds the member (the second-factor requirement) and lets this
     * request through only because it ends their own sessions or streams this one's end: what it answers names
     * none of the member's other sessions.
     */
    public static final String HELD = SessionFilter.class.getName() + ".HELD";

    private final Sessions sessions;
    private final SessionCookie cookie;
    private final ClientAddresses addresses;

    /**
     * Sent by a page's own script (static/js/live.js) on the refresh it makes when told of a change, never on what the
     * member clicks: such a request is not activity ({@link #pagesOwnRefresh}). A browser that sends it on its own only
     * keeps its own session from counting for that one page.
     */
    static final String BACKGROUND = "X-Lanyard-Background";

    SessionFilter(Sessions sessions, SessionCookie cookie, ClientAddresses addresses) {
        this.sessions = sessions;
        this.cookie = cookie;
        this.addresses = addresses;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getDispatcherType() != DispatcherType.REQUEST) {
            chain.doFilter(request, response);
            return;
        }
        // The path is parsed once here, not again in a shouldNotFilter (issue 13).
        String path = routedPath(request);
        Optional<SessionCookie.Presented> presented = isStatic(path) ? Optional.empty() : cookie.read(request);
        if (presented.isPresent()) {
            // Neither an open live stream nor the refresh its page makes by itself is the member's activity: a tab left
            // open would otherwise keep its session from ever reaching the idle timeout (outside QA).
            boolean background = path.endsWith("/events") || pagesOwnRefresh(request, path, presented.get());
            Sessions.Check check = sessions.check(presented.get().token(), new Sessions.Use(
                    addresses.resolve(request).getHostAddress(), pageView(request, path), !background));
            if (check instanceof Sessions.Check.Valid valid) {
                SecurityContextHolder.getContext().setAuthentication(new SessionAuthentication(valid.session(), !presented.get().bearer()));
            } else {
                if (check instanceof Sessions.Check.Ended ended) {
                    request.setAttribute(ENDED_REASON, ended.reason());
                    if (ended.apiKey()) request.setAttribute(ENDED_API_KEY, Boolean.TRUE);
                }
                if (!presented.get().bearer()) cookie.clear(request, response);
            }
        }
        chain.doFilter(request, response);
    }

    /**
     * Whether this is the refresh an open sessions page makes by itself ({@link #BACKGROUND}): a browser's cookie, an
     * htmx {@code GET} of the sessions list. Nothing else may say it is not activity: a bearer token or an API key that
     * sent the header would hide its own use from its owner's list (last active, requests).
     */
    private static boolean pagesOwnRefresh(HttpServletRequest request, String path, SessionCookie.Presented presented) {
        // Cheapest first: a bearer request (every API call, the hot path) looks up no header.
        return !presented.bearer() && path.startsWith("/settings/sessions") && "GET".equals(request.getMethod())
                && request.getHeader(BACKGROUND) != null && request.getHeader("HX-Request") != null;
    }

    /** Static resources: no session is read or touched for them. */
    private static boolean isStatic(String path) {
        return path.startsWith("/css/") || path.startsWith("/js/") || path.startsWith("/webjars/")
                || path.startsWith("/img/") || path.equals("/favicon.ico");
    }

    /**
     * A page view is a GET for HTML outside the API; its path counts as the session's last page, without the
     * token of a mailed link opened while signed in ({@link LinkTokens}): the last page is shown wherever the
     * session is, to an API key that may only read sessions and to the team's admins.
     */
    private static Optional<String> pageView(HttpServletRequest request, String path) {
        if (!"GET".equals(request.getMethod())) return Optional.empty();
        if (path.startsWith("/api/") || path.startsWith("/actuator") || path.endsWith("/events")) return Optional.empty();
        String accept = request.getHeader("Accept");
        if (accept == null || !accept.contains("text/html")) return Optional.empty();
        if (request.getHeader("HX-Request") != null) return Optional.empty();
        return Optional.of(LinkTokens.redact(path.length() > 200 ? path.substring(0, 200) : path));
    }

    /**
     * The decoded path the dispatcher routes by and Spring Security's path matchers match
     * ({@code /%61pi/v1/x} is {@code /api/v1/x}), without path parameters, so no rule here can
     * see a different path than the handler that answers.
     */
    public static String routedPath(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String contextPath = request.getContextPath();
        // Nothing to decode and no path parameter: the path is the URI itself (most requests, issue 13).
        if (contextPath.isEmpty() && uri.indexOf('%') < 0 && uri.indexOf(';') < 0) return uri;
        PathContainer path = RequestPath.parse(uri, contextPath).pathWithinApplication();
        StringBuilder routed = new StringBuilder();
        for (PathContainer.Element element : path.elements()) {
            routed.append(element instanceof PathContainer.PathSegment segment ? segment.valueToMatch() : element.value());
        }
        return routed.toString();
    }

    /**
     * The request's path after Lanyard's own ({@code server.servlet.context-path}, none by default) as it was sent, still
     * encoded: what a fixed endpoint path is compared with, and what a redirect back to this page (a context-relative
     * {@code redirect:}) is given. Lanyard served at {@code /lanyard} compared {@code /lanyard/oauth2/revoke} with
     * {@code /oauth2/revoke} and sent signed-out pages to {@code /login}, outside itself.
     */
    public static String sentPath(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String contextPath = request.getContextPath();
        return contextPath.isEmpty() || !uri.startsWith(contextPath) ? uri : uri.substring(contextPath.length());
    }
}
