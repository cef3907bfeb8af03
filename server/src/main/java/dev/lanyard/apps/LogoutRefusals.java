package dev.lanyard.apps;

import java.io.IOException;

import dev.lanyard.Problem;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.util.StringUtils;

/**
 * A refused RP-initiated logout ({@code /connect/logout}): Lanyard's 400 page, saying which part of the app's sign-out
 * link is at fault. Spring's answer was the page's one sentence for every refusal ("The request was not valid."), as its
 * descriptions name only a parameter ("OpenID Connect 1.0 Logout Request Parameter: client_id"), for a missing value, a
 * repeated one and a wrong one alike (outside review). The sentences echo nothing the link holds, and say nothing of any
 * account. Every refusal comes before anything is ended, so each says nothing was signed out.
 */
final class LogoutRefusals implements AuthenticationFailureHandler {
    /** How Spring's converter and provider describe a refused parameter or claim. */
    static final String SPRINGS = "OpenID Connect 1.0 Logout Request Parameter: ";
    static final String ID_TOKEN_HINT = "id_token_hint";
    static final String POST_LOGOUT_REDIRECT_URI = "post_logout_redirect_uri";

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
            throws IOException {
        OAuth2Error error = exception instanceof OAuth2AuthenticationException oauth ? oauth.getError()
                : new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST);
        if (withoutIdToken(error, request)) {
            // RP-Initiated Logout 1.0 §2: without an ID token the provider must ask whether to sign out of it.
            response.sendRedirect(request.getContextPath() + "/logout/ask");
            return;
        }
        String why = why(error, request);
        request.setAttribute(Problem.ERROR_PAGE_MESSAGE, why == null
                ? "The app's sign-out request could not be completed. Sign out of the app again, or sign out of Lanyard itself."
                : "The app's sign-out request was refused, and nothing was signed out: " + why);
        response.sendError(HttpStatus.BAD_REQUEST.value());
    }

    /** Whether the link was refused only for naming no ID token: then Lanyard asks instead (a repeated or wrong one is refused). */
    static boolean withoutIdToken(OAuth2Error error, HttpServletRequest request) {
        return (SPRINGS + ID_TOKEN_HINT).equals(error.getDescription()) && !OAuth2ErrorCodes.INVALID_TOKEN.equals(error.getErrorCode())
                && count(request, ID_TOKEN_HINT) == 0;
    }

    /** The refusal in words, or null for one Spring describes otherwise (an unexpected failure, which may come after an ending). */
    static String why(OAuth2Error error, HttpServletRequest request) {
        String description = error.getDescription();
        if (description == null || !description.startsWith(SPRINGS)) return null;
        String part = description.substring(SPRINGS.length());
        boolean wrongToken = OAuth2ErrorCodes.INVALID_TOKEN.equals(error.getErrorCode());
        int sent = count(request, part);
        return switch (part) {
            case ID_TOKEN_HINT -> wrongToken ? unknownToken(request.getParameter(ID_TOKEN_HINT))
                    : sent > 1 ? "the link names more than one ID token (id_token_hint). It must name exactly one."
                    : noToken(request);
            case "client_id" -> sent > 1 ? "the link names more than one app (client_id). It must name at most one."
                    : "the ID token in the link (id_token_hint) was issued to another app than the one it names (client_id).";
            case POST_LOGOUT_REDIRECT_URI -> sent > 1
                    ? "the link names more than one address to return to (post_logout_redirect_uri). It must name at most one."
                    : "the address to return to (post_logout_redirect_uri) is not one of the app's. After signing out, Lanyard "
                    + "sends people back only to one of the app's redirect URIs, or to the home page (origin) of one.";
            case "state" -> "the link names more than one state. It must name at most one.";
            case "aud" -> "the ID token in the link (id_token_hint) does not name the app it was issued to as its audience.";
            case "sub" -> "you are signed in to Lanyard as someone other than the person this sign-out link is for. "
                    + "If you meant to sign out of Lanyard, use its own Log out.";
            default -> null;
        };
    }

    /** No ID token: Spring takes none but {@code id_token_hint} as who signs out, and which app asks. */
    private static String noToken(HttpServletRequest request) {
        boolean returnTo = StringUtils.hasText(request.getParameter(POST_LOGOUT_REDIRECT_URI));
        boolean app = StringUtils.hasText(request.getParameter("client_id"));
        if (returnTo && !app) {
            return "the link names an address to return to (post_logout_redirect_uri) but neither the ID token the app was "
                    + "given (id_token_hint) nor the app (client_id), so Lanyard cannot tell whose address it is, or whose "
                    + "sign-in to end. It must name the ID token.";
        }
        return "the link does not name the ID token the app was given at sign-in (id_token_hint), which Lanyard needs to "
                + "know whose sign-in to end" + (app ? ": the app (client_id) alone is not enough." : ".");
    }

    /**
     * An ID token Lanyard does not take: one that is no token at all is said as such; the rest read alike. A sign-in that
     * has ended is not among them ({@link EndedGrantLogout}).
     */
    private static String unknownToken(String hint) {
        if (hint == null || !hint.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+")) {
            return "the ID token in the link (id_token_hint) is malformed: an ID token is a signed JWT, three parts separated by dots.";
        }
        return "the ID token in the link (id_token_hint) is not one Lanyard issued to an app it still has, or it is older "
                + "than the ID tokens Lanyard still takes for its sign-in.";
    }

    /** How many values of {@code name} the request sent (the query's or the form's). */
    private static int count(HttpServletRequest request, String name) {
        String[] values = request.getParameterValues(name);
        return values == null ? 0 : values.length;
    }
}
