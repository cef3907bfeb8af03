package dev.lanyard.signin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReturnPathTest {

    @Test
    void aPathOnLanyardIsKept() {
        assertThat(ReturnPath.of("/oauth2/authorize?client_id=lc_1&scope=openid%20email")).contains("/oauth2/authorize?client_id=lc_1&scope=openid%20email");
    }

    @Test
    void anythingThatCouldLeadElsewhereIsDropped() {
        for (String next : new String[]{null, "", "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example",
                "evil.example", "javascript:alert(1)", "/ok\r\nSet-Cookie: x=1", "/a b", "/{template}", "/" + "a".repeat(ReturnPath.MAX)}) {
            assertThat(ReturnPath.of(next)).as(String.valueOf(next)).isEmpty();
        }
    }
}
