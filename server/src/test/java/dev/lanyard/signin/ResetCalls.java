package dev.lanyard.signin;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.Map;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.web.ApiClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/** What the reset tests ask of the server, a mailed link's or the operator's: set the password, sign in, reach a session. */
public record ResetCalls(MockMvc mvc, ApiClient api) {
    /** The password the reset tests set. */
    public static final String NEW_PASSWORD = "a brand new passphrase";

    /** Sends the reset form of the link with {@code token}, from an address of its own. */
    public MvcResult reset(String token, String password, String confirmation) throws Exception {
        return mvc.perform(post("/login/reset/" + token).with(csrf()).with(ApiClient.from(TestAccounts.uniqueAddress()))
                .param("password", password).param("confirmation", confirmation)).andReturn();
    }

    /** The status of an API sign-in with these credentials. */
    public int logIn(String email, String password) throws Exception {
        return mvc.perform(post("/api/v1/login").with(ApiClient.from(TestAccounts.uniqueAddress())).contentType(MediaType.APPLICATION_JSON)
                .content(api.write(Map.of("email", email, "password", password)))).andReturn().getResponse().getStatus();
    }

    /** The status of the member's session's own request: 401 once it ended. */
    public int sessionsPage(ApiClient.Member member) throws Exception {
        return mvc.perform(get("/api/v1/sessions/current").cookie(member.cookie())).andReturn().getResponse().getStatus();
    }
}
