package dev.lanyard.apps;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import dev.lanyard.ControlCharacters;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * RFC 6749 §3.2: request parameters must not be included more than once. A request to the token,
 * introspection or revocation endpoint with any parameter repeated (in the form, or in the form and the
 * query: {@link FormParameters}) is answered {@code 400 invalid_request} before its client is authenticated. Spring's own
 * converters check a few parameters only: a repeated {@code code} reached the code verifier as a list
 * and failed there with a 500 (outside review S). RFC 6749 §2.3 in the same step: a client must not use more than one
 * authentication method in a request, so HTTP Basic with a {@code client_secret} in the form is refused the same way.
 *
 * <p>RFC 6749 §3.2 also: a parameter sent without a value is taken as left out. The request passes on without such
 * parameters, so an empty one is answered as a missing one: Spring's client authentication looked an empty {@code code} up
 * ({@code invalid_grant}), took an empty {@code grant_type} for an unsupported one and a public app's empty
 * {@code code_verifier} for no client authentication (outside review), where each left out is {@code invalid_request},
 * or for the verifier {@code invalid_grant} (decision 70).
 *
 * <p>RFC 6749 §3.1 says the same of the authorization request: {@link #atAuthorize}.
 */
final class RepeatedParameters implements Filter {
    private final RequestMatcher endpoints;

    /** {@code endpoints}: the requests checked (the token, introspection and revocation endpoints). */
    RepeatedParameters(RequestMatcher endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        if (!endpoints.matches(request)) {
            chain.doFilter(req, res);
            return;
        }
        String refused = repeated(request.getParameterMap());
        HttpServletRequest given = withoutEmpty(request);
        if (refused == null) refused = twoMethods(given);
        if (refused == null) {
            chain.doFilter(given, res);
            return;
        }
        EndpointErrors.refuse((HttpServletResponse) res, refused);
    }

    /**
     * The parameters of an authorization request (OAuth 2.0, PKCE, OpenID Connect Core 3.1.2.1) that may be given once.
     * Spring's converter refuses the first eight repeated, but only when the first value is not empty, and takes every
     * other one as it comes: a repeated {@code nonce} or {@code max_age} was taken silently (outside review).
     */
    static final List<String> ONCE_AT_AUTHORIZE = List.of("response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge",
            "code_challenge_method", "prompt", "nonce", "max_age", "response_mode", "display", "ui_locales", "claims_locales",
            "id_token_hint", "login_hint", "acr_values", "claims", "registration");

    /**
     * Spring's converter of authorization requests, then a refusal of any of {@link #ONCE_AT_AUTHORIZE} given more than
     * once. It is refused in the form Spring refuses a repeated {@code state} (an {@code invalid_request} naming the
     * parameter, before the client is read), so that {@link AuthorizeErrors} sends it back to the app when the client and
     * redirect URI are known and valid, and shows Lanyard's page otherwise, and {@link AuthorizeRefusals} says it in words.
     */
    static AuthenticationConverter atAuthorize(AuthenticationConverter spring) {
        return request -> {
            Authentication asked = spring.convert(request);
            // Null for anything but an authorization request: the consent form's post, whose scope is one field per scope.
            if (asked == null) return null;
            for (String name : ONCE_AT_AUTHORIZE) {
                String[] values = request.getParameterValues(name);
                if (values != null && values.length > 1) {
                    throw new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                            AuthorizeRefusals.SPRINGS + name, AUTHORIZE_ERROR_URI), null);
                }
            }
            return asked;
        };
    }

    /** Where Spring's refusals of an authorization request's parameters point. */
    private static final String AUTHORIZE_ERROR_URI = "https://datatracker.ietf.org/doc/html/rfc6749#section-4.1.2.1";

    /** Why a request whose parameters are all given once is refused before its client is authenticated, or null. */
    private static String twoMethods(HttpServletRequest request) {
        if (EndpointErrors.basic(request) && request.getParameter("client_secret") != null)
            return "The client authenticated twice: use HTTP Basic or client_secret in the form, not both.";
        return null;
    }

    /** Why the request is refused for a parameter with more than one value, or null. */
    private static String repeated(Map<String, String[]> parameters) {
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            if (parameter.getValue().length <= 1) continue;
            String name = parameter.getKey();
            return ControlCharacters.plainName(name) ? "The parameter " + name + " is included more than once."
                    : "A parameter is included more than once.";
        }
        return null;
    }

    /**
     * {@code request} without the parameters it sent with an empty value; itself when there is none (the common case,
     * introspection's among them, passes on unwrapped). Its parameters are given once each.
     */
    static HttpServletRequest withoutEmpty(HttpServletRequest request) {
        Map<String, String[]> all = request.getParameterMap();
        boolean anyEmpty = false;
        for (String[] values : all.values()) anyEmpty |= empty(values);
        if (!anyEmpty) return request;
        Map<String, String[]> kept = new LinkedHashMap<>(all);
        kept.values().removeIf(RepeatedParameters::empty);
        return FormParameters.given(request, kept, request.getQueryString());
    }

    private static boolean empty(String[] values) {
        for (String value : values) {
            if (!value.isEmpty()) return false;
        }
        return values.length > 0;
    }
}
