package dev.lanyard.factors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.json.JsonMapper;

/**
 * With a second factor, the browser's time zone is kept when the second step completes the sign-in, from that step's
 * form (or the API's second-factor request), not from the password step's; and the mail that a sign-in method was added gives its time in the member's zone.
 */
@LanyardSpringTest
class TimeZoneAfterSecondStepTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient jdbc;

    private String stored(Member who) {
        return jdbc.sql("SELECT time_zone FROM accounts WHERE id = :id").param("id", who.accountId()).query(String.class).single();
    }

    private MockHttpServletResponse passwordStep(Member who, String zone, String address) throws Exception {
        return mvc.perform(post("/login").with(csrf()).with(ApiClient.from(address)).param("email", who.email())
                .param("password", TestAccounts.PASSWORD).param("zone", zone)).andReturn().getResponse();
    }

    @Test
    void theSecondStepsFormGivesTheZoneAndTheMailsUseIt() throws Exception {
        Member ravi = new ApiClient(mvc, json).signUp("ravi");
        assertThat(passwordStep(ravi, "Asia/Kolkata", ApiClient.newAddress()).getRedirectedUrl()).isEqualTo("/settings/sessions");
        assertThat(stored(ravi)).isEqualTo("Asia/Kolkata");

        TwoFactorClient factors = new TwoFactorClient(mvc, clock);
        TwoFactorClient.Enrolled enrolled = factors.enrol(ravi);
        String kolkata = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm", Locale.ENGLISH).format(clock.instant().atZone(ZoneId.of("Asia/Kolkata")));
        assertThat(jdbc.sql("SELECT body FROM outbox WHERE recipient = :to AND subject = :subject").param("to", ravi.email())
                .param("subject", SignInMethodMail.SUBJECT).query(String.class).single())
                .contains("When:     " + kolkata + " (Asia/Kolkata)\n").doesNotContain("UTC");

        String address = ApiClient.newAddress();
        MockHttpServletResponse password = passwordStep(ravi, "Europe/Oslo", address);
        assertThat(password.getRedirectedUrl()).isEqualTo("/login/verify");
        assertThat(stored(ravi)).as("the password alone signs no one in").isEqualTo("Asia/Kolkata");
        String challenge = TwoFactorClient.challengeCookie(password).orElseThrow();
        assertThat(mvc.perform(get("/login/verify").cookie(TwoFactorClient.challenge(challenge))).andReturn().getResponse()
                .getContentAsString()).as("the code's form asks for the zone again").contains("<input type=\"hidden\" name=\"zone\" data-browser-zone>");

        clock.advance(Duration.ofSeconds(30));
        MockHttpServletResponse verified = mvc.perform(post("/login/verify").with(csrf()).with(ApiClient.from(address))
                .cookie(TwoFactorClient.challenge(challenge))
                .param("code", factors.code(enrolled.seed())).param("zone", "America/Sao_Paulo")).andReturn().getResponse();
        assertThat(verified.getRedirectedUrl()).isEqualTo("/settings/sessions");
        assertThat(stored(ravi)).isEqualTo("America/Sao_Paulo");
    }

    private MockHttpServletResponse api(String path, java.util.Map<String, Object> body, String address) throws Exception {
        return mvc.perform(post(path).with(ApiClient.from(address)).contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(body))).andReturn().getResponse();
    }

    @Test
    void theApisSecondStepGivesTheZoneAsTheFormDoes() throws Exception {
        Member ines = new ApiClient(mvc, json).signUp("ines");
        TwoFactorClient factors = new TwoFactorClient(mvc, clock);
        TwoFactorClient.Enrolled enrolled = factors.enrol(ines);
        String address = ApiClient.newAddress();
        java.util.Map<String, Object> login = java.util.Map.of("email", ines.email(), "password", TestAccounts.PASSWORD,
                "tokenType", "bearer", "zone", "Europe/Oslo");

        MockHttpServletResponse password = api("/api/v1/login", login, address);
        assertThat(password.getStatus()).as(password.getContentAsString()).isEqualTo(200);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM accounts WHERE id = :id AND time_zone IS NOT NULL").param("id", ines.accountId())
                .query(Integer.class).single()).as("the password alone signs no one in").isZero();
        String challenge = json.readTree(password.getContentAsString()).path("challenge").asString();
        clock.advance(Duration.ofSeconds(30));

        MockHttpServletResponse wrongType = api("/api/v1/login/second-factor", java.util.Map.of("challenge", challenge,
                "code", factors.code(enrolled.seed()), "zone", 5), address);
        assertThat(wrongType.getStatus()).as(wrongType.getContentAsString()).isEqualTo(400);
        assertThat(json.readTree(wrongType.getContentAsString()).path("field").asString()).isEqualTo("zone");

        MockHttpServletResponse verified = api("/api/v1/login/second-factor", java.util.Map.of("challenge", challenge,
                "code", factors.code(enrolled.seed()), "zone", "America/Sao_Paulo"), address);
        assertThat(verified.getStatus()).as(verified.getContentAsString()).isEqualTo(201);
        assertThat(stored(ines)).as("the step that completes the sign-in says the zone, not the password step").isEqualTo("America/Sao_Paulo");
    }
}
