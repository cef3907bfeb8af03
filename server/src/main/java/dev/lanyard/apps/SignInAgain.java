package dev.lanyard.apps;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import dev.lanyard.Problem;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.SessionFilter;
import dev.lanyard.session.Sessions;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * OpenID Connect Core 3.1.2.1: an authorize request with {@code prompt=login} (or {@code select_account}: {@link #SIGN_IN}), or with
 * {@code max_age} when the browser's Lanyard session signed in longer ago than that many seconds,
 * sends the member to Lanyard's sign-in page ({@code /login?again}, which a signed-in browser is
 * otherwise sent away from), to come back to the request without {@code prompt=login} and
 * {@code max_age}: the sign-in replaces the browser's session with a new one, whose sign-in time
 * the ID token's {@code auth_time} then says. Nothing is ended before the member signs in again.
 *
 * <p>Coming back without those parameters asks nothing of the app it would not check anyway: a
 * browser can drop them from the request before Lanyard sees it, so an app that asked for them
 * checks {@code auth_time}, as the specification tells it to. With {@code prompt=none}, nothing
 * can be asked: a browser not signed in, or a session too old for {@code max_age}, is answered
 * {@code login_required} ({@link #silently}).
 */
final class SignInAgain implements Filter {
    static final String PROMPT = "prompt";
    static final String MAX_AGE = "max_age";
    /**
     * The prompts that ask for the sign-in page: {@code login}, and {@code select_account}, which Lanyard answers the same
     * way (a browser holds one Lanyard session, and the page is where the member signs in as another account). Spring
     * ignored {@code select_account} and returned a code for the account signed in (outside review).
     */
    static final java.util.Set<String> SIGN_IN = java.util.Set.of("login", "select_account");

    /** The longest return path the sign-in page goes back to (the signin module's {@code ReturnPath.MAX}). */
    static final int LONGEST_RETURN = 4000;
    /** A Location this long leaves room for the other headers of the answer in the server's 8 KB. */
    static final int LONGEST_REDIRECT = 6000;
    static final String TOO_LONG = "The app's sign-in request is too long to come back to after you sign in, so it was not "
            + "accepted. Go back to the app and try again; if this happens again, tell the app's developer.";

    private final RequestMatcher authorize;
    private final Sessions sessions;
    private final Clock clock;

    /** {@code authorize}: an authorization request, a GET or a form POST of one (the consent form posts there too, and is not one). */
    SignInAgain(RequestMatcher authorize, Sessions sessions, Clock clock) {
        this.authorize = authorize;
        this.sessions = sessions;
        this.clock = clock;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        // A repeated prompt or max_age asks for nothing here: the endpoint refuses it (RepeatedParameters.atAuthorize).
        if (authorize.matches(request) && once(request, PROMPT) && once(request, MAX_AGE)) {
            List<String> prompts = prompts(request.getParameter(PROMPT));
            boolean login = prompts.stream().anyMatch(SIGN_IN::contains);
            // The prompts first: only a request that asks for a sign-in reads whose session it is.
            if (!prompts.contains("none") && (login || request.getParameter(MAX_AGE) != null)
                    && browser().filter(member -> login || tooOld(member, request.getParameter(MAX_AGE))).isPresent()) {
                sendToSignIn(request, (HttpServletResponse) res, true);
                return;
            }
        }
        chain.doFilter(req, res);
    }

    private static boolean once(HttpServletRequest request, String name) {
        String[] values = request.getParameterValues(name);
        return values == null || values.length == 1;
    }

    /**
     * Sends the browser to the sign-in page ({@code again}: a signed-in browser asked to sign in again), to come back to
     * this authorize request ({@link #back}). A request too long to come back to is refused on Lanyard's error page (400)
     * instead: the sign-in page drops a return path longer than {@link #LONGEST_RETURN} (the member would land on their
     * sessions, the app's request forgotten), and a redirect longer than {@link #LONGEST_REDIRECT} overflows the
     * server's 8 KB for a response's headers, which answered an empty 500. Keeping the request on the server under a
     * short handle would spare the app that refusal, but no real app's request comes near these lengths.
     */
    static void sendToSignIn(HttpServletRequest request, HttpServletResponse response, boolean again) throws IOException {
        String back = back(request);
        String target = request.getContextPath() + (again ? "/login?again&next=" : "/login?next=")
                + URLEncoder.encode(back, StandardCharsets.UTF_8);
        if (back.length() > LONGEST_RETURN || target.length() > LONGEST_REDIRECT) {
            request.setAttribute(Problem.ERROR_PAGE_MESSAGE, TOO_LONG);
            response.sendError(HttpStatus.BAD_REQUEST.value());
            return;
        }
        response.sendRedirect(target);
    }

    /** The member's browser session this request is made with, if any (an API key or a bearer session is refused later, in the authorize endpoint). */
    private Optional<CurrentSession> browser() {
        Authentication user = SecurityContextHolder.getContext().getAuthentication();
        return user != null && user.getPrincipal() instanceof CurrentSession member && AuthorizeChecks.browserSignIn(user, sessions)
                ? Optional.of(member) : Optional.empty();
    }

    /**
     * The validator step for {@code prompt=none}: a browser not signed in, or signed in longer ago than
     * {@code max_age}, is answered {@code login_required} at the app's redirect URI (after Spring checked
     * it). Spring would send a browser not signed in to the sign-in page all the same.
     */
    /**
     * The validator step for {@code max_age}: OpenID Connect Core has it a non-negative number of seconds. Anything else
     * is answered {@code invalid_request} at the app's redirect URI (after Spring checked it), not left unasked.
     */
    static Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> maxAgeChecked() {
        return context -> {
            OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
            Object maxAge = request.getAdditionalParameters().get(MAX_AGE);
            if (maxAge != null && !(maxAge instanceof String text && wellFormed(text))) {
                throw new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error("invalid_request",
                        "max_age must be a whole number of seconds, 0 or more.", null), request);
            }
        };
    }

    private static boolean wellFormed(String maxAge) {
        return !maxAge.isEmpty() && maxAge.length() <= 12 && maxAge.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    static Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> silently(Sessions sessions, Clock clock) {
        SignInAgain check = new SignInAgain(request -> false, sessions, clock);
        return context -> {
            OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
            Object prompt = request.getAdditionalParameters().get(PROMPT);
            if (!(prompt instanceof String p) || !prompts(p).contains("none")) return;
            Optional<CurrentSession> member = AuthorizeChecks.member(request, sessions);
            if (member.isEmpty() || request.getAdditionalParameters().get(MAX_AGE) instanceof String maxAge
                    && check.tooOld(member.get(), maxAge)) {
                throw new OAuth2AuthorizationCodeRequestAuthenticationException(
                        new OAuth2Error("login_required", member.isEmpty() ? "Nobody is signed in to Lanyard in this browser."
                                : "The app asks for a more recent sign-in.", null), request);
            }
        };
    }

    /**
     * Whether the session signed in more than {@code maxAge} seconds ago; {@code 0} is always (OpenID Connect Core: as
     * {@code prompt=login}, even in the first second after a sign-in). A missing or malformed max_age asks nothing here
     * ({@link #maxAgeChecked} refuses a malformed one).
     */
    boolean tooOld(CurrentSession member, String maxAge) {
        if (maxAge == null || !wellFormed(maxAge)) return false;
        long seconds = Long.parseLong(maxAge);
        if (seconds == 0) return true;
        Instant signedIn = sessions.get(member.id(), member.account().id()).createdAt();
        return Duration.between(signedIn, clock.instant()).compareTo(Duration.ofSeconds(seconds)) > 0;
    }

    private static List<String> prompts(String prompt) {
        return prompt == null ? List.of() : Arrays.stream(prompt.split(" ")).filter(p -> !p.isEmpty()).toList();
    }

    /**
     * The authorize request to come back to: as made, less max_age and the prompts the sign-in answered ({@link #SIGN_IN}). An authorization request
     * posted as a form comes back as the same request made with GET (its parameters in the query), which the
     * sign-in page can send the browser to.
     */
    static String back(HttpServletRequest request) {
        List<String> kept = new ArrayList<>();
        // A consent form posted (no response_type) comes back as the bare endpoint, as before: never its CSRF token in a URL.
        boolean posted = "POST".equals(request.getMethod()) && request.getParameter("response_type") != null;
        String query = posted ? asQuery(request) : request.getQueryString() == null ? "" : request.getQueryString();
        for (String pair : query.split("&")) {
            String name = decoded(pair.split("=", 2)[0]);
            if (pair.isEmpty() || name.equals(MAX_AGE)) continue;
            if (name.equals(PROMPT)) {
                String value = pair.contains("=") ? decoded(pair.split("=", 2)[1]) : "";
                List<String> others = prompts(value).stream().filter(p -> !SIGN_IN.contains(p)).toList();
                if (!others.isEmpty()) kept.add(PROMPT + "=" + URLEncoder.encode(String.join(" ", others), StandardCharsets.UTF_8));
                continue;
            }
            kept.add(pair);
        }
        return SessionFilter.sentPath(request) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
    }

    /** A posted request's parameters (form and query) written as a query string. */
    static String asQuery(HttpServletRequest request) {
        List<String> pairs = new ArrayList<>();
        request.getParameterMap().forEach((name, values) -> {
            for (String value : values) {
                pairs.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return String.join("&", pairs);
    }

    /** A query's name or value decoded; one that is no valid encoding stays as it came (the endpoint answers it). */
    private static String decoded(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return raw;
        }
    }
}
