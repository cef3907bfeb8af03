package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;

import dev.lanyard.testsupport.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/** Spring MVC's own refusals of a client's mistakes are logged as every bad request is, at most ten lines a minute. */
@LanyardSpringTest
@ExtendWith(OutputCaptureExtension.class)
class RefusedRequestLogTest {
    @Autowired
    MockMvc mvc;
    @Autowired
    MutableClock clock;

    /** The other classes of this context that look for a logged line find this minute's lines not used up. */
    @AfterEach
    void aFreshMinute() {
        clock.advance(Duration.ofMinutes(1));
    }

    private static long lines(CapturedOutput output, String mention) {
        return output.getOut().lines().filter(line -> line.contains(" WARN ") && line.contains(mention)).count();
    }

    @Test
    void aWrongMethodIsLoggedAtMostTenTimesAMinute(CapturedOutput output) throws Exception {
        clock.advance(Duration.ofMinutes(1)); // a minute of its own, whatever other tests refused before
        for (int i = 0; i < 30; i++) {
            mvc.perform(put("/api/v1/login").contentType(MediaType.APPLICATION_JSON).content("{}"))
                    .andExpect(status().isMethodNotAllowed());
            mvc.perform(put("/settings/sessions").accept(MediaType.TEXT_HTML)).andExpect(status().is4xxClientError());
        }

        assertThat(lines(output, "HttpRequestMethodNotSupportedException")).isBetween(1L, (long) BadRequestLog.PER_MINUTE);
        assertThat(output.getOut()).contains("Refused a bad request (405): PUT /api/v1/login");
    }
}
