package dev.lanyard.ops;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.ServerHttpObservationFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Records {@code http.server.requests} as Spring's {@code ServerHttpObservationFilter}, its default
 * convention and Micrometer's meter handler do: the same timer, with the same tags ({@code error},
 * {@code exception}, {@code method}, {@code outcome}, {@code status}, {@code uri}) and values, Spring
 * Boot's meter filters (the cap on URI tags, percentiles, histograms) applied as to any timer. What it
 * leaves out is the Micrometer observation opened, scoped and stopped around every request, with its
 * context, key values and a timer looked up by freshly sorted tags: about 9% of the CPU a bearer
 * {@code /current} took (issue 13, decision 42). Nothing in Lanyard traces, and nothing else listened.
 *
 * <p>The URI tag is the pattern the handler mapping matched (the request attribute it sets beside the
 * observation's path pattern); a failure is the exception that escaped the chain, the servlet error
 * attribute, or one a security handler answered itself ({@link #failed}: a rejected request, a refused
 * CSRF token), as Spring Security marks the observation. An asynchronous request (a live stream) is
 * recorded when it completes.
 */
public final class RequestMetrics extends HttpFilter {
    static final String METER = "http.server.requests";
    private static final String FAILURE = RequestMetrics.class.getName() + ".failure";
    private static final Set<String> METHODS = Arrays.stream(HttpMethod.values()).map(HttpMethod::name).collect(Collectors.toUnmodifiableSet());
    /** Timers kept at hand by their tags; past this many, further ones are looked up in the registry each time. */
    private static final int KEPT_TIMERS = 1024;

    private record Tags(String method, int status, String uri, Class<?> failure) {
        // Written out: the generated ones read each field through a method handle, 2.4% of a bearer /current's CPU samples.
        @Override
        public boolean equals(Object o) {
            return o instanceof Tags t && status == t.status && method.equals(t.method) && Objects.equals(uri, t.uri)
                    && failure == t.failure;
        }

        @Override
        public int hashCode() {
            return ((31 * method.hashCode() + status) * 31 + Objects.hashCode(uri)) * 31 + Objects.hashCode(failure);
        }
    }

    private final MeterRegistry registry;
    private final Clock clock;
    private final ConcurrentHashMap<Tags, Timer> timers = new ConcurrentHashMap<>();

    RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.clock = registry.config().clock();
    }

    /** The request failed with {@code failure}, which a handler answered instead of throwing it. */
    public static void failed(HttpServletRequest request, Throwable failure) {
        request.setAttribute(FAILURE, failure);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        long start = clock.monotonicTime();
        Throwable thrown = null;
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            thrown = unwrapped(e);
            response.setStatus(HttpStatus.INTERNAL_SERVER_ERROR.value());
            throw e;
        } finally {
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new WhenComplete(request, response, start, thrown));
            } else {
                record(request, response, start, thrown);
            }
        }
    }

    private void record(HttpServletRequest request, HttpServletResponse response, long start, Throwable thrown) {
        Throwable failure = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (failure == null) failure = thrown;
        if (failure == null) failure = (Throwable) request.getAttribute(FAILURE);
        String method = request.getMethod();
        Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        Tags tags = new Tags(METHODS.contains(method) ? method : "UNKNOWN", response.getStatus(),
                pattern == null ? filterEndpoint(request) : pattern.toString(), failure == null ? null : failure.getClass());
        Timer timer = timers.get(tags);
        if (timer == null) timer = register(tags);
        timer.record(clock.monotonicTime() - start, TimeUnit.NANOSECONDS);
    }

    private Timer register(Tags tags) {
        Timer timer = Timer.builder(METER)
                .tag("error", tags.failure() == null ? "none" : tags.failure().getSimpleName())
                .tag("exception", exception(tags.failure()))
                .tag("method", tags.method())
                .tag("outcome", outcome(tags.status()))
                .tag("status", Integer.toString(tags.status()))
                .tag("uri", uri(tags.uri(), tags.status()))
                .register(registry);
        if (timers.size() < KEPT_TIMERS) timers.putIfAbsent(tags, timer);
        return timer;
    }

    /** What a servlet exception wraps, as Spring's filter recorded it; any other failure as it is. */
    private static Throwable unwrapped(Throwable failure) {
        return failure instanceof ServletException && failure.getCause() != null ? failure.getCause() : failure;
    }

    static String exception(Class<?> failure) {
        if (failure == null) return "none";
        return failure.getSimpleName().isBlank() ? failure.getName() : failure.getSimpleName();
    }

    static String outcome(int status) {
        if (status >= 200 && status < 300) return "SUCCESS";
        HttpStatus known = HttpStatus.resolve(status);
        return known == null ? "UNKNOWN" : known.series().name();
    }

    /**
     * The endpoints that filters answer, not handlers (Spring Authorization Server's), so no pattern names them: their
     * own path, from this fixed list only, so that the tag's values stay few (outside QA: token, introspection and
     * userinfo were one "UNKNOWN" and could not be told apart).
     */
    static final Set<String> FILTER_ENDPOINTS = Set.of("/oauth2/authorize", "/oauth2/token", "/oauth2/introspect",
            "/oauth2/revoke", "/oauth2/jwks", "/oauth2/device_authorization", "/oauth2/device_verification", "/oauth2/par",
            "/userinfo", "/connect/register", "/connect/logout", "/.well-known/openid-configuration",
            "/.well-known/oauth-authorization-server");

    private static String filterEndpoint(HttpServletRequest request) {
        String path = request.getRequestURI();
        String context = request.getContextPath();
        if (path == null) return null;
        if (!context.isEmpty() && path.startsWith(context)) path = path.substring(context.length());
        return FILTER_ENDPOINTS.contains(path) ? path : null;
    }

    static String uri(String pattern, int status) {
        if (pattern != null) return pattern.isEmpty() ? "root" : pattern;
        HttpStatus known = HttpStatus.resolve(status);
        if (known != null && known.is3xxRedirection()) return "REDIRECTION";
        if (known == HttpStatus.NOT_FOUND) return "NOT_FOUND";
        return "UNKNOWN";
    }

    /** Records an asynchronous request once it completes, with its final status. */
    private final class WhenComplete implements AsyncListener {
        private final HttpServletRequest request;
        private final HttpServletResponse response;
        private final long start;
        private volatile Throwable failure;

        WhenComplete(HttpServletRequest request, HttpServletResponse response, long start, Throwable thrown) {
            this.request = request;
            this.response = response;
            this.start = start;
            this.failure = thrown;
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // A new asynchronous cycle drops the listeners of the last one.
            event.getAsyncContext().addListener(this);
        }

        @Override
        public void onError(AsyncEvent event) {
            Throwable error = event.getThrowable();
            if (error != null) failure = unwrapped(error);
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // Completion follows, and is recorded.
        }

        @Override
        public void onComplete(AsyncEvent event) {
            record(request, response, start, failure);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Registration {
        @Bean
        FilterRegistrationBean<RequestMetrics> requestMetrics(MeterRegistry registry) {
            FilterRegistrationBean<RequestMetrics> registration = new FilterRegistrationBean<>(new RequestMetrics(registry));
            // Where Spring Boot puts its observation filter: right inside the database outage answer.
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
            return registration;
        }

        /** Keeps Spring Boot from registering its observation filter: this one records the same timer. */
        @Bean
        FilterRegistrationBean<ServerHttpObservationFilter> noServerHttpObservationFilter() {
            FilterRegistrationBean<ServerHttpObservationFilter> registration =
                    new FilterRegistrationBean<>(new ServerHttpObservationFilter(ObservationRegistry.NOOP));
            registration.setEnabled(false);
            return registration;
        }
    }
}
