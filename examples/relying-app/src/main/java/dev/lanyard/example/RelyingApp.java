package dev.lanyard.example;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import static org.springframework.web.util.HtmlUtils.htmlEscape;

/**
 * A relying app with no security code of its own: lanyard-spring-boot-starter signs people in
 * through Lanyard and ends their session here the moment Lanyard ends theirs.
 */
@SpringBootApplication
public class RelyingApp {

    public static void main(String[] args) {
        SpringApplication.run(RelyingApp.class, args);
    }

    @RestController
    static class Pages {
        /** Who is signed in, and the Lanyard session this app's session depends on. */
        @GetMapping(path = "/", produces = MediaType.TEXT_HTML_VALUE)
        String home(@AuthenticationPrincipal OidcUser user, CsrfToken csrf) {
            // A bearer token is no browser sign-in: the page is for people.
            if (user == null) throw new ResponseStatusException(HttpStatus.FORBIDDEN, "Sign in with a browser to see this page.");
            String name = user.getFullName() != null ? user.getFullName() : user.getSubject();
            return """
                    <!doctype html>
                    <html lang="en"><head><meta charset="utf-8"><title>Example app</title></head>
                    <body>
                    <h1>Signed in through Lanyard</h1>
                    <dl>
                      <dt>Name</dt><dd id="name">%s</dd>
                      <dt>Email</dt><dd id="email">%s</dd>
                      <dt>Lanyard session</dt><dd id="sid">%s</dd>
                    </dl>
                    <form method="post" action="/logout">
                      <input type="hidden" name="%s" value="%s">
                      <button type="submit">Sign out of this app</button>
                    </form>
                    </body></html>
                    """.formatted(htmlEscape(name), htmlEscape(String.valueOf(user.getEmail())),
                    htmlEscape(String.valueOf(user.getIdToken().getClaimAsString("sid"))),
                    htmlEscape(csrf.getParameterName()), htmlEscape(csrf.getToken()));
        }

        /** The same for an API client holding a Lanyard access token for this app. */
        @GetMapping("/api/whoami")
        Map<String, Object> whoami(@AuthenticationPrincipal Jwt token) {
            // A browser sign-in is no access token: the API is for clients holding one.
            if (token == null) throw new ResponseStatusException(HttpStatus.FORBIDDEN, "Send a Lanyard access token.");
            return Map.of("sub", token.getSubject(), "sid", String.valueOf(token.getClaimAsString("sid")));
        }
    }
}
