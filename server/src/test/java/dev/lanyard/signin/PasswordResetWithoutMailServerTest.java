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
 * member, so there is no "Forgot your password?" link (decision 67); the sign-in page says whom to ask instead.
 */
@LanyardSpringTest
class PasswordResetWithoutMailServerTest {
    @Autowired
    MockMvc mvc;

    @Test
    void thereIsNoResetWithoutAMailServer() throws Exception {
        assertThat(mvc.perform(get("/login")).andReturn().getResponse().getContentAsString()).doesNotContain("/login/forgot");
        assertThat(mvc.perform(get("/login/forgot")).andReturn().getResponse().getStatus()).isEqualTo(404);
        assertThat(mvc.perform(post("/login/forgot").with(csrf()).param("email", "ada@example.com")).andReturn().getResponse().getStatus())
                .isEqualTo(404);
        assertThat(mvc.perform(get("/login/reset/abc")).andReturn().getResponse().getStatus()).isEqualTo(404);
    }

    /** The page said nothing about a forgotten password without a mail server (outside review); never the operator's command. */
    @Test
    void theSignInPageSaysWhomToAskForAResetLink() throws Exception {
        String page = mvc.perform(get("/login")).andReturn().getResponse().getContentAsString().replaceAll("\\s+", " ");

        assertThat(page).contains("Forgot your password? Ask your team's admin or whoever runs this Lanyard server for a reset link.")
                .doesNotContain("reset-link").doesNotContain("java -jar");
    }
}
