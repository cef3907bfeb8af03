package dev.lanyard.apps;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.stereotype.Component;

/**
 * The endpoints an app calls with its client authentication: token, introspection and revocation. They speak OAuth, so
 * a refusal is OAuth's error ({@code 400}, {@code application/json} {@code {"error":"invalid_request","error_description":…}},
 * {@code Cache-Control: no-store}; RFC 6749 §5.2, RFC 7662 §2.3, RFC 7009 §2.2.1), also where the web layer refuses a
 * request before the authorization server's chain runs: a control character in a form field was Lanyard's problem+json
 * there (outside review), which no OAuth client reads. A form whose body is not sent as it can be read is refused the
 * same way at every endpoint that reads one ({@link #readsForm}), with {@code 415}.
 */
@Component
public class ClientEndpoints {
    private final ObjectProvider<AuthorizationServerSettings> settings;
    private volatile RequestMatcher endpoints;
    private volatile RequestMatcher forms;
    private volatile RequestMatcher userInfo;

    ClientEndpoints(ObjectProvider<AuthorizationServerSettings> settings) {
        this.settings = settings;
    }

    /** The token, introspection and revocation endpoints of {@code settings}, on any method. */
    static RequestMatcher matcher(AuthorizationServerSettings settings) {
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
        return new OrRequestMatcher(paths.matcher(settings.getTokenEndpoint()),
                paths.matcher(settings.getTokenIntrospectionEndpoint()), paths.matcher(settings.getTokenRevocationEndpoint()));
    }

    /**
     * The endpoints of {@code settings} that read a form, on any method: these three, the authorization endpoint (an
     * authorization request posted, OpenID Connect Core 3.1.2.1, and the consent form), userinfo and RP-initiated logout.
     */
    static RequestMatcher formMatcher(AuthorizationServerSettings settings) {
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
        return new OrRequestMatcher(matcher(settings), paths.matcher(settings.getAuthorizationEndpoint()),
                paths.matcher(settings.getOidcUserInfoEndpoint()), paths.matcher(settings.getOidcLogoutEndpoint()));
    }

    /** Whether the request is to the token, introspection or revocation endpoint. */
    public boolean matches(HttpServletRequest request) {
        RequestMatcher matcher = endpoints;
        if (matcher == null) {
            matcher = matcher(settings());
            endpoints = matcher;
        }
        return matcher.matches(request);
    }

    /** Whether the request is to userinfo, which an app calls with a member's access token. */
    public boolean userInfo(HttpServletRequest request) {
        RequestMatcher matcher = userInfo;
        if (matcher == null) {
            matcher = PathPatternRequestMatcher.withDefaults().matcher(settings().getOidcUserInfoEndpoint());
            userInfo = matcher;
        }
        return matcher.matches(request);
    }

    /** Whether the request is to an endpoint of the authorization server that reads a form ({@link #formMatcher}). */
    public boolean readsForm(HttpServletRequest request) {
        RequestMatcher matcher = forms;
        if (matcher == null) {
            matcher = formMatcher(settings());
            forms = matcher;
        }
        return matcher.matches(request);
    }

    /** What an app calls at a path: how a refusal there is written where no request matcher can run ({@link #calledAt}). */
    public enum Called {
        /** The token, introspection or revocation endpoint: OAuth's JSON error. */
        CLIENT,
        /** Userinfo: OAuth's JSON error with a {@code Bearer} challenge (RFC 6750 §3). */
        USER_INFO,
        /** The key set, a JSON document. */
        KEYS
    }

    /**
     * What an app calls at {@code path} (within Lanyard, as sent), for answers written before any request matcher can run,
     * to requests Tomcat refused itself; empty for any other path.
     */
    public Optional<Called> calledAt(String path) {
        AuthorizationServerSettings paths = settings();
        if (path.equals(paths.getTokenEndpoint()) || path.equals(paths.getTokenIntrospectionEndpoint())
                || path.equals(paths.getTokenRevocationEndpoint())) return Optional.of(Called.CLIENT);
        if (path.equals(paths.getOidcUserInfoEndpoint())) return Optional.of(Called.USER_INFO);
        if (path.equals(paths.getJwkSetEndpoint())) return Optional.of(Called.KEYS);
        return Optional.empty();
    }

    /**
     * The methods the authorization server's endpoint or document at {@code path} (within Lanyard, as sent) takes, as it
     * answers a method it does not ({@link EndpointMethods}); none at any other path.
     */
    public Set<String> methods(String path) {
        return new EndpointMethods(settings()).methods(path);
    }

    /** A context without a web server (bench/jmh.sh) has no authorization server settings: Spring's default paths. */
    private AuthorizationServerSettings settings() {
        return settings.getIfAvailable(() -> AuthorizationServerSettings.builder().build());
    }

    /**
     * Answers {@code 400 invalid_request} with {@code description}, which must hold only the characters RFC 6749 §5.2
     * allows in an {@code error_description} (printable ASCII but {@code "} and {@code \}).
     */
    public void refuse(HttpServletResponse response, String description) throws IOException {
        EndpointErrors.refuse(response, description);
    }

    /**
     * Answers a request to userinfo {@code 400 invalid_request} with {@code description}, in the JSON body and in a
     * {@code Bearer} challenge (RFC 6750 §3.1), as userinfo's own refusals carry theirs; {@code description} held to what
     * {@link #refuse(HttpServletResponse, String)} says.
     */
    public void refuseAtUserInfo(HttpServletResponse response, String description) throws IOException {
        UserInfoErrors.invalidRequest(response, description);
    }

    /** Answers {@code status} with {@code invalid_request} and {@code description}, held to what {@link #refuse(HttpServletResponse, String)} says. */
    public void refuse(HttpServletResponse response, HttpStatus status, String description) throws IOException {
        EndpointErrors.refuse(response, status, description);
    }
}
