package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
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

    @Test
    void aPathWithNothingToDecodeIsItsUriAsTheParserWouldSayToo() {
        for (String uri : new String[] {"/", "//api//v1", "/api/v1/sessions/current", "/settings/sessions/", "/a+b", "/ä/x", "/.././api", "/api/v1/sessions/ses_abc-_"}) {
            assertThat(routed(uri)).isEqualTo(parsed(uri, ""));
        }
        MockHttpServletRequest underContext = new MockHttpServletRequest("GET", "/lanyard/api/v1/sessions");
        underContext.setContextPath("/lanyard");
        assertThat(SessionFilter.routedPath(underContext)).isEqualTo("/api/v1/sessions").isEqualTo(parsed("/lanyard/api/v1/sessions", "/lanyard"));
    }

    private static String parsed(String uri, String contextPath) {
        StringBuilder routed = new StringBuilder();
        for (PathContainer.Element element : RequestPath.parse(uri, contextPath).pathWithinApplication().elements()) {
            routed.append(element instanceof PathContainer.PathSegment segment ? segment.valueToMatch() : element.value());
        }
        return routed.toString();
    }
}
