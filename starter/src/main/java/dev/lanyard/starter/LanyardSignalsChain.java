package dev.lanyard.starter;

import java.util.List;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.web.SecurityFilterChain;

/**
 * The security filter chain of the two endpoints Lanyard calls (push delivery, back-channel
 * logout): no sign-in, no session, no CSRF token (no cookie and no form: each request carries its
 * own proof). A type of its own so that the starter's default chain for the app still applies
 * when this is the only other chain.
 */
public final class LanyardSignalsChain implements SecurityFilterChain {
    private final SecurityFilterChain delegate;

    LanyardSignalsChain(SecurityFilterChain delegate) {
        this.delegate = delegate;
    }

    @Override
    public boolean matches(HttpServletRequest request) {
        return delegate.matches(request);
    }

    @Override
    public List<Filter> getFilters() {
        return delegate.getFilters();
    }
}
