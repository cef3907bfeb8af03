package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** API requests pass Spring's resource URL filter untouched; pages are still wrapped, so their resource links stay versioned. */
class ResourceUrlsTest {
    private final ResourceUrls.PagesOnly filter = new ResourceUrls.PagesOnly();

    private MockFilterChain filter(String uri) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", uri);
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, new MockHttpServletResponse(), chain);
        return chain;
    }

    @Test
    void anApiRequestIsNotWrapped() throws Exception {
        MockFilterChain chain = filter("/api/v1/sessions/current");

        assertThat(chain.getRequest()).isInstanceOf(MockHttpServletRequest.class);
        assertThat(chain.getResponse()).isInstanceOf(MockHttpServletResponse.class);
    }

    @Test
    void aPageIsWrappedSoItsResourceLinksAreRewritten() throws Exception {
        MockFilterChain chain = filter("/settings/sessions");

        ServletRequest request = chain.getRequest();
        ServletResponse response = chain.getResponse();
        assertThat(request).isNotInstanceOf(MockHttpServletRequest.class);
        assertThat(response).isNotInstanceOf(MockHttpServletResponse.class);
    }
}
