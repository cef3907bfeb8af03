package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class SessionFilterPathTest {

    private static String routed(String uri) {
        return SessionFilter.routedPath(new MockHttpServletRequest("GET", uri));
    }

    @Test
    void theRoutedPathIsDecodedLikeTheDispatcherSeesIt() {
        assertThat(routed("/%61pi/v1/sessions")).isEqualTo("/api/v1/sessions");
        assertThat(routed("/settings/sessions/%65vents")).isEqualTo("/settings/sessions/events");
        assertThat(routed("/%63ss/lanyard.css")).isEqualTo("/css/lanyard.css");
        assertThat(routed("/api;x=1/v1/logout")).isEqualTo("/api/v1/logout");
        assertThat(routed("/settings/sessions")).isEqualTo("/settings/sessions");
    }
}
