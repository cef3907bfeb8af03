package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import dev.lanyard.session.SessionFilter;
import dev.lanyard.web.LanyardSpringTest;
import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContext;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.web.OAuth2ClientAuthenticationFilter;
import org.springframework.security.oauth2.server.authorization.web.OAuth2TokenEndpointFilter;
import org.springframework.security.oauth2.server.authorization.web.OAuth2TokenIntrospectionEndpointFilter;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.ExceptionTranslationFilter;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.header.HeaderWriterFilter;

/**
 * Token introspection's own chain: the authorization server chain's filters, the same instances in
 * the same order, less those that never act on an introspection request. Each one left out is shown
 * to pass such a request on untouched; what the chain answers is tested over HTTP in
 * {@link OAuthFlowTest}.
 */
@LanyardSpringTest
class IntrospectionChainTest {
    @Autowired
    List<SecurityFilterChain> chains;
    @Autowired
    @Qualifier("authorizationServerChain")
    SecurityFilterChain server;
    @Autowired
    @Qualifier("introspectionChain")
    SecurityFilterChain introspection;
    @Autowired
    AuthorizationServerSettings settings;

    private static MockHttpServletRequest introspect() {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/oauth2/introspect");
        request.setServletPath("/oauth2/introspect");
        request.setContentType("application/x-www-form-urlencoded");
        request.addHeader("Authorization", "Basic YXBwOnNlY3JldA==");
        request.addParameter("token", "an-access-token");
        return request;
    }

    private SecurityFilterChain chainFor(MockHttpServletRequest request) {
        return chains.stream().filter(c -> c.matches(request)).findFirst().orElseThrow();
    }

    @Test
    void anIntrospectionRequestGetsItsOwnChainAndNothingElseDoes() {
        assertThat(chainFor(introspect())).isSameAs(introspection);
        for (String[] other : new String[][] {{"GET", "/oauth2/introspect"}, {"POST", "/oauth2/introspect/"}, {"POST", "/oauth2/token"},
                {"POST", "/oauth2/revoke"}, {"GET", "/oauth2/authorize"}, {"GET", "/userinfo"}}) {
            MockHttpServletRequest request = new MockHttpServletRequest(other[0], other[1]);
            request.setServletPath(other[1]);
            assertThat(chainFor(request)).as(other[0] + " " + other[1]).isNotSameAs(introspection);
        }
    }

    /** The introspection chain's filters, with Spring's context filter in place of {@link IntrospectionIssuer} (decision 79). */
    private List<Filter> kept() {
        return introspection.getFilters().stream().map(f -> f instanceof IntrospectionIssuer issuer ? issuer.spring() : f).toList();
    }

    @Test
    void itKeepsTheFullChainsFiltersInOrderLessTheOtherEndpointsAndCsrf() {
        List<Filter> kept = kept();
        List<Filter> all = server.getFilters();
        assertThat(all).containsSubsequence(kept);
        assertThat(kept).extracting(Filter::getClass).<Class<?>>map(c -> c)
                .contains(HeaderWriterFilter.class, SessionFilter.class, OAuth2ClientAuthenticationFilter.class,
                        BearerTokenAuthenticationFilter.class, ExceptionTranslationFilter.class, AuthorizationFilter.class,
                        OAuth2TokenIntrospectionEndpointFilter.class)
                .doesNotContain(CsrfFilter.class, OAuth2TokenEndpointFilter.class);
        assertThat(all.size() - kept.size()).as("filters left out").isGreaterThanOrEqualTo(10);
        assertThat(introspection.getFilters()).filteredOn(IntrospectionIssuer.class::isInstance).hasSize(1);
        assertThat(introspection.getFilters()).extracting(f -> f.getClass().getName()).doesNotContain(IntrospectionIssuer.SPRINGS);
        assertThat(all).extracting(f -> f.getClass().getName()).contains(IntrospectionIssuer.SPRINGS);
    }

    /** The shortcut (decision 44) runs after the headers and the session filter, before client authentication. */
    @Test
    void theShortcutRunsAfterTheHeadersAndTheSessionFilterAndBeforeClientAuthentication() {
        List<Class<?>> kept = introspection.getFilters().stream().<Class<?>>map(Object::getClass).toList();
        int shortcut = kept.indexOf(IntrospectionShortcut.class);
        assertThat(shortcut).isPositive()
                .isGreaterThan(kept.indexOf(HeaderWriterFilter.class))
                .isGreaterThan(kept.indexOf(SessionFilter.class))
                .isLessThan(kept.indexOf(OAuth2ClientAuthenticationFilter.class));
    }

    @Test
    void everyFilterLeftOutPassesAnIntrospectionRequestOnUntouched() throws Exception {
        List<Filter> left = new ArrayList<>(server.getFilters());
        left.removeAll(kept());
        assertThat(left).isNotEmpty().allMatch(AuthorizationServerConfiguration::elsewhere);
        // What the chain's AuthorizationServerContextFilter, which runs before all of them, sets.
        AuthorizationServerContextHolder.setContext(new AuthorizationServerContext() {
            @Override
            public String getIssuer() {
                return "http://localhost";
            }

            @Override
            public AuthorizationServerSettings getAuthorizationServerSettings() {
                return settings;
            }
        });
        try {
            for (Filter filter : left) passesOn(filter);
        } finally {
            AuthorizationServerContextHolder.resetContext();
        }
    }

    private static void passesOn(Filter filter) throws Exception {
        MockHttpServletRequest request = introspect();
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain next = new MockFilterChain();
        filter.doFilter(request, response, next);

        assertThat(next.getRequest()).as(filter.getClass().getName()).isNotNull();
        assertThat(response.getStatus()).as(filter.getClass().getName()).isEqualTo(200);
        assertThat(response.getHeaderNames()).as(filter.getClass().getName()).isEmpty();
        assertThat(response.isCommitted()).as(filter.getClass().getName()).isFalse();
    }
}
