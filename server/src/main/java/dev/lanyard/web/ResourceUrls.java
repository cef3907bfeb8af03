package dev.lanyard.web;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.resource.ResourceUrlEncodingFilter;

/**
 * Spring's {@link ResourceUrlEncodingFilter} (registered because the webjars locator enables the
 * resource chain) wraps the request and the response so that pages can link versioned resources.
 * The API answers JSON and links none, so its requests skip the filter: two wrappers fewer, through
 * which every later header and attribute lookup of the request would pass (issue 13). Pages keep it.
 * Registered in place of Spring Boot's own registration, with the same dispatcher types.
 *
 * <p>On a page, only a link to a static file ({@link SecurityConfiguration#STATIC_FILES}) is handed to Spring's
 * resource chain. Static files are served at {@code /**}, so the chain took every link of a page for one, and looked
 * each up in the jar under four folders, in vain: a sessions page of 100 cards spent three quarters of its time there,
 * where the same list took 10–30 ms in the API (outside review).
 */
@Configuration(proxyBeanMethods = false)
class ResourceUrls {
    /** The paths of static files, and the folders they are in: {@code /css/}, ..., {@code /favicon.ico}. */
    private static final List<String> STATIC_PATHS = Arrays.stream(SecurityConfiguration.STATIC_FILES)
            .map(pattern -> pattern.replace("**", "")).toList();

    @Bean
    FilterRegistrationBean<ResourceUrlEncodingFilter> resourceUrlEncodingFilter() {
        FilterRegistrationBean<ResourceUrlEncodingFilter> registration = new FilterRegistrationBean<>(new PagesOnly());
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ERROR);
        return registration;
    }

    /** The filter for everything but {@code /api/}, rewriting the links of static files only. */
    static final class PagesOnly extends ResourceUrlEncodingFilter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws ServletException, IOException {
            HttpServletRequest http = (HttpServletRequest) request;
            if (http.getRequestURI().startsWith("/api/", http.getContextPath().length())) {
                chain.doFilter(request, response);
                return;
            }
            super.doFilter(request, response, (wrapped, rewriting) -> chain.doFilter(wrapped,
                    new StaticFilesOnly((HttpServletResponse) rewriting, (HttpServletResponse) response, http.getContextPath())));
        }
    }

    /** A page's response: its links to static files go through Spring's rewriting, every other link past it. */
    static final class StaticFilesOnly extends HttpServletResponseWrapper {
        private final HttpServletResponse plain;
        private final String contextPath;

        StaticFilesOnly(HttpServletResponse rewriting, HttpServletResponse plain, String contextPath) {
            super(rewriting);
            this.plain = plain;
            this.contextPath = contextPath;
        }

        @Override
        public String encodeURL(String url) {
            return staticFile(url) ? super.encodeURL(url) : plain.encodeURL(url);
        }

        /** Whether the link, under the context path, is to a static file. */
        private boolean staticFile(String url) {
            if (!url.startsWith(contextPath)) return false;
            String path = url.substring(contextPath.length());
            return STATIC_PATHS.stream().anyMatch(path::startsWith);
        }
    }
}
