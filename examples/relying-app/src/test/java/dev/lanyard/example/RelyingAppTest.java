package dev.lanyard.example;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.oidcLogin;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Instant;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

import dev.lanyard.starter.EndedSessions;

/** The example app's page and API with the starter in place (Lanyard itself is not needed: discovery happens on first sign-in). */
@SpringBootTest(properties = {"lanyard.url=http://127.0.0.1:9", "lanyard.client-id=example-app", "lanyard.client-secret=secret"})
@AutoConfigureMockMvc
class RelyingAppTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    EndedSessions ended;

    @Test
    void pageShowsWhoIsSignedInEscaped() throws Exception {
        mvc.perform(get("/").with(oidcLogin().idToken(t -> t.subject("member-1").claim("name", "<Ada>").claim("sid", "sid-1"))))
                .andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("&lt;Ada&gt;")))
                .andExpect(content().string(Matchers.containsString("sid-1")))
                .andExpect(content().string(Matchers.containsString("name=\"_csrf\"")));
    }

    @Test
    void pageOfAnEndedLanyardSessionIsRefused() throws Exception {
        ended.sessionEnded("sid-ended", Instant.now());

        mvc.perform(get("/").with(oidcLogin().idToken(t -> t.subject("member-1").claim("sid", "sid-ended"))))
                .andExpect(status().isUnauthorized());
    }

    @Test
    void someoneNotSignedInIsSentToLanyard() throws Exception {
        mvc.perform(get("/").accept("text/html")).andExpect(status().is3xxRedirection())
                .andExpect(header().string("Location", Matchers.endsWith("/oauth2/authorization/lanyard")));
    }

    @Test
    void thePageWantsABrowserSignInAndTheApiAnAccessTokenNotTheOtherWayRound() throws Exception {
        mvc.perform(get("/api/whoami").with(oidcLogin().idToken(t -> t.subject("member-1").claim("sid", "sid-3"))))
                .andExpect(status().isForbidden());
        mvc.perform(get("/").accept("text/html").with(jwt().jwt(j -> j.subject("member-1").claim("sid", "sid-4"))))
                .andExpect(status().isForbidden());
    }

    /** What the app tells an API client about itself (RFC 9728): tokens come from Lanyard, and a bearer token is enough. */
    @Test
    void protectedResourceMetadataNamesLanyardAndClaimsNoCertificateBoundTokens() throws Exception {
        mvc.perform(get("/.well-known/oauth-protected-resource"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.authorization_servers").value(Matchers.contains("http://127.0.0.1:9")))
                .andExpect(jsonPath("$.tls_client_certificate_bound_access_tokens").value(false));
    }

    @Test
    void apiAnswersWhoTheAccessTokenIsFor() throws Exception {
        mvc.perform(get("/api/whoami").with(jwt().jwt(j -> j.subject("member-1").claim("sid", "sid-2"))))
                .andExpect(status().isOk()).andExpect(jsonPath("$.sub").value("member-1")).andExpect(jsonPath("$.sid").value("sid-2"));
    }
}
