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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A password longer than sign-up takes is refused at sign-in before anything is hashed, in the same words whether or not
 * the email has an account, so the answer tells nobody which emails do.
 */
@LanyardSpringTest
class OverlongPasswordTest {
    private static final String TOO_LONG = "x".repeat(1025);

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;

    private ApiClient api;
    private Member lea;

    @BeforeEach
    void lea() throws Exception {
        api = new ApiClient(mvc, json);
        lea = api.signUp("lea");
    }

    private MvcResult apiLogin(String email, String password) throws Exception {
        return mvc.perform(post("/api/v1/login").with(ApiClient.from(ApiClient.newAddress())).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", email, "password", password)))).andReturn();
    }

    private MvcResult formLogin(String email, String password) throws Exception {
        return mvc.perform(post("/login").with(ApiClient.from(ApiClient.newAddress())).with(csrf()).accept(MediaType.TEXT_HTML)
                .param("email", email).param("password", password)).andReturn();
    }

    @Test
    void theApiRefusesAnOverlongPasswordNamingItTheSameForAnyEmail() throws Exception {
        MvcResult known = apiLogin(lea.email(), TOO_LONG);
        MvcResult unknown = apiLogin(TestAccounts.uniqueEmail("nobody"), TOO_LONG);

        for (MvcResult result : new MvcResult[] {known, unknown}) {
            assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(400);
            assertThat(result.getResponse().getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            assertThat(result.getResponse().getHeader("Set-Cookie")).isNull();
        }
        JsonNode answer = api.read(known);
        assertThat(answer.path("field").asString()).isEqualTo("password");
        assertThat(answer.path("detail").asString()).contains("1024 characters");
        assertThat(api.read(unknown)).isEqualTo(answer);
    }

    @Test
    void theLongestPasswordSignUpTakesIsStillCheckedAsAnyOther() throws Exception {
        MvcResult result = apiLogin(lea.email(), "x".repeat(1024));

        assertThat(result.getResponse().getStatus()).isEqualTo(401);
        assertThat(apiLogin(lea.email(), TestAccounts.PASSWORD).getResponse().getStatus()).isEqualTo(201);
    }

    @Test
    void theSignInFormSaysSoInWordsTheSameForAnyEmail() throws Exception {
        MvcResult known = formLogin(lea.email(), TOO_LONG);
        MvcResult unknown = formLogin(TestAccounts.uniqueEmail("nobody"), TOO_LONG);

        for (MvcResult result : new MvcResult[] {known, unknown}) {
            assertThat(result.getResponse().getStatus()).isEqualTo(400);
            assertThat(result.getResponse().getContentAsString()).contains("longer than 1024 characters, so it cannot be right");
        }
    }
}
