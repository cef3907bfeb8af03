package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.lanyard.session.SessionFilter;
import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.session.DisableEncodeUrlFilter;
import org.springframework.security.web.session.SessionManagementFilter;
import org.springframework.web.context.WebApplicationContext;

/**
 * Which security chain a request gets (Spring Security takes the first whose matcher accepts it):
 * the API's own, without the CSRF token it never used; the pages', with it; Shared Signals'
 * receivers under {@code /api/v1/ssf}, their own and not the API's. What each chain does is tested
 * by the requests of {@link ApiRequestGuardTest}, {@link HttpFlowTest} and the signals tests.
 */
@LanyardSpringTest
class SecurityChainsTest {
    @Autowired
    List<SecurityFilterChain> chains;

    @Autowired
    WebApplicationContext context;

    private SecurityFilterChain chainOf(MockHttpServletRequest request) {
        return chains.stream().filter(c -> c.matches(request)).findFirst().orElseThrow();
    }

    private List<Class<?>> filtersOf(String method, String path) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        request.setServletPath(path);
        return chainOf(request).getFilters().stream().map(Filter::getClass).<Class<?>>map(c -> c).toList();
    }

    @Test
    void anApiRequestIsAuthenticatedAuthorizedAndGuardedWithoutACsrfToken() {
        for (String path : List.of("/api/v1/sessions/current", "/api/v1/logout", "/api/v1/admin/sessions/sign-out")) {
            assertThat(filtersOf("POST", path)).as(path)
                    .contains(SessionFilter.class, HeaderWriterFilter.class, AuthorizationFilter.class, ApiRequestGuard.class)
                    .doesNotContain(CsrfFilter.class);
        }
    }

    @Test
    void aPageRequestCarriesACsrfToken() {
        for (String path : List.of("/settings/sessions", "/login", "/admin/sessions")) {
            assertThat(filtersOf("POST", path)).as(path)
                    .contains(SessionFilter.class, HeaderWriterFilter.class, CsrfFilter.class, AuthorizationFilter.class, ApiRequestGuard.class);
        }
    }

    @Test
    void theApiThePagesAndTheAuthorizationServerWriteTheirHeadersBeforeTheRequestGoesOn() throws Exception {
        for (String path : List.of("/api/v1/sessions/current", "/settings/sessions", "/oauth2/introspect", "/oauth2/token")) {
            MockHttpServletRequest request = new MockHttpServletRequest("POST", path);
            request.setServletPath(path);
            Filter headers = chainOf(request).getFilters().stream().filter(HeaderWriterFilter.class::isInstance).findFirst().orElseThrow();
            MockHttpServletResponse response = new MockHttpServletResponse();
            List<Object> passedOn = new java.util.ArrayList<>();

            headers.doFilter(request, response, (req, res) -> {
                passedOn.add(req);
                passedOn.add(res);
                assertThat(response.getHeader("X-Frame-Options")).as(path + ": already written").isEqualTo("DENY");
                assertThat(response.getHeader("Cache-Control")).as(path).contains("no-store");
            });

            // Decision 43: neither is wrapped to catch the commit.
            assertThat(passedOn).as(path).containsExactly(request, response);
        }
    }

    /**
     * Decision 46: the API's and the pages' chains leave out session management's two filters, as
     * there is no servlet session for them to guard: the container tracks none (no cookie, no URL
     * rewriting), so a session id can be neither fixed, expired nor written into a link.
     */
    @Test
    void theStatelessChainsNeedNoSessionFiltersAsTheContainerTracksNoSession() {
        assertThat(context.getServletContext().getEffectiveSessionTrackingModes()).isEmpty();
        for (String path : List.of("/api/v1/sessions/current", "/settings/sessions")) {
            assertThat(filtersOf("GET", path)).as(path).doesNotContain(SessionManagementFilter.class, DisableEncodeUrlFilter.class);
        }
    }

    /**
     * Decision 46: the session filter and the request guard act on the request dispatch and pass an
     * error or async dispatch, or a forward, on untouched, as a {@code OncePerRequestFilter} does. The
     * same request, a cookie POST from another origin with an unknown session cookie, is refused by the
     * guard and has its cookie cleared by the session filter on the request dispatch only.
     */
    @Test
    void theSessionFilterAndTheGuardActOnTheRequestDispatchOnly() throws Exception {
        MockHttpServletRequest probe = new MockHttpServletRequest("POST", "/api/v1/sessions/current");
        probe.setServletPath("/api/v1/sessions/current");
        List<Filter> filters = chainOf(probe).getFilters().stream()
                .filter(f -> f instanceof SessionFilter || f instanceof ApiRequestGuard).toList();
        assertThat(filters).hasSize(2);
        for (Filter filter : filters) {
            for (jakarta.servlet.DispatcherType type : jakarta.servlet.DispatcherType.values()) {
                MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/sessions/current");
                request.setServletPath("/api/v1/sessions/current");
                request.setDispatcherType(type);
                request.addHeader("Origin", "https://elsewhere.example");
                request.setCookies(new jakarta.servlet.http.Cookie(ApiClient.COOKIE, "not-a-session"));
                request.setContentType("text/plain");
                request.setContent("x".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                MockHttpServletResponse response = new MockHttpServletResponse();
                List<Object> passedOn = new java.util.ArrayList<>();

                filter.doFilter(request, response, (req, res) -> passedOn.add(req));

                String what = filter.getClass().getSimpleName() + ", " + type;
                boolean acts = type == jakarta.servlet.DispatcherType.REQUEST;
                if (filter instanceof ApiRequestGuard) {
                    assertThat(response.getStatus()).as(what).isEqualTo(acts ? 403 : 200);
                    assertThat(passedOn).as(what).hasSize(acts ? 0 : 1);
                } else {
                    assertThat(response.getHeader("Set-Cookie")).as(what).satisfies(cookie -> {
                        if (acts) assertThat(cookie).startsWith(ApiClient.COOKIE + "=;").contains("Max-Age=0");
                        else assertThat(cookie).isNull();
                    });
                    assertThat(passedOn).as(what).containsExactly(request);
                }
            }
        }
    }

    /** Decision 46: the dispatcher exposes the request and its locale to what reads them; no filter does it before. */
    @Test
    void theContainerRunsNoRequestContextFilter() {
        var filterClasses = context.getServletContext().getFilterRegistrations().values().stream()
                .map(jakarta.servlet.FilterRegistration::getClassName).toList();
        assertThat(filterClasses).isNotEmpty().noneMatch(c -> c.contains("RequestContextFilter"));
    }

    @Test
    void sharedSignalsReceiversKeepTheirOwnChain() {
        assertThat(filtersOf("GET", "/api/v1/ssf/status")).doesNotContain(SessionFilter.class, ApiRequestGuard.class);
    }
}
