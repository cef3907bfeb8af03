package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContext;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;

/**
 * The introspection chain's issuer (decision 79) is the one Spring's {@code AuthorizationServerContextFilter} sets, for
 * every shape of request: schemes, ports, host names and addresses, other paths, another dispatch, a configured issuer,
 * an endpoint path that holds another endpoint's.
 */
class IntrospectionIssuerTest {
    private static final AuthorizationServerSettings DEFAULTS = AuthorizationServerSettings.builder().build();

    @Test
    void theIssuerIsSpringsForEverySchemePortAndHost() throws Exception {
        String[][] shapes = {
                {"http", "localhost", "8080"}, {"http", "localhost", "80"}, {"http", "127.0.0.1", "443"},
                {"https", "lanyard.example", "443"}, {"https", "lanyard.example", "8443"}, {"https", "Lanyard.EXAMPLE", "80"},
                {"HTTP", "localhost", "80"}, {"HTTPS", "localhost", "443"}, {"http", "[::1]", "9000"}, {"https", "[::1]", "443"},
                {"http", "10.0.0.7", "1"}, {"http", "lanyard.example.", "65535"}, {"ftp", "localhost", "21"}};
        for (String[] shape : shapes) {
            MockHttpServletRequest request = introspect("/oauth2/introspect");
            request.setScheme(shape[0]);
            request.setServerName(shape[1]);
            request.setServerPort(Integer.parseInt(shape[2]));
            String springs = issuerSeen(springs(DEFAULTS), request);
            assertThat(springs).as(String.join(" ", shape)).isNotNull();
            assertThat(issuerSeen(new IntrospectionIssuer(springs(DEFAULTS), DEFAULTS), request)).as(String.join(" ", shape)).isEqualTo(springs);
        }
    }

    @Test
    void everyOtherRequestIsSpringsFilterAnswer() throws Exception {
        MockHttpServletRequest underAContextPath = introspect("/auth/oauth2/introspect");
        MockHttpServletRequest withAPathParameter = introspect("/oauth2/introspect;v=1");
        MockHttpServletRequest anErrorDispatch = introspect("/oauth2/introspect");
        anErrorDispatch.setDispatcherType(DispatcherType.ERROR);
        for (MockHttpServletRequest request : new MockHttpServletRequest[] {underAContextPath, withAPathParameter, anErrorDispatch}) {
            assertThat(issuerSeen(new IntrospectionIssuer(springs(DEFAULTS), DEFAULTS), request)).as(request.getRequestURI())
                    .isEqualTo(issuerSeen(springs(DEFAULTS), request));
        }
        assertThat(issuerSeen(springs(DEFAULTS), underAContextPath)).isEqualTo("http://localhost:8080/auth");
    }

    /** Lanyard served at a path ({@code server.servlet.context-path}): the endpoint is its own path after it, the issuer ends with it. */
    @Test
    void underLanyardsOwnPathTheIssuerEndsWithItAsSpringsDoes() throws Exception {
        MockHttpServletRequest request = introspect("/lanyard/oauth2/introspect");
        request.setContextPath("/lanyard");
        Filter shortcut = new IntrospectionIssuer(new NoSpring(), DEFAULTS);
        assertThat(issuerSeen(shortcut, request)).isEqualTo(issuerSeen(springs(DEFAULTS), request)).isEqualTo("http://localhost:8080/lanyard");
    }

    /** A filter that fails the test if it runs: the request was the shortcut's to answer. */
    private static final class NoSpring implements Filter {
        @Override
        public void doFilter(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response, jakarta.servlet.FilterChain chain) {
            throw new AssertionError("Spring's filter ran for " + ((jakarta.servlet.http.HttpServletRequest) request).getRequestURI());
        }
    }

    @Test
    void aConfiguredIssuerAndAnEndpointHoldingAnotherAreSprings() throws Exception {
        AuthorizationServerSettings configured = AuthorizationServerSettings.builder().issuer("https://id.example").build();
        AuthorizationServerSettings nested = AuthorizationServerSettings.builder().tokenIntrospectionEndpoint("/oauth2/token/introspect").build();
        MockHttpServletRequest request = introspect("/oauth2/introspect");
        assertThat(issuerSeen(new IntrospectionIssuer(springs(configured), configured), request)).isEqualTo("https://id.example");
        MockHttpServletRequest nestedRequest = introspect("/oauth2/token/introspect");
        assertThat(issuerSeen(new IntrospectionIssuer(springs(nested), nested), nestedRequest))
                .isEqualTo(issuerSeen(springs(nested), nestedRequest));
    }

    @Test
    void itStandsInForSpringsFilterOnlyAndSetsNoContextAfterTheRequest() throws Exception {
        Filter spring = springs(DEFAULTS);
        assertThat(IntrospectionIssuer.inPlaceOf(spring, DEFAULTS)).isInstanceOfSatisfying(IntrospectionIssuer.class,
                issuer -> assertThat(issuer.spring()).isSameAs(spring));
        Filter other = (request, response, chain) -> chain.doFilter(request, response);
        assertThat(IntrospectionIssuer.inPlaceOf(other, DEFAULTS)).isSameAs(other);

        issuerSeen(new IntrospectionIssuer(spring, DEFAULTS), introspect("/oauth2/introspect"));
        assertThat(AuthorizationServerContextHolder.getContext()).isNull();
    }

    private static MockHttpServletRequest introspect(String uri) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", uri);
        request.setServerName("localhost");
        request.setServerPort(8080);
        return request;
    }

    /** The issuer the rest of the chain sees through {@code filter}, or null if it set none. */
    private static String issuerSeen(Filter filter, MockHttpServletRequest request) throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        filter.doFilter(request, new MockHttpServletResponse(), (req, res) -> {
            AuthorizationServerContext context = AuthorizationServerContextHolder.getContext();
            seen.set(context == null ? null : context.getIssuer());
        });
        return seen.get();
    }

    /** Spring's own filter, made as the configurer makes it. */
    private static Filter springs(AuthorizationServerSettings settings) throws Exception {
        Constructor<?> made = Class.forName(IntrospectionIssuer.SPRINGS).getDeclaredConstructor(AuthorizationServerSettings.class);
        made.setAccessible(true);
        return (Filter) made.newInstance(settings);
    }
}
