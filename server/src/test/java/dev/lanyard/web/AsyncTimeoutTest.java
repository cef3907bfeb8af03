package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Streamed downloads (the audit log's, a member's data export) are async requests: without a timeout of
 * Spring MVC's own, the container cuts each after its default 30 seconds, a large log on a slow connection
 * half downloaded.
 */
@LanyardSpringTest
class AsyncTimeoutTest {
    @Autowired
    RequestMappingHandlerAdapter handlers;

    @Test
    void streamedAnswersMayTakeHalfAnHour() {
        assertThat(ReflectionTestUtils.getField(handlers, "asyncRequestTimeout")).isEqualTo(Duration.ofMinutes(30).toMillis());
    }
}
