package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.util.Optional;

import dev.lanyard.account.Account;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TestAccounts;
import dev.lanyard.device.Device;
import dev.lanyard.device.DeviceType;
import dev.lanyard.geo.GeoLocation;
import dev.lanyard.web.ApiClient;
import dev.lanyard.web.LanyardSpringTest;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A session's place as each page that shows it names it (outside review): city, region and country, in that order, as the
 * map labels two towns of one name (decision 85), so that a session in Springfield, Illinois does not read as one in
 * Springfield, Missouri. The API's location says the same in its label and gives the region on its own.
 */
@LanyardSpringTest
class SessionPlaceWebTest {
    private static final ClientOrigin SPRINGFIELD = new ClientOrigin(
            new Device("Firefox", "133", "Windows", "11", DeviceType.DESKTOP, ""),
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "73.1.2.3",
            new GeoLocation("Springfield", "Illinois", "United States", "US", "Comcast", Optional.of(39.80), Optional.of(-89.64), false));
    private static final String PLACE = "Springfield, Illinois, United States";
    /** The place on a page, which wraps between its parts and never inside one. */
    private static final String ON_A_PAGE = "<span class=\"place-name\"><span>Springfield,</span> <span>Illinois,</span> <span>United States</span></span>";

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    Sessions sessions;
    @Autowired
    SessionEnds ends;
    @Autowired
    Accounts accounts;

    private MockHttpServletResponse as(Sessions.Started laptop, String path, MediaType type) throws Exception {
        return mvc.perform(get(path).accept(type).cookie(new Cookie(ApiClient.COOKIE, laptop.token()))
                .with(ApiClient.from(TestSessions.madrid().ip()))).andReturn().getResponse();
    }

    private String page(Sessions.Started laptop, String path) throws Exception {
        MockHttpServletResponse response = as(laptop, path, MediaType.TEXT_HTML);
        assertThat(response.getStatus()).as(path).isEqualTo(200);
        return response.getContentAsString();
    }

    @Test
    void aPlaceIsNamedWithItsRegionOnEveryPageThatShowsASession() throws Exception {
        Account alice = accounts.signUp(TestAccounts.alice());
        Sessions.Started laptop = sessions.start(new NewSession(alice.id(), TestSessions.madrid(), AppType.WEB, false));
        Sessions.Started desktop = sessions.start(new NewSession(alice.id(), SPRINGFIELD, AppType.WEB, false));
        String id = desktop.session().id().value();

        assertThat(page(laptop, "/settings/sessions")).as("the member's card").contains(ON_A_PAGE, "data-where=\"" + PLACE + "\"")
                .as("a region that repeats the city is said once").contains("<span class=\"place-name\"><span>Madrid,</span> <span>Spain</span></span>");
        assertThat(page(laptop, "/settings/sessions/" + id)).as("the details page")
                .contains("<dt>Place</dt><dd><span aria-hidden=\"true\">\uD83C\uDDFA\uD83C\uDDF8 </span>" + ON_A_PAGE + "</dd>",
                        "<dt>Region</dt><dd>Illinois</dd>");
        assertThat(page(laptop, "/admin/members/" + alice.id().value() + "/sessions")).as("the admin's view of a member")
                .contains(ON_A_PAGE, "<dt>Place</dt><dd><span aria-hidden=\"true\">\uD83C\uDDFA\uD83C\uDDF8 </span>" + ON_A_PAGE + "</dd>");

        MockHttpServletResponse api = as(laptop, "/api/v1/sessions/" + id, MediaType.APPLICATION_JSON);
        assertThat(api.getStatus()).isEqualTo(200);
        JsonNode location = json.readTree(api.getContentAsString()).path("location");
        assertThat(location.path("label").asString()).isEqualTo(PLACE);
        assertThat(location.path("region").asString()).isEqualTo("Illinois");

        ends.revoke(desktop.session().id(), new CurrentSession(laptop.session().id(), alice, AppType.WEB));
        assertThat(page(laptop, "/settings/sessions/history")).as("an ended session's row").contains(ON_A_PAGE);
    }
}
