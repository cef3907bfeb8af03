package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.net.URI;

import dev.lanyard.web.ApiClient.Member;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.json.JsonMapper;

/**
 * A query parameter named {@code x[]} is no parameter of the API's: Spring MVC read {@code ?scope[]=all} as
 * {@code scope}, around the "given once" rule ({@code ?scope=others&scope[]=all}) and past what the operation documents.
 * It is ignored now, as any unknown parameter is.
 */
@LanyardSpringTest
class ApiQueryParametersTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;

    private MockHttpServletResponse as(Member member, MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.cookie(member.cookie()).with(member.from())).andReturn().getResponse();
    }

    private boolean active(Member member) throws Exception {
        return as(member, get("/api/v1/sessions/current")).getStatus() == 200;
    }

    @Test
    void aBracketedScopeIsNotAScopeAndEndsNoSession() throws Exception {
        ApiClient api = new ApiClient(mvc, json);
        Member ada = api.signUp("brackets");
        Member phone = api.logIn(ada);

        MockHttpServletResponse response = as(ada, delete(URI.create("/api/v1/sessions?scope%5B%5D=all")));

        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(400);
        assertThat(json.readTree(response.getContentAsString()).path("field").asString()).isEqualTo("scope");
        assertThat(active(ada)).isTrue();
        assertThat(active(phone)).isTrue();

        MockHttpServletResponse others = as(ada, delete(URI.create("/api/v1/sessions?scope=others&scope%5B%5D=all")));
        assertThat(others.getStatus()).as(others.getContentAsString()).isEqualTo(200);
        assertThat(active(ada)).as("scope=others, not all").isTrue();
        assertThat(active(phone)).isFalse();
    }

    @Test
    void aListTakesNoBracketedLimitOrFilterAsAnyUnknownParameterIsIgnored() throws Exception {
        ApiClient api = new ApiClient(mvc, json);
        Member ada = api.signUp("listed");
        api.logIn(ada);

        for (String query : new String[] {"limit%5B%5D=1", "limit[]=1", "filter%5B%5D=nonsense&limit%5B%5D=x", "unknown=1"}) {
            MockHttpServletResponse response = as(ada, get(URI.create("/api/v1/sessions?" + query)));
            assertThat(response.getStatus()).as(query + ": " + response.getContentAsString()).isEqualTo(200);
            assertThat(json.readTree(response.getContentAsString()).path("items").size()).as(query).isEqualTo(2);
        }
        MockHttpServletResponse twice = as(ada, get(URI.create("/api/v1/sessions?limit%5B%5D=1&limit%5B%5D=2")));
        assertThat(twice.getStatus()).as("an unknown parameter given twice, as before").isEqualTo(400);
    }
}
