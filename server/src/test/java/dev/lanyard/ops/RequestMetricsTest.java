package dev.lanyard.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.servlet.HandlerMapping;

/**
 * The tags {@code http.server.requests} gets, as Spring's observation filter with its default convention
 * gave them ({@code bench/} and decision 42 compared both over HTTP; the live application is covered by
 * {@code HttpFlowTest}).
 */
class RequestMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RequestMetrics metrics = new RequestMetrics(registry);

    private MockHttpServletRequest request(String method, String path) {
        return new MockHttpServletRequest(method, path);
    }

    private Timer timer(String... tags) {
        return registry.find("http.server.requests").tags(tags).timer();
    }

    @Test
    void aHandledRequestIsTaggedWithItsPatternStatusAndOutcome() throws Exception {
        FilterChain handler = (request, response) -> {
            request.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, "/api/v1/sessions/{id}");
            ((MockHttpServletResponse) response).setStatus(404);
        };

        metrics.doFilter(request("DELETE", "/api/v1/sessions/x"), new MockHttpServletResponse(), handler);
        metrics.doFilter(request("DELETE", "/api/v1/sessions/y"), new MockHttpServletResponse(), handler);

        Timer timer = timer("error", "none", "exception", "none", "method", "DELETE", "outcome", "CLIENT_ERROR",
                "status", "404", "uri", "/api/v1/sessions/{id}");
        assertThat(timer).isNotNull();
        assertThat(timer.count()).as("one timer, once per request").isEqualTo(2);
        assertThat(registry.find("http.server.requests").timers()).hasSize(1);
    }

    @Test
    void withoutAPatternTheUriSaysWhatHappened() throws Exception {
        int[] statuses = {302, 404, 401, 200};
        for (int status : statuses) {
            metrics.doFilter(request("GET", "/somewhere"), new MockHttpServletResponse(),
                    (request, response) -> ((MockHttpServletResponse) response).setStatus(status));
        }
        metrics.doFilter(request("GET", "/"), new MockHttpServletResponse(),
                (request, response) -> request.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, ""));

        assertThat(timer("status", "302", "uri", "REDIRECTION", "outcome", "REDIRECTION")).isNotNull();
        assertThat(timer("status", "404", "uri", "NOT_FOUND", "outcome", "CLIENT_ERROR")).isNotNull();
        assertThat(timer("status", "401", "uri", "UNKNOWN", "outcome", "CLIENT_ERROR")).isNotNull();
        assertThat(timer("status", "200", "uri", "UNKNOWN", "outcome", "SUCCESS")).isNotNull();
        assertThat(timer("status", "200", "uri", "root")).isNotNull();
    }

    /** The authorization server's endpoints are answered by filters: each is named by its path, and only those. */
    @Test
    void theAuthorizationServersEndpointsAreToldApart() throws Exception {
        for (String path : new String[] {"/oauth2/token", "/oauth2/introspect", "/userinfo", "/oauth2/token/x"}) {
            metrics.doFilter(request("POST", path), new MockHttpServletResponse(), (request, response) -> { });
        }
        assertThat(timer("uri", "/oauth2/token")).isNotNull();
        assertThat(timer("uri", "/oauth2/introspect")).isNotNull();
        assertThat(timer("uri", "/userinfo")).isNotNull();
        assertThat(timer("uri", "UNKNOWN").count()).as("any other path").isEqualTo(1);
    }

    @Test
    void anUnknownMethodOrStatusCannotMultiplyTheTimers() throws Exception {
        for (String method : new String[] {"FOO1", "FOO2", "PROPFIND"}) {
            metrics.doFilter(request(method, "/"), new MockHttpServletResponse(),
                    (request, response) -> ((MockHttpServletResponse) response).setStatus(299));
        }
        metrics.doFilter(request("GET", "/"), new MockHttpServletResponse(),
                (request, response) -> ((MockHttpServletResponse) response).setStatus(499));

        assertThat(timer("method", "UNKNOWN", "status", "299", "outcome", "SUCCESS").count()).isEqualTo(3);
        assertThat(timer("method", "GET", "status", "499", "outcome", "UNKNOWN")).isNotNull();
    }

    @Test
    void anEscapingExceptionIsTheFailureAndA500() {
        MockHttpServletResponse response = new MockHttpServletResponse();

        assertThatThrownBy(() -> metrics.doFilter(request("POST", "/api/v1/x"), response, (request, ignored) -> {
            throw new ServletException("wrapped", new IllegalStateException("boom"));
        })).isInstanceOf(ServletException.class);
        assertThatThrownBy(() -> metrics.doFilter(request("POST", "/api/v1/x"), new MockHttpServletResponse(), (request, ignored) -> {
            throw new IOException("gone");
        })).isInstanceOf(IOException.class);

        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(timer("exception", "IllegalStateException", "error", "IllegalStateException", "status", "500",
                "outcome", "SERVER_ERROR", "uri", "UNKNOWN")).isNotNull();
        assertThat(timer("exception", "IOException", "status", "500")).isNotNull();
    }

    @Test
    void aFailureAnsweredByAHandlerOrTheContainerIsRecorded() throws Exception {
        metrics.doFilter(request("GET", "/a"), new MockHttpServletResponse(), (request, response) -> {
            RequestMetrics.failed((jakarta.servlet.http.HttpServletRequest) request, new RequestRejectedException("no"));
            ((MockHttpServletResponse) response).setStatus(400);
        });
        metrics.doFilter(request("GET", "/b"), new MockHttpServletResponse(), (request, response) -> {
            request.setAttribute(RequestDispatcher.ERROR_EXCEPTION, new UnsupportedOperationException());
            ((MockHttpServletResponse) response).setStatus(500);
        });

        assertThat(timer("exception", "RequestRejectedException", "status", "400")).isNotNull();
        assertThat(timer("exception", "UnsupportedOperationException", "status", "500")).isNotNull();
        assertThat(RequestMetrics.exception(new Object() {
        }.getClass())).as("an anonymous class by its full name").startsWith(RequestMetricsTest.class.getName() + "$");
    }

    @Test
    void anAsynchronousRequestIsRecordedOnceWhenItCompletesWithItsFinalStatus() throws Exception {
        MockHttpServletRequest request = request("GET", "/settings/sessions/events");
        request.setAsyncSupported(true);
        MockHttpServletResponse response = new MockHttpServletResponse();

        metrics.doFilter(request, response, (req, res) -> {
            req.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, "/settings/sessions/events");
            req.startAsync();
        });
        assertThat(registry.find("http.server.requests").timers()).as("not while the stream is open").isEmpty();

        AsyncContext async = request.getAsyncContext();
        response.setStatus(503);
        ((MockAsyncContext) async).complete();

        Timer timer = timer("uri", "/settings/sessions/events", "status", "503", "exception", "none");
        assertThat(timer).isNotNull();
        assertThat(timer.count()).isEqualTo(1);
    }
}
