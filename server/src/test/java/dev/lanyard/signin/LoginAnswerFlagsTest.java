package dev.lanyard.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.Map;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The answer of a sign-in from a new device carries the flags the risk assessment gave the session as it started. */
@LanyardSpringTest
class LoginAnswerFlagsTest {
    private static final String CHROME_ON_MAC =
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;

    @Test
    void aSignInFromANewDeviceAnswersWithItsFlagsAsTheSessionShowsThem() throws Exception {
        ApiClient api = new ApiClient(mvc, json);
        Member lea = api.signUp("lea");
        MvcResult login = mvc.perform(post("/api/v1/login").with(ApiClient.from(ApiClient.newAddress()))
                .header(HttpHeaders.USER_AGENT, CHROME_ON_MAC).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", lea.email(), "password", TestAccounts.PASSWORD, "tokenType", "bearer")))).andReturn();
        assertThat(login.getResponse().getStatus()).as(login.getResponse().getContentAsString()).isEqualTo(201);
        JsonNode answered = api.read(login);
        JsonNode session = answered.path("session");
        assertThat(session.path("flags").size()).as(session.toString()).isPositive();
        assertThat(session.path("flags").get(0).path("code").asString()).isEqualTo("new-device");
        assertThat(session.path("concern").isNull()).isFalse();

        JsonNode current = api.read(mvc.perform(get("/api/v1/sessions/current")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + answered.path("token").asString())).andReturn());
        assertThat(session.path("flags")).isEqualTo(current.path("flags"));
        assertThat(session.path("concern")).isEqualTo(current.path("concern"));
    }
}
