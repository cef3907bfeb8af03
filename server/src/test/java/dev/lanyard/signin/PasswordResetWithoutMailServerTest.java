package dev.lanyard.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Without a mail server, mail waits in the outbox that admins read: a reset link there would let an admin act as the
 * member, so there is no "Forgot your password?" (decision 67).
 */
@LanyardSpringTest
class PasswordResetWithoutMailServerTest {
    @Autowired
    MockMvc mvc;

    @Test
    void thereIsNoResetWithoutAMailServer() throws Exception {
        assertThat(mvc.perform(get("/login")).andReturn().getResponse().getContentAsString()).doesNotContain("Forgot your password?");
        assertThat(mvc.perform(get("/login/forgot")).andReturn().getResponse().getStatus()).isEqualTo(404);
        assertThat(mvc.perform(post("/login/forgot").with(csrf()).param("email", "ada@example.com")).andReturn().getResponse().getStatus())
                .isEqualTo(404);
        assertThat(mvc.perform(get("/login/reset/abc")).andReturn().getResponse().getStatus()).isEqualTo(404);
    }
}
