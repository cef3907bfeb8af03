package dev.lanyard.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.Map;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sign-up says when an email is taken, so taken emails count against the client address under the sign-in
 * throttle (decision 53), and an IPv6 client is one address per /64.
 */
@LanyardSpringTest
class SignUpThrottleTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;

    private ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(mvc, json);
    }

    private MvcResult apiSignUp(String email, String address) throws Exception {
        return mvc.perform(post("/api/v1/signup").with(ApiClient.from(address)).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", email, "password", TestAccounts.PASSWORD, "name", "Probe", "team", "Probe")))).andReturn();
    }

    @Test
    void manySignUpsWithTakenEmailsFromOneAddressAreRefusedWith429() throws Exception {
        String address = TestAccounts.uniqueAddress();
        int taken = 0;
        MvcResult refused = null;
        for (int i = 0; i < 20 && refused == null; i++) {
            Member someone = api.signUp("taken");
            MvcResult result = apiSignUp(someone.email(), address);
            if (result.getResponse().getStatus() == 429) refused = result;
            else {
                assertThat(result.getResponse().getStatus()).isEqualTo(409);
                taken++;
            }
        }

        assertThat(refused).as("refused within twenty taken emails").isNotNull();
        assertThat(taken).isEqualTo(5);
        assertThat(refused.getResponse().getHeader("Retry-After")).isNotEmpty();
        assertThat(api.read(refused).path("type").asString()).isEqualTo("urn:lanyard:problem:too-many-attempts");
        assertThat(api.read(refused).path("detail").asString()).startsWith("Too many sign-ups from your network at once, or with emails that already have an account.");
        assertThat(apiSignUp(TestAccounts.uniqueEmail("free"), address).getResponse().getStatus())
                .as("while waiting, no email is checked at all").isEqualTo(429);
        assertThat(apiSignUp(TestAccounts.uniqueEmail("free"), TestAccounts.uniqueAddress()).getResponse().getStatus())
                .as("other addresses sign up").isEqualTo(201);
    }

    @Test
    void theSignUpPageSaysSoWhenItIsThrottled() throws Exception {
        MvcResult last = null;
        for (int i = 0; i < 6; i++) {
            Member someone = api.signUp("taken");
            // Each from another address of the same /64: one client.
            last = mvc.perform(post("/signup").with(csrf()).with(ApiClient.from("2001:db8:53:1::" + Integer.toHexString(i + 1)))
                    .param("name", "Probe").param("email", someone.email()).param("password", TestAccounts.PASSWORD)
                    .param("team", "Probe")).andReturn();
        }

        assertThat(last.getResponse().getStatus()).isEqualTo(429);
        assertThat(last.getResponse().getContentAsString()).contains("Too many sign-ups from your network at once, or with emails that already have an account.");
    }

    @Test
    void wrongPasswordsFromManyAddressesOfOneIpv6SlashSixtyFourAreThrottledAsOne() throws Exception {
        Member alice = api.signUp("alice");
        int last = 0;
        for (int i = 1; i <= 19; i++) {
            last = mvc.perform(post("/api/v1/login").with(ApiClient.from("2001:db8:53:2::" + i)).contentType(MediaType.APPLICATION_JSON)
                    .content(api.write(Map.of("email", alice.email(), "password", "not the password at all")))).andReturn()
                    .getResponse().getStatus();
        }

        assertThat(last).isEqualTo(429);
    }
}
