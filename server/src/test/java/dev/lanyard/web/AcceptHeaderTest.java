package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.List;
import java.util.Map;

import dev.lanyard.account.TestAccounts;
import dev.lanyard.web.ApiClient.Member;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An API request whose Accept header rules out JSON is refused with 406 before its handler runs, so it changes
 * nothing (outside QA: a login asking for XML started a session, signing out others asking for HTML ended them, and
 * both were answered 406), and a download that was refused is neither made nor recorded.
 */
@LanyardSpringTest
class AcceptHeaderTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    private ApiClient api;
    private Member laptop;
    private Member phone;

    @BeforeEach
    void aliceOnTwoDevices() throws Exception {
        api = new ApiClient(mvc, json);
        laptop = api.signUp("alice");
        phone = api.logIn(laptop);
    }

    private MockHttpServletResponse as(Member member, MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.cookie(member.cookie()).with(member.from())).andReturn().getResponse();
    }

    private int activeSessions() throws Exception {
        MockHttpServletResponse list = as(laptop, get("/api/v1/sessions"));
        assertThat(list.getStatus()).isEqualTo(200);
        return json.readTree(list.getContentAsString()).path("items").size();
    }

    private void assertNotAcceptable(MockHttpServletResponse response) throws Exception {
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(406);
        assertThat(response.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        JsonNode problem = json.readTree(response.getContentAsString());
        assertThat(problem.path("type").asString()).isEqualTo("urn:lanyard:problem:not-acceptable");
        assertThat(problem.path("detail").asString()).contains("application/json");
    }

    @Test
    void aLoginThatCannotBeAnsweredStartsNoSession() throws Exception {
        int before = activeSessions();

        for (String accept : List.of("application/xml", MediaType.TEXT_HTML_VALUE, "text/plain, image/*", "application/json;q=0",
                "not a media type")) {
            MockHttpServletResponse refused = mvc.perform(post("/api/v1/login").with(ApiClient.from(ApiClient.newAddress()))
                    .contentType(MediaType.APPLICATION_JSON).header(HttpHeaders.ACCEPT, accept)
                    .content(api.write(Map.of("email", laptop.email(), "password", TestAccounts.PASSWORD)))).andReturn().getResponse();
            assertNotAcceptable(refused);
            assertThat(ApiClient.setCookie(refused)).as(accept).isEmpty();
        }

        assertThat(activeSessions()).as("no session started").isEqualTo(before);
    }

    @Test
    void signingOthersOutAskingForHtmlEndsNothing() throws Exception {
        assertNotAcceptable(as(laptop, delete("/api/v1/sessions?scope=others").accept(MediaType.TEXT_HTML)));
        assertThat(as(phone, get("/api/v1/sessions/current")).getStatus()).as("the phone is still signed in").isEqualTo(200);
        assertNotAcceptable(as(laptop, delete("/api/v1/sessions/" + phone.sessionId()).accept(MediaType.TEXT_HTML)));
        assertThat(as(phone, get("/api/v1/sessions/current")).getStatus()).as("the phone is still signed in").isEqualTo(200);

        MockHttpServletResponse ended = as(laptop, delete("/api/v1/sessions?scope=others").accept(MediaType.ALL));
        assertThat(ended.getStatus()).isEqualTo(200);
        assertThat(json.readTree(ended.getContentAsString()).path("ended").asInt()).isEqualTo(1);
    }

    /** Answered as before, and labelled application/json even for a client that named only problems. */
    @Test
    void everyAcceptThatAllowsJsonIsAnsweredAsBefore() throws Exception {
        for (String accept : List.of("*/*", MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                "application/*", "application/json;charset=UTF-8",
                "text/html, application/json;q=0.1", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")) {
            MockHttpServletResponse current = as(laptop, get("/api/v1/sessions/current").header(HttpHeaders.ACCEPT, accept));
            assertThat(current.getStatus()).as(accept).isEqualTo(200);
            assertThat(current.getContentType()).as(accept).startsWith(MediaType.APPLICATION_JSON_VALUE);
        }
        assertThat(as(laptop, get("/api/v1/sessions/current")).getStatus()).as("no Accept").isEqualTo(200);
        assertThat(as(laptop, get("/api/v1/sessions/current").header(HttpHeaders.ACCEPT, "")).getStatus()).as("empty Accept").isEqualTo(200);
    }

    /** OPTIONS answers with headers only, whatever is accepted (found by a review: 406 for Accept: text/plain). Not in the document. */
    @Test
    void optionsIsAnsweredWhateverIsAccepted() throws Exception {
        java.net.http.HttpResponse<String> options = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/sessions"))
                .header(HttpHeaders.ACCEPT, MediaType.TEXT_PLAIN_VALUE).header(HttpHeaders.AUTHORIZATION, "Bearer " + api.logInForBearer(laptop).token())
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(options.statusCode()).as(options.body()).isEqualTo(200);
        assertThat(options.headers().firstValue(HttpHeaders.ALLOW).orElse("")).contains("GET");
    }

    @Test
    void aProblemIsAnsweredToAClientThatAcceptsOnlyProblems() throws Exception {
        MockHttpServletResponse missing = as(laptop, get("/api/v1/sessions/" + "x".repeat(20)).accept(MediaType.APPLICATION_PROBLEM_JSON));
        assertThat(missing.getStatus()).isBetween(400, 499);
        assertThat(missing.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    }

    @Test
    void aDownloadIsRefusedOnlyAnAcceptThatTakesNoneOfItsTypes() throws Exception {
        for (String accept : List.of("text/csv", "text/*", MediaType.APPLICATION_JSON_VALUE, "*/*")) {
            MockHttpServletResponse csv = as(laptop, get("/api/v1/audit/export?format=csv").header(HttpHeaders.ACCEPT, accept));
            assertThat(csv.getStatus()).as(accept).isEqualTo(200);
            assertThat(csv.getContentType()).as(accept).startsWith("text/csv");
        }
        MockHttpServletResponse refused = as(laptop, get("/api/v1/audit/export?format=csv").accept(MediaType.TEXT_HTML));
        assertNotAcceptable(refused);
        assertThat(json.readTree(refused.getContentAsString()).path("detail").asString()).contains("text/csv");

        assertNotAcceptable(as(laptop, get("/api/v1/account/export").header(HttpHeaders.ACCEPT, "text/csv")));
        assertThat(activity()).as("a refused data export is not recorded").doesNotContain("account.data-exported");
        MockHttpServletResponse data = as(laptop, get("/api/v1/account/export").accept(MediaType.APPLICATION_JSON));
        assertThat(data.getStatus()).isEqualTo(200);
        assertThat(data.getContentType()).startsWith(MediaType.APPLICATION_JSON_VALUE);
        assertThat(activity()).contains("account.data-exported");
    }

    private List<String> activity() throws Exception {
        MockHttpServletResponse list = as(laptop, get("/api/v1/audit?scope=own"));
        assertThat(list.getStatus()).isEqualTo(200);
        List<String> actions = new java.util.ArrayList<>();
        json.readTree(list.getContentAsString()).path("items").forEach(e -> actions.add(e.path("action").asString()));
        return actions;
    }
}
