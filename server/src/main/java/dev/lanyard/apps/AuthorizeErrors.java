package dev.lanyard.apps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import dev.lanyard.Problem;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.Sessions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.util.StringUtils;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * Answers a refused authorization request. The error goes back to the app's redirect URI (RFC 6749 §4.1.2.1,
 * as Spring's own answer writes it, with the issuer as RFC 9207 has every authorization response name it) only when a member of the app's team is signed in to Lanyard in this
 * browser. Anyone can sign up, run a team and register an app with any https address, so sending everyone
 * else there (a made-up scope, a member of another team, {@code prompt=none} while signed out) would make a
 * link to Lanyard a redirector to any site (RFC 9700 §4.11.2). They get Lanyard's error page instead, which
 * says what was refused (decision 52).
 */
final class AuthorizeErrors implements AuthenticationFailureHandler {
    private final RegisteredClientRepository clients;
    private final Sessions sessions;

    AuthorizeErrors(RegisteredClientRepository clients, Sessions sessions) {
        this.clients = clients;
        this.sessions = sessions;
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
            throws IOException {
        OAuth2Error raw = ((OAuth2AuthenticationException) exception).getError();
        OAuth2AuthorizationCodeRequestAuthenticationToken asked = exception instanceof OAuth2AuthorizationCodeRequestAuthenticationException e
                ? e.getAuthorizationCodeRequestAuthentication() : null;
        if (asked == null) asked = readBeforeTheClient(request, raw).orElse(null);
        OAuth2Error error = AuthorizeRefusals.described(deniedInWords(request, raw), asked == null ? Set.of() : asked.getScopes(),
                asked == null ? null : clients.findByClientId(asked.getClientId()));
        if (asked != null && StringUtils.hasText(asked.getRedirectUri()) && teamMemberSignedIn(asked)) {
            UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(asked.getRedirectUri()).queryParam("error", error.getErrorCode());
            if (StringUtils.hasText(error.getDescription()))
                uri.queryParam("error_description", UriUtils.encode(error.getDescription(), StandardCharsets.UTF_8));
            if (StringUtils.hasText(error.getUri())) uri.queryParam("error_uri", UriUtils.encode(error.getUri(), StandardCharsets.UTF_8));
            if (StringUtils.hasText(asked.getState())) uri.queryParam("state", UriUtils.encode(asked.getState(), StandardCharsets.UTF_8));
            response.sendRedirect(AuthorizeResponses.issued(uri).build(true).toUriString());
            return;
        }
        request.setAttribute(Problem.ERROR_PAGE_MESSAGE, "The app's sign-in request was refused (" + error.getErrorCode() + "): "
                + why(error));
        response.sendError(HttpStatus.BAD_REQUEST.value());
    }

    /**
     * The request of an error Spring's converter found before it read the client and the redirect URI ({@code
     * response_type=token}, a repeated {@code state}, …), which it answers with no request at all, so the error could
     * only be shown on Lanyard's page; so are Lanyard's own refusals made there (a parameter given twice, a
     * {@code request_uri}). RFC 6749 §4.1.2.1 sends every error but a missing or wrong client or redirect URI
     * back to the app: read here as the converter and the redirect URI checks would (a registered URI, exactly,
     * or any port on a loopback address, {@link LoopbackRedirects}; the only one when none is given without {@code openid}), for a request that
     * names exactly one of each. Who it then goes back to is decided as for any other error ({@link #teamMemberSignedIn}).
     * Empty for anything else, the consent post among them.
     */
    private java.util.Optional<OAuth2AuthorizationCodeRequestAuthenticationToken> readBeforeTheClient(HttpServletRequest request, OAuth2Error error) {
        boolean consentPost = "POST".equals(request.getMethod()) && request.getParameter(OAuth2ParameterNames.RESPONSE_TYPE) == null;
        String description = error.getDescription();
        if (consentPost || description == null || !description.startsWith(AuthorizeRefusals.SPRINGS)
                || !READ_BEFORE_THE_CLIENT.contains(description.substring(AuthorizeRefusals.SPRINGS.length()))) {
            return java.util.Optional.empty();
        }
        String clientId = single(request, OAuth2ParameterNames.CLIENT_ID);
        String[] redirects = request.getParameterValues(OAuth2ParameterNames.REDIRECT_URI);
        RegisteredClient client = clientId == null ? null : clients.findByClientId(clientId);
        Authentication principal = SecurityContextHolder.getContext().getAuthentication();
        if (client == null || principal == null || redirects != null && redirects.length != 1) return java.util.Optional.empty();
        String redirect = StringUtils.hasText(redirects == null ? null : redirects[0]) ? redirects[0] : null;
        String scope = single(request, OAuth2ParameterNames.SCOPE);
        // A scope named twice is one scope, as Spring reads it (Set.of would throw).
        Set<String> scopes = scope == null ? Set.of() : new java.util.LinkedHashSet<>(java.util.Arrays.asList(StringUtils.tokenizeToStringArray(scope, " ")));
        String state = single(request, OAuth2ParameterNames.STATE);
        OAuth2AuthorizationCodeRequestAuthenticationToken read = new OAuth2AuthorizationCodeRequestAuthenticationToken(
                request.getRequestURL().toString(), clientId, principal, redirect, state, scopes, java.util.Map.of());
        try {
            LoopbackRedirects.redirectUri().accept(
                    OAuth2AuthorizationCodeRequestAuthenticationContext.with(read).registeredClient(client).build());
        } catch (OAuth2AuthenticationException wrongRedirect) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new OAuth2AuthorizationCodeRequestAuthenticationToken(read.getAuthorizationUri(), clientId, principal,
                redirect != null ? redirect : client.getRedirectUris().iterator().next(), state, scopes, java.util.Map.of()));
    }

    /**
     * The parameters refused before the client and redirect URI are known, by Spring's converter or Lanyard's steps
     * around it ({@link RepeatedParameters#atAuthorize}, {@link UnsupportedRequests#noRequestUris}): refusals of them can
     * go back. All but the client and the redirect URI themselves.
     */
    private static final Set<String> READ_BEFORE_THE_CLIENT = java.util.stream.Stream.concat(RepeatedParameters.ONCE_AT_AUTHORIZE.stream()
                    .filter(name -> !name.equals(OAuth2ParameterNames.CLIENT_ID) && !name.equals(OAuth2ParameterNames.REDIRECT_URI)),
            java.util.stream.Stream.of(OAuth2ParameterNames.REQUEST_URI)).collect(java.util.stream.Collectors.toUnmodifiableSet());

    /** The parameter's one non-empty value; null when it is absent, empty or repeated. */
    private static String single(HttpServletRequest request, String name) {
        String[] values = request.getParameterValues(name);
        return values != null && values.length == 1 && StringUtils.hasText(values[0]) ? values[0] : null;
    }

    /**
     * The consent form's Deny: Spring's access_denied describes it as "OAuth 2.0 Parameter: client_id" (the parameter it
     * checked last); the app is told what happened instead. Only the consent post (no response_type) denies.
     */
    private static OAuth2Error deniedInWords(HttpServletRequest request, OAuth2Error error) {
        boolean consentPost = "POST".equals(request.getMethod()) && request.getParameter("response_type") == null;
        return consentPost && "access_denied".equals(error.getErrorCode())
                ? new OAuth2Error(error.getErrorCode(), "The member denied access.", null) : error;
    }

    /** The refusal in words a person reads; Spring's own descriptions name only the parameter at fault. */
    private static String why(OAuth2Error error) {
        String described = StringUtils.hasText(error.getDescription()) ? error.getDescription() : "";
        String sentence = switch (error.getErrorCode()) {
            case "invalid_scope" -> "the app asked for access it may not ask for.";
            case "login_required" -> "you are not signed in to Lanyard, and the app asked not to show a sign-in page.";
            case "unauthorized_client" -> "the app is not allowed to sign people in this way.";
            case "invalid_request" -> "the request is incomplete or malformed." + (described.isEmpty() ? "" : " " + described);
            case "unsupported_response_type" -> "the app asked for a kind of answer Lanyard does not give." + (described.isEmpty() ? "" : " " + described);
            default -> described.isEmpty() ? "no reason was given." : described;
        };
        return sentence.endsWith(".") ? sentence : sentence + ".";
    }

    /** Whether the request is made by a member of the app's team, signed in to Lanyard in this browser. */
    private boolean teamMemberSignedIn(OAuth2AuthorizationCodeRequestAuthenticationToken asked) {
        if (!(asked.getPrincipal() instanceof Authentication user) || user instanceof AnonymousAuthenticationToken
                || !user.isAuthenticated() || !(user.getPrincipal() instanceof CurrentSession member)
                || !AuthorizeChecks.browserSignIn(user, sessions)) {
            return false;
        }
        RegisteredClient client = clients.findByClientId(asked.getClientId());
        return client != null && member.account().team().value().equals(LanyardRegisteredClients.team(client));
    }
}
