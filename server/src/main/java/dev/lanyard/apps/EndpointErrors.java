package dev.lanyard.apps;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

/**
 * How the endpoints an app calls answer a refusal, where Spring's answer leaves out what the specifications ask for
 * (outside review S). The status and the JSON error body stay Spring's. Userinfo's are {@link UserInfoErrors}.
 */
final class EndpointErrors {
    /** The realm named to a client that authenticated with HTTP Basic. */
    static final String REALM = "Lanyard";
    private static final HttpMessageConverter<OAuth2Error> ERRORS = new OAuth2ErrorHttpMessageConverter();

    private EndpointErrors() {
    }

    /**
     * A refused client authentication at the token, introspection or revocation endpoint: {@code 401 invalid_client},
     * with {@code WWW-Authenticate: Basic} when the client used HTTP Basic (RFC 6749 §5.2), otherwise {@code 400}; a code
     * exchange naming no client at all as {@link #noClientAuthentication} answers a call without client authentication.
     */
    static AuthenticationFailureHandler clientAuthentication() {
        return (request, response, exception) -> {
            SecurityContextHolder.clearContext();
            if (noClientNamed(request, error(exception))) {
                answerNoClient(response);
                return;
            }
            OAuth2Error error = basicSaidAsSuch(codeSaidAsSuch(error(exception)), request);
            boolean client = OAuth2ErrorCodes.INVALID_CLIENT.equals(error.getErrorCode());
            if (client && basic(request)) response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\"");
            write(response, client ? HttpStatus.UNAUTHORIZED : HttpStatus.BAD_REQUEST, error);
        };
    }

    /**
     * A refused token request: Spring's answer ({@code 400} and the JSON error), with a description where Spring gives
     * none to an {@code invalid_grant}: what the app sent that is not good (RFC 6749 §5.2 {@code error_description});
     * and to an {@code unauthorized_client} asking for client credentials, which only an app with Shared Signals on
     * may use ({@link ClientCredentials}; an outside review: an app whose signals were switched off got the bare code).
     */
    static AuthenticationFailureHandler token() {
        return (request, response, exception) -> {
            if (!(exception instanceof OAuth2AuthenticationException oauth)) {
                response.setStatus(HttpStatus.BAD_REQUEST.value());
                return;
            }
            OAuth2Error error = oauth.getError();
            if (OAuth2ErrorCodes.INVALID_GRANT.equals(error.getErrorCode()) && error.getDescription() == null) {
                String grant = request.getParameter("grant_type");
                if ("authorization_code".equals(grant)) error = new OAuth2Error(error.getErrorCode(),
                        "The authorization code is unknown, expired or already used, or the redirect_uri is not the one its"
                                + " authorization request named.", error.getUri());
                if ("refresh_token".equals(grant)) error = new OAuth2Error(error.getErrorCode(),
                        "The refresh token is unknown, expired or no longer valid: the grant ended, or the token was exchanged already.", error.getUri());
            }
            if (OAuth2ErrorCodes.UNAUTHORIZED_CLIENT.equals(error.getErrorCode()) && error.getDescription() == null
                    && "client_credentials".equals(request.getParameter("grant_type"))) {
                error = new OAuth2Error(error.getErrorCode(), NO_CLIENT_CREDENTIALS, error.getUri());
            }
            write(response, HttpStatus.BAD_REQUEST, error);
        };
    }

    /**
     * The token endpoint's first converter: a grant type discovery does not name ({@link Discovery.Supported#GRANT_TYPES})
     * is {@code unsupported_grant_type}, as Spring answers one it knows nothing of ({@code password}). Spring's own device
     * code and token exchange grants, which no Lanyard app may use, were {@code invalid_grant} and
     * {@code unauthorized_client} with no word (outside review). Null, for the other converters, for every grant named.
     */
    static org.springframework.security.web.authentication.AuthenticationConverter unsupportedGrants() {
        return request -> {
            String grant = request.getParameter(org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames.GRANT_TYPE);
            if (grant == null || Discovery.Supported.GRANT_TYPES.contains(grant)) return null;
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.UNSUPPORTED_GRANT_TYPE,
                    AuthorizeRefusals.SPRINGS + org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames.GRANT_TYPE,
                    TOKEN_ERROR_URI));
        };
    }

    /** Where Spring's refusals at the token endpoint point (RFC 6749 §5.2). */
    private static final String TOKEN_ERROR_URI = "https://datatracker.ietf.org/doc/html/rfc6749#section-5.2";

    /**
     * The scopes a client credentials token may carry: the app's own, which other modules offer ({@link ClientCredentials}:
     * {@code ssf}), never a member's ({@link AppClient#SCOPES}: {@code openid}, {@code profile}, {@code email},
     * {@code offline_access}), and at least one. A token asked for with {@code openid}, or with none, was issued: it stood
     * for no member and introspected as active (outside re-check AQ). Then Spring's own check (registered scopes).
     */
    static void clientCredentialsScopes(org.springframework.security.oauth2.server.authorization.authentication
                                                .OAuth2ClientCredentialsAuthenticationContext context) {
        java.util.Set<String> asked = context.<org.springframework.security.oauth2.server.authorization.authentication
                .OAuth2ClientCredentialsAuthenticationToken>getAuthentication().getScopes();
        if (asked.isEmpty() || asked.stream().anyMatch(AppClient.SCOPES::containsKey)) {
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_SCOPE, "Client credentials give the "
                    + "app's own token, for Shared Signals: ask for scope=ssf. A member's scopes (openid, profile, email, "
                    + "offline_access) come with the authorization code grant.", null));
        }
        org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationValidator
                .DEFAULT_SCOPE_VALIDATOR.accept(context);
    }

    /** Why an app may not use client credentials: the grant serves Shared Signals receivers only. */
    static final String NO_CLIENT_CREDENTIALS = "Shared Signals are off for this app, and the client_credentials grant serves "
            + "Shared Signals receivers only: a team admin turns them on on the app's page in Lanyard (Shared Signals).";

    /**
     * A call to the token, introspection or revocation endpoint that sent no client authentication Lanyard takes (none,
     * or a public app's id where only a secret will do): {@code 401 invalid_client} with the JSON error body and a
     * {@code Basic} challenge (RFC 6749 §5.2; RFC 7009 §2.2.1 and RFC 7662 §2.3 refer to it), where Spring's default
     * answered an empty 401.
     */
    static org.springframework.security.web.AuthenticationEntryPoint noClientAuthentication(
            org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository clients) {
        return (request, response, failure) -> {
            if (publicCodeExchange(request, clients)) {
                // A public app authenticates with its code and PKCE verifier: without one of them it is told of that, not
                // of a secret it does not have (outside re-check AF), as a confidential app is told.
                if (request.getParameter("code") == null) {
                    write(response, HttpStatus.BAD_REQUEST, new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, CODE_REQUIRED, null));
                    return;
                }
                if (request.getParameter("code_verifier") == null) {
                    write(response, HttpStatus.BAD_REQUEST, new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT, WRONG_VERIFIER, null));
                    return;
                }
            }
            answerNoClient(response);
        };
    }

    /** RFC 6749 §5.2's answer to a call without client authentication: {@code 401 invalid_client}, a Basic challenge, the JSON body. */
    private static void answerNoClient(HttpServletResponse response) throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\"");
        write(response, HttpStatus.UNAUTHORIZED, new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, NO_CLIENT, null));
    }

    static final String NO_CLIENT = "Client authentication is required: the app's client_id and client_secret (HTTP Basic or the form), "
            + "or a public app's client_id.";

    /**
     * A code exchange with a PKCE verifier and no client named at all (no {@code Authorization} header, {@code client_id},
     * {@code client_secret} or {@code client_assertion}): Spring's public client converter answers it a bare
     * {@code 400 invalid_request}, which reads as a malformed request; it is a call without client authentication
     * (outside review). Only Spring's bare refusal, never a described one.
     */
    private static boolean noClientNamed(HttpServletRequest request, OAuth2Error error) {
        return OAuth2ErrorCodes.INVALID_REQUEST.equals(error.getErrorCode()) && error.getDescription() == null
                && request.getHeader(HttpHeaders.AUTHORIZATION) == null
                && java.util.stream.Stream.of("client_id", "client_secret", "client_assertion", "client_assertion_type")
                        .allMatch(name -> request.getParameter(name) == null);
    }

    /** A refused introspection request: Spring's answer (400 and the JSON error), its description in words ({@link #inWords}). */
    static AuthenticationFailureHandler introspection() {
        return (request, response, exception) -> write(response, HttpStatus.BAD_REQUEST, error(exception));
    }

    /**
     * A refused revocation. The client is authenticated before the endpoint runs, so {@code invalid_client} here means
     * the token is another app's: RFC 7009 §2.2 has such a request answered {@code 200} with nothing revoked, and the
     * answer no different from an unknown token's (a 400 said the token was live). Any other refusal is Spring's.
     */
    static AuthenticationFailureHandler revocation() {
        return (request, response, exception) -> {
            OAuth2Error error = error(exception);
            if (OAuth2ErrorCodes.INVALID_CLIENT.equals(error.getErrorCode())) {
                response.setStatus(HttpStatus.OK.value());
                return;
            }
            write(response, HttpStatus.BAD_REQUEST, error);
        };
    }

    private static final String WRONG_VERIFIER = "The code_verifier is missing or does not match the code_challenge of the authorization request.";

    private static final String CODE_REQUIRED = "The code parameter is required, once: the authorization code the app received at its redirect URI.";

    /** A code exchange naming a public app by its {@code client_id}, with no secret or header. */
    private static boolean publicCodeExchange(HttpServletRequest request,
                                              org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository clients) {
        if (!"authorization_code".equals(request.getParameter("grant_type"))
                || request.getParameter("client_secret") != null || request.getHeader(HttpHeaders.AUTHORIZATION) != null) return false;
        String clientId = request.getParameter("client_id");
        return clientId != null && !clientId.isBlank() && PublicRevocation.isPublic(clients, clientId);
    }

    private static final String UNKNOWN_CODE = "The authorization code is unknown, expired or already used.";

    /**
     * Spring looks a code up while it checks the PKCE verifier, as part of client authentication, and describes a code it
     * does not find (unknown, expired, used before: a replay ends the grant) as "Client authentication failed: code", where
     * the client authenticated and the code is what failed. An empty code never gets there ({@link RepeatedParameters}).
     */
    private static OAuth2Error codeSaidAsSuch(OAuth2Error error) {
        if (!OAuth2ErrorCodes.INVALID_GRANT.equals(error.getErrorCode()) || !"Client authentication failed: code".equals(error.getDescription())) {
            return error;
        }
        return new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT, UNKNOWN_CODE, null);
    }

    /**
     * Malformed HTTP Basic credentials (not Base64, no colon, an empty id or secret) are Spring's bare
     * {@code invalid_request}: said what is wrong (outside re-check AF: a public app sending {@code id:} got no word).
     */
    private static OAuth2Error basicSaidAsSuch(OAuth2Error error, HttpServletRequest request) {
        if (!OAuth2ErrorCodes.INVALID_REQUEST.equals(error.getErrorCode()) || error.getDescription() != null || !basic(request)) return error;
        return new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, "The Basic credentials are malformed: send client_id:client_secret, "
                + "each URL-encoded, in Base64, with neither empty (a public app sends no Authorization header, only client_id).", null);
    }

    /** The OAuth error a refusal carries; any other refusal as {@code invalid_request} with its message. */
    static OAuth2Error error(AuthenticationException exception) {
        return exception instanceof OAuth2AuthenticationException oauth ? oauth.getError()
                : new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, exception.getMessage(), null);
    }

    /** Whether the request authenticates with HTTP Basic ({@code Authorization: Basic …}, the scheme in any case). */
    static boolean basic(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        return header != null && header.regionMatches(true, 0, "Basic ", 0, 6);
    }

    /**
     * Answers {@code 400 invalid_request} with {@code description} and {@code Cache-Control: no-store}, as every refusal
     * at these endpoints is (RFC 6749 §5.2, RFC 7662 §2.3, RFC 7009 §2.2.1). {@code description} must hold only the
     * characters RFC 6749 §5.2 allows in an {@code error_description} (printable ASCII but {@code "} and {@code \}).
     */
    static void refuse(HttpServletResponse response, String description) throws IOException {
        refuse(response, HttpStatus.BAD_REQUEST, description);
    }

    /** As {@link #refuse(HttpServletResponse, String)}, with another status: a {@code 415} for a body not sent as it can be read. */
    static void refuse(HttpServletResponse response, HttpStatus status, String description) throws IOException {
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        write(response, status, new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, description, null));
    }

    /** Writes {@code error} as the OAuth JSON error body with {@code status}. */
    static void write(HttpServletResponse servlet, HttpStatus status, OAuth2Error error) throws IOException {
        ServletServerHttpResponse response = new ServletServerHttpResponse(servlet);
        response.setStatusCode(status);
        ERRORS.write(inWords(error), null, response);
    }

    /**
     * Spring's descriptions at the token, introspection and revocation endpoints name only what failed ("OAuth 2.0
     * Parameter: grant_type", "Client authentication failed: client_secret"): said as sentences, each with what is
     * expected (outside re-check AQ). Client authentication is one sentence for an unknown id and a wrong secret alike.
     */
    static OAuth2Error inWords(OAuth2Error error) {
        String description = error.getDescription();
        if (description == null) return error;
        String sentence = null;
        if (description.equals("Client authentication failed: code_verifier")) {
            sentence = WRONG_VERIFIER;
        } else if (description.startsWith("Client authentication failed: ")) {
            sentence = "Client authentication failed: the client_id or client_secret is not right, or the app may not "
                    + "authenticate this way (a public app sends only its client_id).";
        } else if (description.equals("OAuth 2.0 Token Introspection Parameter: token")) {
            sentence = "The token parameter is required, once: the access or refresh token to introspect.";
        } else if (description.equals("OAuth 2.0 Token Revocation Parameter: token")) {
            sentence = "The token parameter is required, once: the access or refresh token to revoke.";
        } else if (description.startsWith("OAuth 2.0 Token Introspection Parameter: ") || description.startsWith("OAuth 2.0 Token Revocation Parameter: ")) {
            String parameter = description.substring(description.lastIndexOf(": ") + 2);
            sentence = "The " + parameter + " parameter may be given once, with a value this endpoint takes.";
        } else if (description.startsWith(AuthorizeRefusals.SPRINGS)) {
            String parameter = description.substring(AuthorizeRefusals.SPRINGS.length());
            sentence = switch (parameter) {
                case "grant_type" -> "The grant_type is required, once, and must be authorization_code, refresh_token or "
                        + "client_credentials (for an app's Shared Signals).";
                case "code" -> CODE_REQUIRED;
                case "refresh_token" -> "The refresh_token parameter is required, once: the refresh token of the grant.";
                case "redirect_uri" -> "The redirect_uri must be the one the authorization request named, given once.";
                case "scope" -> "scope may be given once, its values separated by spaces.";
                case "code_verifier" -> WRONG_VERIFIER;
                default -> "The parameter " + parameter + " is missing, repeated or not valid.";
            };
        }
        return sentence == null ? error : new OAuth2Error(error.getErrorCode(), sentence, error.getUri());
    }
}
