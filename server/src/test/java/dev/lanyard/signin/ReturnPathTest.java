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

    /** Tomcat refuses to resolve a dot segment above the root with a 500; no page of Lanyard's has one (outside review). */
    @Test
    void aPathWithADotSegmentIsDropped() {
        for (String next : new String[]{"/..", "/.", "/..//evil.example", "/a/../../b", "/a/./b", "/%2e%2e/x", "/%2E%2e/x", "/.%2E/x",
                "/a/%2e", "/a/..?x=1", "/a/..#x", "/x#/../..?y"}) {
            assertThat(ReturnPath.of(next)).as(next).isEmpty();
        }
        assertThat(ReturnPath.of("/oauth2/authorize?state=../..&redirect_uri=https%3A%2F%2Fapp.example%2F..%2Fcb"))
                .as("dots in the query are the app's business").isPresent();
        assertThat(ReturnPath.of("/a/...b/.well-known")).isPresent();
    }

    /** Tomcat writes a Location header in Latin-1 and drops one it cannot: the path goes there in ASCII. */
    @Test
    void aCharacterOutsideAsciiIsPercentEncodedAsUtf8() {
        assertThat(ReturnPath.of("/\u00e9")).contains("/%C3%A9");
        assertThat(ReturnPath.of("/\u3002evil.example")).contains("/%E3%80%82evil.example");
        assertThat(ReturnPath.of("/a?name=\ud83e\udd84")).contains("/a?name=%F0%9F%A6%84");
        assertThat(ReturnPath.of("/%C3%A9")).as("encoded already: kept").contains("/%C3%A9");
        assertThat(ReturnPath.of("/" + "\u00e9".repeat(ReturnPath.MAX / 2))).as("too long once encoded").isEmpty();
    }
}
