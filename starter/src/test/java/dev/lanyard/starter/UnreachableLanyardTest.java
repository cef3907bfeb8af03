package dev.lanyard.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.oidcLogin;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import dev.lanyard.starter.testapp.TestApp;

/** An app whose Lanyard can't be reached: its pages say so (503 to sign in), signing out still signs out of the app, the log says why. */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
@ExtendWith(OutputCaptureExtension.class)
class UnreachableLanyardTest {
    static final int CLOSED = closedPort();
    static final String VIEWPORT = "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";

    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;

    static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void lanyard(DynamicPropertyRegistry registry) {
        registry.add("lanyard.url", () -> "http://127.0.0.1:" + CLOSED);
        registry.add("lanyard.client-id", () -> FakeLanyard.CLIENT_ID);
        registry.add("lanyard.client-secret", () -> FakeLanyard.CLIENT_SECRET);
        registry.add("lanyard.signals.delivery", () -> "none");
    }

    @Test
    void aPageAsksForASignInThatSaysLanyardCantBeReached(CapturedOutput output) throws Exception {
        Browser browser = new Browser();

        HttpResponse<String> page = browser.follow("http://127.0.0.1:" + port + "/hello");

        assertThat(page.statusCode()).isEqualTo(503);
        assertThat(page.headers().firstValue("Retry-After")).hasValue("30");
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("can't be reached").contains("/oauth2/authorization/lanyard");
        assertThat(page.body()).as("a page in English that fits a phone").startsWith("<!doctype html>").contains("<html lang=\"en\">")
                .contains("<meta charset=\"utf-8\">").contains(VIEWPORT).contains("<title>Sign-in unavailable</title>");
        assertThat(output.getOut()).contains("Signing in through Lanyard is not possible now").contains("127.0.0.1:" + CLOSED);
    }

    @Test
    void signingOutSignsOutOfTheAppAndSaysLanyardWasNotReached(CapturedOutput output) throws Exception {
        ClientRegistration lanyard = ClientRegistration.withRegistrationId(LanyardClientRegistrations.REGISTRATION_ID)
                .clientId(FakeLanyard.CLIENT_ID).authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}").authorizationUri("http://127.0.0.1:" + CLOSED + "/oauth2/authorize")
                .tokenUri("http://127.0.0.1:" + CLOSED + "/oauth2/token").build();

        mvc.perform(post("/logout").with(oidcLogin().clientRegistration(lanyard)).with(csrf()))
                .andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("You are signed out of this app")))
                .andExpect(content().string(org.hamcrest.Matchers.containsString("<html lang=\"en\">")))
                .andExpect(content().string(org.hamcrest.Matchers.containsString(VIEWPORT)));
        assertThat(output.getOut()).contains("Signed out of the app, but not of Lanyard");
    }
}
