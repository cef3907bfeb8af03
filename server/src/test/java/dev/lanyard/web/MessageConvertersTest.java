package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

@LanyardSpringTest
class MessageConvertersTest {
    @Autowired
    RequestMappingHandlerAdapter adapter;
    @Autowired
    MockMvc mvc;
    @Autowired
    tools.jackson.databind.json.JsonMapper json;

    @Test
    void answersAreWrittenAsJsonWithNoConverterForFormatsTheApiDoesNotSpeak() throws Exception {
        assertThat(adapter.getMessageConverters()).noneMatch(MessageConverters::unused);
        assertThat(adapter.getMessageConverters()).anyMatch(c -> c.canWrite(java.util.Map.class, MediaType.APPLICATION_JSON));
        mvc.perform(get("/v3/api-docs").accept(MediaType.APPLICATION_JSON)).andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON));
    }

    record Stored(String kept) {
    }

    /**
     * Request bodies are read by the strict converter; Boot's mapper, which also reads what Lanyard stored itself
     * (a stream's configuration, a grant) and what receivers answer, still ignores a property it does not know.
     */
    @Test
    void onlyRequestBodiesRefuseUnknownPropertiesNotTheMapperEverythingElseReadsWith() {
        assertThat(adapter.getMessageConverters()).anyMatch(StrictJson.RequestBodies.class::isInstance)
                .noneMatch(c -> c.getClass() == org.springframework.http.converter.json.JacksonJsonHttpMessageConverter.class);
        assertThat(json.readValue("{\"kept\":\"a\",\"written-by-a-later-version\":1}", Stored.class)).isEqualTo(new Stored("a"));
    }
}
