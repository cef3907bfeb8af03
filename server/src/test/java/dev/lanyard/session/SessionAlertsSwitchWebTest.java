package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.lanyard.team.TeamClient;
import dev.lanyard.web.ApiClient.Member;
import dev.lanyard.web.LanyardSpringTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.json.JsonMapper;

/**
 * A session's sign-in alerts switch says what it does, and says when turning it off leaves no session of the member's
 * with alerts on, since then no new device's alert is mailed at all (outside QA AH: "Sign-in alerts are off for this
 * session" was all it said, and the member's only session turned off stopped every alert).
 */
@LanyardSpringTest
class SessionAlertsSwitchWebTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @LocalServerPort
    int port;

    @Test
    void turningOffTheLastSwitchThatIsOnSaysNoAlertWillBeMailed() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        Member laptop = team.anotherDevice(ada);
        String own = "/settings/sessions/" + ada.sessionId();
        String other = "/settings/sessions/" + laptop.sessionId();

        assertThat(page(team, ada, own)).contains("Sign-in alerts are on for this session: while it is signed in, you are emailed"
                + " when a new device or place signs in to your account.");

        assertThat(switchTo(team, ada, other, false)).isEqualTo(other + "?done=alerts-off");
        String first = page(team, ada, other + "?done=alerts-off");
        assertThat(first).contains("Sign-in alerts are off for this session.").doesNotContain("None of your");

        assertThat(switchTo(team, ada, own, false)).isEqualTo(own + "?done=alerts-off-everywhere");
        assertThat(page(team, ada, own + "?done=alerts-off-everywhere")).contains("None of your sessions has them on now,"
                + " so no email is sent when a new device or place signs in to your account.")
                .contains("None of your other sessions has them on, so no email is sent when a new device or place signs in.");

        assertThat(switchTo(team, ada, other, true)).isEqualTo(other + "?done=alerts-on");
        assertThat(page(team, ada, own)).doesNotContain("None of your other sessions has them on");
    }

    /**
     * The switch sends true or false; anything else, or nothing, changes nothing and the page says so (outside review:
     * {@code alerts=garbage} was a bare "The request was not valid", and no value at all turned the alerts off).
     */
    @Test
    void aSwitchValueThatIsNeitherOnNorOffChangesNothingAndSaysSo() throws Exception {
        TeamClient team = new TeamClient(mvc, json, jdbc, port);
        Member ada = team.admin("ada");
        String own = "/settings/sessions/" + ada.sessionId();
        for (String value : new String[] {"garbage", "", null}) {
            var form = team.form(post(own + "/alerts"), ada);
            if (value != null) form.param("alerts", value);
            MockHttpServletResponse refused = team.perform(form).getResponse();
            assertThat(refused.getStatus()).as(value).isEqualTo(400);
            assertThat(refused.getContentAsString()).contains("The sign-in alerts switch sent neither on nor off, so nothing was changed.")
                    .contains("Sign-in alerts are on for this session");
        }
        assertThat(page(team, ada, own)).contains("Sign-in alerts are on for this session");
    }

    private static String switchTo(TeamClient team, Member member, String session, boolean on) throws Exception {
        MockHttpServletResponse done = team.perform(team.form(post(session + "/alerts"), member)
                .param("alerts", Boolean.toString(on))).getResponse();
        return done.getRedirectedUrl();
    }

    private static String page(TeamClient team, Member member, String path) throws Exception {
        return team.perform(team.page(get(path), member)).getResponse().getContentAsString();
    }
}
