package dev.lanyard.factors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.json.JsonMapper;

/** Reloading the page that turned two-factor authentication on (its form sent again) lands on the section saying it is on. */
@LanyardSpringTest
class TwoFactorConfirmationReloadTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    MutableClock clock;

    @Test
    void theConfirmationSentAgainRedirectsToTheSectionWithANoticeNotAnError() throws Exception {
        ApiClient api = new ApiClient(mvc, json);
        TwoFactorClient factors = new TwoFactorClient(mvc, clock);
        Member uma = api.signUp("uma");
        TwoFactorClient.Enrolled enrolled = factors.enrol(uma);

        MvcResult again = factors.confirm(uma, factors.code(enrolled.seed()));
        assertThat(again.getResponse().getStatus()).isEqualTo(302);
        assertThat(again.getResponse().getRedirectedUrl()).isEqualTo("/settings/security?done=two-factor-on#two-factor");
        String page = mvc.perform(get("/settings/security?done=two-factor-on").cookie(uma.cookie())).andReturn().getResponse()
                .getContentAsString();
        assertThat(page).contains("Two-factor authentication is on.").contains("On since")
                .doesNotContain("No authenticator app is waiting")
                .contains("Code from your authenticator app, or a recovery code");
    }
}
