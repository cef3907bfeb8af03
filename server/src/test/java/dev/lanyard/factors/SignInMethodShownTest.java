package dev.lanyard.factors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.time.Duration;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.json.JsonMapper;

/** A session's timeline (S3) and its audit entry say how it signed in: password, plus an authenticator app or a recovery code. */
@LanyardSpringTest
class SignInMethodShownTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MutableClock clock;

    /** The sign-in's second step with {@code code}: the new session's cookie. */
    private Cookie signIn(Member who, String code) throws Exception {
        String address = ApiClient.newAddress();
        MvcResult password = mvc.perform(post("/login").with(csrf()).with(ApiClient.from(address)).param("email", who.email())
                .param("password", TestAccounts.PASSWORD)).andReturn();
        String challenge = TwoFactorClient.challengeCookie(password.getResponse()).orElseThrow();
        MvcResult done = mvc.perform(post("/login/verify").with(csrf()).with(ApiClient.from(address))
                .cookie(TwoFactorClient.challenge(challenge)).param("code", code)).andReturn();
        return new Cookie(ApiClient.COOKIE, ApiClient.sessionCookie(done.getResponse()).orElseThrow());
    }

    private void assertSaid(Cookie session, String said) throws Exception {
        ApiClient api = new ApiClient(mvc, json);
        String id = api.read(mvc.perform(get("/api/v1/sessions/current").cookie(session)).andReturn()).path("id").asString();
        assertThat(mvc.perform(get("/settings/sessions/" + id).cookie(session)).andReturn().getResponse().getContentAsString())
                .contains(said);
        assertThat(jdbc.sql("SELECT detail FROM audit_entries WHERE session_id = :s AND action = 'session.signed-in'")
                .param("s", id).query(String.class).single()).startsWith(said + " on ");
    }

    @Test
    void theTimelineAndTheAuditLogSayWhichFactorsASignInUsed() throws Exception {
        ApiClient api = new ApiClient(mvc, json);
        TwoFactorClient factors = new TwoFactorClient(mvc, clock);
        Member vic = api.signUp("vic");
        assertSaid(vic.cookie(), "Signed in with a password");

        TwoFactorClient.Enrolled enrolled = factors.enrol(vic);
        clock.advance(Duration.ofSeconds(30));
        assertSaid(signIn(vic, factors.code(enrolled.seed())), "Signed in with a password and an authenticator app");
        assertSaid(signIn(vic, enrolled.recoveryCodes().get(0)), "Signed in with a password and a recovery code");
    }
}
