package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.resource.AbstractResourceResolver;
import org.springframework.web.servlet.resource.ResourceHttpRequestHandler;
import org.springframework.web.servlet.resource.ResourceResolverChain;
import org.springframework.web.servlet.resource.ResourceUrlProvider;
import org.springframework.web.servlet.resource.ResourceUrlProviderExposingInterceptor;

/**
 * API requests pass Spring's resource URL filter untouched; pages are still wrapped, so their resource links stay versioned,
 * and only those: a link to a page is no resource to look for.
 */
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

    /**
     * Outside review: a sessions page of 100 cards took 1.6–1.9 s where the API's list took 10–30 ms. Static files are
     * served at every path, so Spring's resource chain looked for a file behind each of the page's hundreds of links, in
     * vain. It is asked about links to static files only; the others come out as they went in.
     */
    @Test
    void aPageHandsOnlyItsLinksToStaticFilesToTheResourceChain() throws Exception {
        List<String> asked = new ArrayList<>();
        List<String> links = pageLinks("", asked, "/webjars/htmx.org/dist/htmx.min.js", "/settings/sessions/ses_1",
                "/admin/members/acc_1/sessions?cursor=abc", "/css/lanyard.css", "/favicon.ico");

        assertThat(asked).containsExactly("/webjars/htmx.org/dist/htmx.min.js", "/css/lanyard.css", "/favicon.ico");
        assertThat(links).containsExactly("/webjars/htmx.org/2.0.4/dist/htmx.min.js", "/settings/sessions/ses_1",
                "/admin/members/acc_1/sessions?cursor=abc", "/css/lanyard.css", "/favicon.ico");
    }

    @Test
    void underAContextPathThePageStillHandsOnlyItsLinksToStaticFilesToTheResourceChain() throws Exception {
        List<String> asked = new ArrayList<>();
        List<String> links = pageLinks("/lanyard", asked, "/lanyard/webjars/htmx.org/dist/htmx.min.js", "/lanyard/settings/sessions",
                "/lanyard/js/live.js");

        assertThat(asked).containsExactly("/webjars/htmx.org/dist/htmx.min.js", "/js/live.js");
        assertThat(links).containsExactly("/lanyard/webjars/htmx.org/2.0.4/dist/htmx.min.js", "/lanyard/settings/sessions",
                "/lanyard/js/live.js");
    }

    /** The links a page at {@code contextPath} writes, as the filter gives them back; what the resource chain was asked goes to {@code asked}. */
    private List<String> pageLinks(String contextPath, List<String> asked, String... urls) throws Exception {
        // Static files at every path, as Spring Boot serves them; found (or not) by a resolver that notes what it is asked.
        ResourceHttpRequestHandler files = new ResourceHttpRequestHandler();
        files.setResourceResolvers(List.of(new AbstractResourceResolver() {
            @Override
            protected Resource resolveResourceInternal(HttpServletRequest request, String path, List<? extends Resource> locations,
                                                       ResourceResolverChain next) {
                return null;
            }

            @Override
            protected String resolveUrlPathInternal(String path, List<? extends Resource> locations, ResourceResolverChain next) {
                asked.add("/" + path);
                return path.replace("htmx.org/", "htmx.org/2.0.4/");
            }
        }));
        ResourceUrlProvider chain = new ResourceUrlProvider();
        chain.setHandlerMap(Map.of("/**", files));
        MockHttpServletRequest request = new MockHttpServletRequest("GET", contextPath + "/settings/sessions");
        request.setContextPath(contextPath);
        List<String> links = new ArrayList<>();
        filter.doFilter(request, new MockHttpServletResponse(), (page, response) -> {
            // As Spring MVC's resource interceptor does before the page's template is rendered.
            page.setAttribute(ResourceUrlProviderExposingInterceptor.RESOURCE_URL_PROVIDER_ATTR, chain);
            for (String url : urls) links.add(((HttpServletResponse) response).encodeURL(url));
        });
        return links;
    }
}
