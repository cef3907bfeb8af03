package dev.lanyard.apps;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.ClientSecretAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationToken;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.StringUtils;

/**
 * The common introspection request answered by the authorization server's own providers, without the
 * rest of its chain (decision 44): client secret basic in its plain form, no query string, and only
 * {@code token} (once) and {@code token_type_hint} (at most once) in the form. The client is
 * authenticated by the chain's own {@link ClientSecretAuthenticationProvider} (Lanyard's hashed
 * secrets, the allowed methods, the secret's expiry), the token introspected by the chain's own
 * {@link OAuth2TokenIntrospectionAuthenticationProvider} (within the caller's team, {@link TeamIntrospection}), and the answer written by the endpoint's
 * own {@link IntrospectionResponse}, exactly as the endpoint filter would after them.
 *
 * <p>Anything else, and any refusal (an unknown client, a wrong secret, a malformed header or form),
 * is passed on untouched to the rest of the chain, which answers it as before: every error stays
 * Spring's. A refused request therefore authenticates its client twice (a SHA-256 hash); an accepted
 * one skips the client authentication, bearer token, exception translation, authorization and
 * endpoint filters, each of which would only have passed it on to the next (bench/RESULTS.md, issue 13).
 */
final class IntrospectionShortcut implements Filter {
    private static final Set<String> PARAMETERS = Set.of(OAuth2ParameterNames.TOKEN, OAuth2ParameterNames.TOKEN_TYPE_HINT);

    private final ClientSecretBasic basic = new ClientSecretBasic();
    private final RequestMatcher endpoint;
    private final IntrospectionResponse answer;
    private volatile AuthenticationProvider clients;
    private volatile AuthenticationProvider tokens;

    /** {@code endpoint}: the introspection request (the authorization server chain also serves the others). */
    IntrospectionShortcut(RequestMatcher endpoint, IntrospectionResponse answer) {
        this.endpoint = endpoint;
        this.answer = answer;
    }

    /** The authorization server chain's own client secret provider, given while the chain is built. */
    void clients(ClientSecretAuthenticationProvider provider) {
        this.clients = provider;
    }

    /** The chain's own introspection provider, given while the chain is built; returned, to be put in the chain. */
    AuthenticationProvider tokens(TeamIntrospection provider) {
        this.tokens = provider;
        return provider;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        Authentication introspected = common(request) ? introspect(request) : null;
        if (introspected == null) {
            chain.doFilter(req, res);
            return;
        }
        answer.onAuthenticationSuccess(request, (HttpServletResponse) res, introspected);
    }

    /** The request's shape is the one the endpoint filter accepts without question, with client secret basic. */
    private boolean common(HttpServletRequest request) {
        if (clients == null || tokens == null || request.getQueryString() != null || !endpoint.matches(request)) return false;
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !ClientSecretBasic.plain(header)) return false;
        Map<String, String[]> parameters = request.getParameterMap();
        if (!PARAMETERS.containsAll(parameters.keySet())) return false;
        String[] token = parameters.get(OAuth2ParameterNames.TOKEN);
        String[] hint = parameters.get(OAuth2ParameterNames.TOKEN_TYPE_HINT);
        return token != null && token.length == 1 && StringUtils.hasText(token[0]) && (hint == null || hint.length == 1);
    }

    /** The providers' result, or null when either refuses: the rest of the chain then answers the refusal. */
    private Authentication introspect(HttpServletRequest request) {
        try {
            if (!(basic.convert(request) instanceof OAuth2ClientAuthenticationToken presented) || !visible(presented.getPrincipal().toString())) {
                return null;
            }
            Authentication client = clients.authenticate(presented);
            if (client == null || !client.isAuthenticated()) return null;
            return tokens.authenticate(new OAuth2TokenIntrospectionAuthenticationToken(request.getParameter(OAuth2ParameterNames.TOKEN),
                    client, request.getParameter(OAuth2ParameterNames.TOKEN_TYPE_HINT), Map.of()));
        } catch (RuntimeException refused) {
            // An AuthenticationException, or one of Spring's assertions: the chain meets it again and answers it.
            return null;
        }
    }

    /** A client id of visible ASCII and spaces (OAuth 2.1 appendix A.1), as the client authentication filter checks it. */
    private static boolean visible(String clientId) {
        for (int i = 0; i < clientId.length(); i++) {
            char c = clientId.charAt(i);
            if (c < 32 || c > 126) return false;
        }
        return true;
    }
}
