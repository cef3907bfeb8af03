package dev.lanyard;

import java.util.Enumeration;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.security.web.firewall.RequestRejectedException;

/**
 * A request's {@code Authorization} header, refused when it is sent more than once: Tomcat, Spring Security and Spring
 * Authorization Server each read the first and ignore the rest, so {@code Bearer <yours>} then {@code Bearer <mine>}
 * signed in as the first, and anything in front of Lanyard that read the last saw someone else (outside review).
 * Ambiguous credentials are no credentials: the request is refused, as the firewall refuses a header it does not accept
 * (the web module's {@code RefusedRequests}: 400 problem+json in the API, OAuth's {@code invalid_request} where an app
 * calls, the error page elsewhere).
 *
 * <p>Read where the session filter reads its bearer token, ahead of every chain's other readers of the header
 * (the authorization server's client authentication and userinfo among them), and by the Shared Signals receivers,
 * whose chain has no session filter. A request without the header costs nothing more; one with it asks for its values
 * once more, and only to see whether a second one follows.
 */
public final class AuthorizationHeader {
    private AuthorizationHeader() {
    }

    /** The request's one {@code Authorization} header, or null when it has none; refused when it has more than one. */
    public static String of(HttpServletRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null) return null;
        Enumeration<String> all = request.getHeaders(HttpHeaders.AUTHORIZATION);
        all.nextElement();
        if (all.hasMoreElements()) throw new MoreThanOneAuthorizationHeader();
        return authorization;
    }

    /** The request has more than one {@code Authorization} header. Its message quotes none of them. */
    public static final class MoreThanOneAuthorizationHeader extends RequestRejectedException {
        MoreThanOneAuthorizationHeader() {
            super("The request was rejected because it has more than one Authorization header");
        }
    }
}
