package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class ProblemsTest {

    /** The path as sent, its path parameters left out, what a path cannot hold percent-encoded: never characters dropped. */
    @Test
    void anInstanceIsThePathAsSentWithoutPathParameters() {
        Map<String, String> instances = Map.of(
                "/api/v1/admin/members;x=1", "/api/v1/admin/members",
                "/api/v1;jsessionid=a/sessions;b/ses_1", "/api/v1/sessions/ses_1",
                "/api/v1/sessions/ses_%27x%3Bb", "/api/v1/sessions/ses_%27x%3Bb",
                "/api/v1/sessions/it's", "/api/v1/sessions/it's",
                "/api/v1/a\"b c<d>", "/api/v1/a%22b%20c%3Cd%3E",
                "/api/v1/caf\u00e9", "/api/v1/caf%E9",
                "/api/v1/%G1%", "/api/v1/%25G1%25",
                "/lanyard/api/v1/sessions", "/lanyard/api/v1/sessions");
        instances.forEach((sent, instance) -> assertThat(Problems.instance(sent)).as(sent).hasToString(instance));
    }
}
