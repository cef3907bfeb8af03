package dev.lanyard.starter.testapp;

import java.util.Map;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A relying app with nothing but the starter and two endpoints: a page and an API call. */
@SpringBootApplication
public class TestApp {

    @RestController
    static class Pages {
        @GetMapping("/hello")
        String hello(@AuthenticationPrincipal OidcUser user) {
            return "hello " + user.getSubject();
        }

        @GetMapping("/api/me")
        Map<String, Object> me(@AuthenticationPrincipal Jwt jwt) {
            return Map.of("sub", jwt.getSubject());
        }
    }
}
