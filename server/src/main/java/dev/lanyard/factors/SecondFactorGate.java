package dev.lanyard.factors;

import java.io.IOException;
import java.util.List;

import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.SessionFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Holds a member whose team requires a second factor and who has none: every page sends them to
 * {@code /settings/security} to enrol one, and the API answers 403 naming the requirement, except what
 * enrolling and signing out need. Signing out includes ending their other sessions (one by id, the others,
 * all devices; pages and API) and the live stream that tells their page its session ended: ending one's own
 * sessions only takes access away, and a held member who fears their password is known must be able to end
 * the thief's sessions. What passes is marked {@link SessionFilter#HELD}, so its pages name no other
 * session: reading stays closed. Runs just after the security chain, which has authenticated the request.
 *
 * <p>A plain {@link HttpFilter}: Spring Boot registers it for the request dispatch only, as a
 * {@code OncePerRequestFilter} behaves, without its request attributes on every request (decision 41).
 */
final class SecondFactorGate extends HttpFilter {
    /** Paths a held member may still use: enrolment, signing out, and what pages load. */
    private static final List<String> OPEN = List.of("/settings/security", "/logout", "/logout/ask", "/api/v1/logout", "/error",
            "/favicon.ico");
    private static final List<String> OPEN_PREFIXES = List.of("/settings/security/", "/css/", "/js/", "/img/", "/webjars/");
    /** Ending one's own sessions and hearing that this one ended, by exact path (the confirmation pages and their forms). */
    private static final List<String> ENDING = List.of("/settings/sessions/events", "/settings/sessions/sign-out-others",
            "/settings/sessions/sign-out-all");
    private static final String SESSIONS_PAGE = "/settings/sessions/";
    private static final String SIGN_OUT_ONE = "/sign-out";
    private static final String SESSIONS_API = "/api/v1/sessions";
    static final String PROBLEM = """
            {"type":"urn:lanyard:problem:second-factor-required","title":"Forbidden","status":403,\
            "detail":"Your team requires two-factor authentication. Set it up on /settings/security first; until then you can only sign out."}""";

    private final SecondFactorRequirement requirement;

    SecondFactorGate(SecondFactorRequirement requirement) {
        this.requirement = requirement;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        // The requirement first: it rarely holds, and then the path is never parsed (issue 13).
        String path;
        if (authentication != null && authentication.getPrincipal() instanceof CurrentSession current
                && requirement.holds(current.account()) && !open(path = SessionFilter.routedPath(request))) {
            if (ending(request.getMethod(), path)) {
                request.setAttribute(SessionFilter.HELD, Boolean.TRUE);
                chain.doFilter(request, response);
                return;
            }
            if (path.startsWith("/api/")) {
                response.setStatus(HttpServletResponse.SC_FORBIDDEN);
                response.setContentType("application/problem+json");
                response.setCharacterEncoding("UTF-8");
                response.getWriter().write(PROBLEM);
            } else if (request.getHeader("HX-Request") != null) {
                response.setHeader("HX-Redirect", request.getContextPath() + "/settings/security");
                response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            } else {
                response.sendRedirect(request.getContextPath() + "/settings/security");
            }
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean open(String path) {
        return OPEN.contains(path) || OPEN_PREFIXES.stream().anyMatch(path::startsWith);
    }

    /**
     * Ending the member's own sessions, or the stream of this one: the pages of "sign out other sessions", "log out all
     * devices" and "sign out this session" ({@code /settings/sessions/{id}/sign-out}), and the API's DELETE of
     * {@code /api/v1/sessions} (scope others or all) and {@code /api/v1/sessions/{id}}. Reads on those paths stay held.
     */
    static boolean ending(String method, String path) {
        if (ENDING.contains(path)) return true;
        // The length first: "/settings/sessions/sign-out" starts with the one and ends with the other, sharing a slash.
        if (path.length() > SESSIONS_PAGE.length() + SIGN_OUT_ONE.length() && path.startsWith(SESSIONS_PAGE) && path.endsWith(SIGN_OUT_ONE))
            return oneSegment(path.substring(SESSIONS_PAGE.length(), path.length() - SIGN_OUT_ONE.length()));
        if (!"DELETE".equals(method)) return false;
        return path.equals(SESSIONS_API)
                || path.startsWith(SESSIONS_API + "/") && oneSegment(path.substring(SESSIONS_API.length() + 1));
    }

    /** A session id as one path segment names it: the only thing the handlers above take from the path. */
    private static boolean oneSegment(String id) {
        return !id.isEmpty() && id.indexOf('/') < 0;
    }

    @Configuration(proxyBeanMethods = false)
    static class Registration {
        @Bean
        FilterRegistrationBean<SecondFactorGate> secondFactorGate(SecondFactorRequirement requirement) {
            FilterRegistrationBean<SecondFactorGate> registration = new FilterRegistrationBean<>(new SecondFactorGate(requirement));
            // Right after Spring Security's chain, which authenticates the request.
            registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER + 1);
            return registration;
        }
    }
}
