package dev.lanyard.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.oidcLogin;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import dev.lanyard.starter.testapp.TestApp;

/**
 * Lanyard goes down after the app has reached it (its metadata is kept): the sign-in link still answers 503 "Sign-in
 * unavailable" rather than sending the browser to a Lanyard that is down, and signing out still signs out of the app and
 * says Lanyard could not be told. Lanyard back up, both go through it again.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
@ExtendWith(OutputCaptureExtension.class)
class LanyardGoneDownTest {
    static FakeLanyard lanyard = FakeLanyard.startOrFail();
    static final int PORT = Integer.parseInt(lanyard.issuer.substring(lanyard.issuer.lastIndexOf(':') + 1));

    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    UnreachableLanyard.Probe probe;
    @Autowired
    LanyardClientRegistrations registrations;

    @DynamicPropertySource
    static void lanyard(DynamicPropertyRegistry registry) {
        registry.add("lanyard.url", () -> lanyard.issuer);
        registry.add("lanyard.client-id", () -> FakeLanyard.CLIENT_ID);
        registry.add("lanyard.client-secret", () -> FakeLanyard.CLIENT_SECRET);
        registry.add("lanyard.signals.delivery", () -> "none");
    }

    @AfterAll
    static void stop() {
        lanyard.close();
    }

    @Test
    void signInAndSignOutSayLanyardCantBeReachedWheneverItIsDown(CapturedOutput output) throws Exception {
        Browser browser = new Browser();
        String page = "http://127.0.0.1:" + port + "/hello";
        assertThat(browser.follow(page).statusCode()).as("Lanyard up: signed in through it").isEqualTo(200);
        assertThat(mvc.perform(post("/logout").with(oidcLogin().clientRegistration(registrations.registration())).with(csrf()))
                .andReturn().getResponse().getStatus()).as("Lanyard up: signing out goes on to it").isEqualTo(302);

        lanyard.close();
        probe.forget(); // the kept answer (a few seconds) says it was up

        HttpResponse<String> signIn = new Browser().follow(page);
        assertThat(signIn.statusCode()).isEqualTo(503);
        assertThat(signIn.body()).contains("Sign-in unavailable").contains("can't be reached");
        mvc.perform(post("/logout").with(oidcLogin().clientRegistration(registrations.registration())).with(csrf()))
                .andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("You are signed out of this app")));
        assertThat(output.getOut()).contains("Signing in through Lanyard is not possible now").contains("127.0.0.1:" + PORT)
                .contains("Signed out of the app, but not of Lanyard");

        lanyard = restartedOn(PORT);
        probe.forget();
        assertThat(new Browser().follow(page).statusCode()).as("Lanyard back: signing in works again").isEqualTo(200);
    }

    /** A burst of sign-ins asks Lanyard once: the answer is kept a few seconds. */
    @Test
    void aBurstOfSignInsCostsOneProbe() throws Exception {
        probe.forget();
        UnreachableLanyard.Probe counted = new UnreachableLanyard.Probe(lanyard.properties(), UnreachableLanyard.Probe.KEEP);
        int before = lanyard.discoveryFetches.get();
        for (int i = 0; i < 20; i++) assertThat(counted.unreachable()).isEmpty();
        assertThat(lanyard.discoveryFetches.get() - before).isEqualTo(1);
    }

    private static FakeLanyard restartedOn(int port) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                return new FakeLanyard(port);
            } catch (java.net.BindException e) {
                if (attempt > 50) throw e;
                Thread.sleep(100);
            }
        }
    }
}
