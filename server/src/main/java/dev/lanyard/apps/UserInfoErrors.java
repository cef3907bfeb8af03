package dev.lanyard.apps;

import java.io.IOException;

import dev.lanyard.session.SessionFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.util.UrlUtils;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * How userinfo, the one endpoint of the chain that takes a bearer token, refuses a request: RFC 6750's {@code Bearer}
 * challenges, naming its RFC 9728 metadata, for a token missing or unread ({@link #challenge}) and for one the endpoint
 * refused ({@link #refused}). Beside {@link EndpointErrors}, the answers of the endpoints that authenticate a client.
 */
final class UserInfoErrors {
    private UserInfoErrors() {
    }

    /**
     * A refused userinfo request: {@code 401 invalid_token} or {@code 403 insufficient_scope}, each with a
     * {@code WWW-Authenticate: Bearer} challenge naming the error (RFC 6750 §3) and userinfo's resource metadata
     * ({@link #resourceMetadata}), otherwise {@code 400}.
     */
    static AuthenticationFailureHandler refused(String userInfo) {
        return (request, response, exception) -> {
            OAuth2Error error = EndpointErrors.error(exception);
            HttpStatus status = switch (error.getErrorCode()) {
                case OAuth2ErrorCodes.INVALID_TOKEN -> HttpStatus.UNAUTHORIZED;
                case OAuth2ErrorCodes.INSUFFICIENT_SCOPE -> HttpStatus.FORBIDDEN;
                default -> HttpStatus.BAD_REQUEST;
            };
            if (status != HttpStatus.BAD_REQUEST) {
                response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"" + error.getErrorCode() + "\""
                        + (status == HttpStatus.FORBIDDEN ? ", scope=\"openid\"" : "") + ", resource_metadata=\"" + resourceMetadata(request, userInfo) + "\"");
            }
            EndpointErrors.write(response, status, error);
        };
    }

    /**
     * A userinfo request refused before the endpoint read it (two {@code Authorization} headers, a character the firewall
     * does not take): {@code 400 invalid_request} with {@code description}, in the challenge (RFC 6750 §3.1) and the JSON
     * body, and {@code Cache-Control: no-store}. {@code description} is printable ASCII without {@code "} or {@code \}.
     */
    static void invalidRequest(HttpServletResponse response, String description) throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"" + OAuth2ErrorCodes.INVALID_REQUEST + "\", error_description=\""
                + description + "\"");
        EndpointErrors.refuse(response, description);
    }

    /** RFC 9728 §3.1: the well-known path of a protected resource's metadata, the resource's own path after it. */
    static final String RESOURCE_METADATA = "/.well-known/oauth-protected-resource";

    /** What userinfo says of a bearer token that it could not read: one sentence of Lanyard's, whatever the library said. */
    static final String NOT_A_TOKEN = "The access token is malformed, expired or not one Lanyard issued.";

    /**
     * Userinfo's answer to a request without a bearer token, or with one that is no valid access token of Lanyard's (RFC
     * 6750 §3): {@code 401} with a {@code Bearer} challenge naming userinfo's resource metadata ({@link #resourceMetadata}),
     * no error code when no token came (§3.1), {@code invalid_token} and Lanyard's own description ({@link #NOT_A_TOKEN}) in
     * the challenge and the JSON body when one did. Spring's answer echoed its JWT library ("An error occurred while
     * attempting to decode the Jwt: Malformed token") and pointed {@code error_uri} at an outside site, and named the
     * document of the issuer's root, whose {@code resource} is not the URL the client called (outside review).
     */
    static AuthenticationEntryPoint challenge(String userInfo) {
        return (request, response, failure) -> {
            String metadata = "resource_metadata=\"" + resourceMetadata(request, userInfo) + "\"";
            if (!(failure instanceof OAuth2AuthenticationException)) {
                response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer " + metadata);
                response.setStatus(HttpStatus.UNAUTHORIZED.value());
                return;
            }
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"" + OAuth2ErrorCodes.INVALID_TOKEN + "\", error_description=\""
                    + NOT_A_TOKEN + "\", " + metadata);
            EndpointErrors.write(response, HttpStatus.UNAUTHORIZED, new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, NOT_A_TOKEN, null));
        };
    }

    /**
     * The address of the metadata of userinfo ({@code userInfo}: its path), when the request called it (RFC 9728 §3.1: the
     * well-known path, then the resource's path, under Lanyard's context path as every document of it is): for
     * {@code http://127.0.0.1:8080/userinfo}, {@code http://127.0.0.1:8080/.well-known/oauth-protected-resource/userinfo},
     * whose {@code resource} is that same URL (§3.3, which a client checks). Spring named
     * {@code /.well-known/oauth-protected-resource}, the issuer's, which stays the answer for any other endpoint of the chain.
     */
    static String resourceMetadata(HttpServletRequest request, String userInfo) {
        String path = SessionFilter.sentPath(request);
        return UriComponentsBuilder.fromUriString(UrlUtils.buildFullRequestUrl(request))
                .replacePath(request.getContextPath() + RESOURCE_METADATA + (path.equals(userInfo) ? userInfo : ""))
                .replaceQuery(null).fragment(null).build().toUriString();
    }
}
