package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;

/** {@code /error} asked for by anyone is not found: a client cannot make Lanyard answer 500 (outside review T). */
@LanyardSpringTest
class ErrorAddressTest {
    @Autowired
    MockMvc mvc;

    @Test
    void theErrorAddressAskedForDirectlyIsNotFound() throws Exception {
        MockHttpServletResponse api = mvc.perform(get("/error").accept(MediaType.APPLICATION_JSON)).andReturn().getResponse();
        assertThat(api.getStatus()).isEqualTo(404);
        assertThat(api.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        MockHttpServletResponse page = mvc.perform(get("/error").accept(MediaType.TEXT_HTML)).andReturn().getResponse();
        assertThat(page.getStatus()).isEqualTo(404);
        assertThat(page.getContentAsString()).contains("There is nothing at this address.");
    }
}
