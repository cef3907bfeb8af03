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
 * form, not from the password step's; and the mail that a sign-in method was added gives its time in the member's zone.
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
}
