package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.LanyardSpringTest;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.json.JsonMapper;

/**
 * "Revoked by you from …" names the session it was revoked from, a name someone typed: in a {@code <bdi>} on the history
 * and details pages, so that a name in Arabic that ends in a digit does not take the sentence's end along; the API
 * gives the name as it is.
 */
@LanyardSpringTest
class RevokedFromNameWebTest {
    private static final String NAME = "حاسوب العمل 2";

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    Sessions sessions;
    @Autowired
    SessionEnds ends;
    @Autowired
    SessionChanges changes;
    @Autowired
    Accounts accounts;

    @Test
    void aRightToLeftNameOfTheRevokingSessionIsIsolatedOnThePagesAndAsItIsInTheApi() throws Exception {
        Account alice = accounts.signUp(TestAccounts.alice());
        Sessions.Started laptop = sessions.start(new NewSession(alice.id(), TestSessions.madrid(), AppType.WEB, false));
        Sessions.Started phone = sessions.start(new NewSession(alice.id(), TestSessions.madrid(), AppType.WEB, false));
        changes.rename(laptop.session().id(), alice.id(), NAME);
        ends.revoke(phone.session().id(), new CurrentSession(laptop.session().id(), alice, AppType.WEB));

        assertThat(page(laptop, "/settings/sessions/history")).contains("Revoked by you from <bdi>" + NAME + "</bdi>");
        assertThat(page(laptop, "/settings/sessions/" + phone.session().id().value()))
                .contains("This session has ended: <bdi>Revoked by you from <bdi>" + NAME + "</bdi></bdi>.");
        MockHttpServletResponse api = from(laptop, get(URI.create("/api/v1/sessions/" + laptop.session().id().value())));
        assertThat(json.readTree(api.getContentAsString(StandardCharsets.UTF_8)).path("name").asString()).isEqualTo(NAME);
    }

    private String page(Sessions.Started as, String path) throws Exception {
        MockHttpServletResponse response = from(as, get(URI.create(path)).accept(MediaType.TEXT_HTML));
        assertThat(response.getStatus()).isEqualTo(200);
        return response.getContentAsString(StandardCharsets.UTF_8);
    }

    private MockHttpServletResponse from(Sessions.Started as,
                                         org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.cookie(new Cookie(ApiClient.COOKIE, as.token())).with(ApiClient.from(TestSessions.madrid().ip())))
                .andReturn().getResponse();
    }
}
