package dev.lanyard.apps;

import java.io.IOException;

import dev.lanyard.Problem;
import dev.lanyard.geo.ExternalOrigins;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.Sessions;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The consent form's CSRF check, run for that form only (and only a browser session consents): a token call, introspection or userinfo
 * request has no form, and no longer has a CSRF token prepared and stored in its attributes for
 * nothing (issue 13). Nothing this chain answers renders a page that would need one. (The
 * authorization server adds a CSRF filter of its own, which exempts all its endpoints; it stays.)
 *
 * <p>Before the token, the rule every other form follows (decision 3): sent from another site ({@link ExternalOrigins#foreign})
 * it gets the 403 page, even with a valid token. The pages' chain applies it to every form; the consent form posts to
 * this chain, which it did not reach (outside review: a consent posted with a foreign {@code Origin} was granted).
 */
record ConsentCsrf(CsrfFilter csrf, RequestMatcher consentPost, Sessions sessions, ExternalOrigins origins) implements Filter {
    static Filter of(CsrfTokenRepository tokens, RequestMatcher consentPost, Sessions sessions, ExternalOrigins origins) {
        CsrfFilter csrf = new CsrfFilter(tokens);
        csrf.setRequireCsrfProtectionMatcher(consentPost);
        return new ConsentCsrf(csrf, consentPost, sessions, origins);
    }

    @Override
    public void doFilter(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response, jakarta.servlet.FilterChain chain)
            throws IOException, jakarta.servlet.ServletException {
        if (!consentPost.matches((HttpServletRequest) request)) {
            chain.doFilter(request, response);
            return;
        }
        if (origins.foreign((HttpServletRequest) request)) {
            request.setAttribute(Problem.ERROR_PAGE_MESSAGE, Problem.FOREIGN_FORM);
            ((HttpServletResponse) response).sendError(HttpStatus.FORBIDDEN.value());
            return;
        }
        // Only the member's browser session consents (decision 52): a session signed in for a bearer token (however its
        // token is sent), or an API key, is no sign-in here, as a bearer JWT is none (Spring's consent provider checks
        // only whose account it is).
        Authentication user = org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication();
        if (user != null && user.getPrincipal() instanceof CurrentSession
                && !AuthorizeChecks.browserSignIn(user, sessions)) {
            org.springframework.security.core.context.SecurityContextHolder.clearContext();
        }
        csrf.doFilter(request, response, chain);
    }
}
