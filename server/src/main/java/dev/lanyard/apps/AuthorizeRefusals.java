package dev.lanyard.apps;

import java.util.Set;
import java.util.TreeSet;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * A refused authorization request's {@code error_description} in words an app's developer reads: what is wrong and
 * what Lanyard expects. Spring's validators name only the parameter at fault ("OAuth 2.0 Parameter: code_challenge",
 * the same text for a parameter missing, repeated or wrong); those are replaced, every other description (Lanyard's
 * own) is kept. The error code, {@code error_uri} and {@code state} are unchanged (an outside review).
 */
final class AuthorizeRefusals {
    /** What Spring's descriptions begin with, the parameter's name after it. */
    static final String SPRINGS = "OAuth 2.0 Parameter: ";

    private AuthorizeRefusals() {
    }

    /**
     * {@code error} with a description that says what is wrong. {@code asked}: the scopes the request asked for, and
     * {@code client}: the app, when known (null otherwise), to name a scope it may not ask for and those it may.
     */
    static OAuth2Error described(OAuth2Error error, Set<String> asked, RegisteredClient client) {
        String description = error.getDescription();
        if (description == null || !description.startsWith(SPRINGS)) return error;
        String parameter = description.substring(SPRINGS.length());
        return new OAuth2Error(error.getErrorCode(), sentence(error.getErrorCode(), parameter, asked, client), error.getUri());
    }

    private static String sentence(String code, String parameter, Set<String> asked, RegisteredClient client) {
        if (OAuth2ErrorCodes.UNSUPPORTED_RESPONSE_TYPE.equals(code)) {
            return "Only response_type=code is supported: the authorization code flow with PKCE (S256).";
        }
        if (OAuth2ErrorCodes.INVALID_SCOPE.equals(code)) {
            Set<String> refused = new TreeSet<>(asked == null ? Set.of() : asked);
            // The member scopes the app is allowed (its client's own, for client credentials, are never a member's to give).
            Set<String> allowed = new TreeSet<>(AppClient.SCOPES.keySet());
            if (client != null) {
                refused.removeAll(client.getScopes());
                allowed.retainAll(client.getScopes());
            }
            return (refused.isEmpty() ? "The app asked for a scope it is not allowed." : "The app is not allowed the scope "
                    + String.join(" ", refused) + ".") + " Ask only for scopes an admin of its team allowed it, among "
                    + String.join(", ", allowed) + ".";
        }
        if (OAuth2ErrorCodes.UNAUTHORIZED_CLIENT.equals(code)) {
            return "The app is not allowed to sign members in with an authorization code.";
        }
        // Spring describes these as a malformed prompt ("OAuth 2.0 Parameter: prompt"), though the prompt was right:
        // what the app asked could not be done without a page.
        if ("consent_required".equals(code)) {
            return "The member has not allowed the app what it asks for, and the app asked (prompt=none) that no consent page be shown.";
        }
        if ("login_required".equals(code)) {
            return "Nobody is signed in to Lanyard in this browser, and the app asked (prompt=none) that no sign-in page be shown.";
        }
        if ("request_uri_not_supported".equals(code) || parameter.equals("request_uri")) {
            return "request_uri is not supported (Lanyard takes no pushed or referenced requests): send the request's parameters themselves.";
        }
        return switch (parameter) {
            case "response_type" -> "response_type is required, once: Lanyard supports response_type=code.";
            case "client_id" -> "client_id is required, once, and must be the client ID of an app registered in Lanyard.";
            case "redirect_uri" -> "redirect_uri must be one of the app's registered redirect URIs, exactly (a loopback one on any port), given once;"
                    + " it is required with the openid scope or when the app has more than one.";
            case "scope" -> "scope may be given once, its values separated by spaces.";
            case "state" -> "state may be given once.";
            case "code_challenge" -> "A code_challenge is required, given once: PKCE (RFC 7636) with code_challenge_method=S256,"
                    + " the base64url SHA-256 of the app's code_verifier.";
            case "code_challenge_method" -> "code_challenge_method must be S256, the one PKCE method Lanyard supports, given once.";
            case "prompt" -> "prompt may be given once, and prompt=none cannot be combined with login, consent or select_account.";
            // The others Lanyard refuses only when repeated (RepeatedParameters.atAuthorize).
            default -> RepeatedParameters.ONCE_AT_AUTHORIZE.contains(parameter) ? parameter + " may be given once."
                    : "The parameter " + parameter + " is missing, repeated or not valid.";
        };
    }
}
