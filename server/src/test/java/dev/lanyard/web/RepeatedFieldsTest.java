package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.List;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.team.TeamClient;
import dev.lanyard.web.ApiClient.Member;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.json.JsonMapper;

/**
 * A page's field that its handler reads as one value is refused when sent more than once, naming it, and nothing is done
 * (outside review: Spring MVC joined the values with a comma, and a session was renamed "first,second"); the fields a
 * form repeats on purpose are read as lists and pass. A field the handler cannot read as its type is named too.
 */
@LanyardSpringTest
class RepeatedFieldsTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @LocalServerPort
    int port;

    private TeamClient team;
    private Member ada;

    @BeforeEach
    void anAdmin() throws Exception {
        team = new TeamClient(mvc, json, jdbc, port);
        ada = team.admin("ada");
    }

    private String storedName(Member member) throws Exception {
        return team.read(team.current(member)).path("name").asString();
    }

    @Test
    void aSessionNameSentTwiceIsRefusedNamingTheFieldAndNothingIsStored() throws Exception {
        String rename = "/settings/sessions/" + ada.sessionId() + "/name";
        MockHttpServletResponse twice = team.perform(team.form(post(rename), ada).param("name", "first", "second")).getResponse();
        assertThat(twice.getStatus()).isEqualTo(400);
        assertThat(twice.getContentAsString()).contains("The field “name” was sent more than once (in the form, or in the form and "
                + "the address of the page). Lanyard takes it once, so nothing was done.");

        MockHttpServletResponse inTheAddressToo = team.perform(team.form(post(rename + "?name=fromquery"), ada)
                .param("name", "frombody")).getResponse();
        assertThat(inTheAddressToo.getStatus()).isEqualTo(400);
        assertThat(storedName(ada)).as("nothing stored").isEmpty();

        MockHttpServletResponse once = team.perform(team.form(post(rename), ada).param("name", "Work laptop")).getResponse();
        assertThat(once.getStatus()).isEqualTo(302);
        assertThat(storedName(ada)).isEqualTo("Work laptop");
    }

    /**
     * A field whose name ends in [] is no field of a page's and is ignored, as the API ignores such a parameter (outside
     * review): Spring MVC read newDeviceEmails[] as newDeviceEmails when that was not sent, so newDeviceEmails[]=on alone
     * turned the new device emails on, and name=first&name[]=second got past the check of a field sent more than once.
     */
    @Test
    void aFieldNamedWithBracketsIsIgnored() throws Exception {
        String alerts = "/settings/security/alerts";
        assertThat(team.perform(team.form(post(alerts), ada).param("newDeviceEmails", "off")).getResponse().getRedirectedUrl())
                .isEqualTo("/settings/security?done=alerts-off");
        for (String[][] fields : new String[][][] {{{"newDeviceEmails[]", "on"}}, {{"newDeviceEmails[]", "on"}, {"newDeviceEmails", "off"}}}) {
            var request = team.form(post(alerts), ada);
            for (String[] field : fields) request.param(field[0], field[1]);
            MockHttpServletResponse ignored = team.perform(request).getResponse();
            assertThat(ignored.getRedirectedUrl()).as(ignored.getContentAsString()).isEqualTo("/settings/security?done=alerts-off");
        }
        assertThat(team.perform(team.page(get("/settings/security"), ada)).getResponse().getContentAsString())
                .doesNotContainPattern("name=\"newDeviceEmails\" value=\"on\"\\s+checked");
        MockHttpServletResponse garbage = team.perform(team.form(post(alerts), ada).param("newDeviceEmails", "on")
                .param("newDeviceEmails[]", "garbage")).getResponse();
        assertThat(garbage.getRedirectedUrl()).as("the field as sent, the other ignored").isEqualTo("/settings/security?done=alerts-on");

        String rename = "/settings/sessions/" + ada.sessionId() + "/name";
        MockHttpServletResponse renamed = team.perform(team.form(post(rename + "?name%5B%5D=fromquery"), ada).param("name", "first")
                .param("name[]", "second")).getResponse();
        assertThat(renamed.getStatus()).as(renamed.getContentAsString()).isEqualTo(302);
        assertThat(storedName(ada)).isEqualTo("first");
    }

    /** A page's filters in its address: one given twice is refused as a form's field is, a filter record's as well. */
    @Test
    void aFilterGivenTwiceInTheAddressIsRefused() throws Exception {
        for (String address : List.of("/admin/sessions?member=a&member=b", "/admin/audit?zone=UTC&zone=Europe/Madrid",
                "/settings/activity?action=session.signed-in&action=session.revoked")) {
            MockHttpServletResponse refused = team.perform(team.page(get(address), ada)).getResponse();
            assertThat(refused.getStatus()).as(address).isEqualTo(400);
            assertThat(refused.getContentAsString()).as(address).contains("was sent more than once");
        }
        assertThat(team.perform(team.page(get("/admin/audit?zone=Europe/Madrid&action="), ada)).getResponse().getStatus()).isEqualTo(200);
    }

    /** The sessions ticked to sign out and an API key's scopes are one field each, repeated: all of them are taken. */
    @Test
    void theFieldsAFormRepeatsOnPurposeAreAllTaken() throws Exception {
        Member phone = team.anotherDevice(ada);
        Member tablet = team.anotherDevice(ada);
        MockHttpServletResponse confirm = team.perform(team.form(post("/settings/sessions/sign-out-selected"), ada)
                .param("ids", phone.sessionId(), tablet.sessionId())).getResponse();
        assertThat(confirm.getStatus()).isEqualTo(200);
        assertThat(confirm.getContentAsString()).contains("value=\"" + phone.sessionId() + "\"").contains("value=\"" + tablet.sessionId() + "\"");

        MockHttpServletResponse created = team.perform(team.form(post("/settings/api-keys"), ada).param("name", "CI deploy")
                .param("scopes", "sessions:read", "sessions:write").param("expires", "30").param("password", TestAccounts.PASSWORD))
                .getResponse();
        assertThat(created.getStatus()).as(created.getContentAsString()).isEqualTo(302);
        String key = created.getRedirectedUrl().replaceAll(".*/api-keys/([^/]+)/created", "$1");
        assertThat(team.read(team.perform(team.as(get("/api/v1/api-keys/" + key), ada))).path("scopes").toString())
                .contains("sessions:read").contains("sessions:write");
    }

    /** A field whose value its handler cannot read (a checkbox's true or false) is named (outside review: "The request was not valid"). */
    @Test
    void aFieldTheHandlerCannotReadIsNamed() throws Exception {
        MockHttpServletResponse refused = team.perform(team.form(post("/admin/members/permissions"), ada)
                .param("membersSeeSessions", "maybe")).getResponse();
        assertThat(refused.getStatus()).isEqualTo(400);
        assertThat(refused.getContentAsString()).contains("The value of the field “membersSeeSessions” was not understood, so nothing "
                + "was done.");
    }

    /** A handler the rule reads its fields from: each kind of parameter once. */
    @SuppressWarnings("unused")
    private static final class Handler {
        record Filters(String actor, List<String> tags, int page) {
        }

        void handle(@RequestParam String name, @RequestParam(name = "ids", required = false) List<String> ids,
                    @RequestParam("kept") boolean keep, @RequestParam(required = false) String[] scopes, Filters filters,
                    @org.springframework.security.core.annotation.AuthenticationPrincipal Filters principal) {
        }
    }

    @Test
    void theFieldsReadOnceAreThoseTheHandlerReadsAsOneValue() throws Exception {
        java.lang.reflect.Method handle = java.util.Arrays.stream(Handler.class.getDeclaredMethods())
                .filter(m -> m.getName().equals("handle")).findFirst().orElseThrow();
        assertThat(RepeatedFields.readOnce(handle)).containsExactly("name", "kept", "actor", "page");
    }
}
