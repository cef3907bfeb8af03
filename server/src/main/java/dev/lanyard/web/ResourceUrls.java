package dev.lanyard.web;

import java.io.IOException;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
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
 */
@Configuration(proxyBeanMethods = false)
class ResourceUrls {

    @Bean
    FilterRegistrationBean<ResourceUrlEncodingFilter> resourceUrlEncodingFilter() {
        FilterRegistrationBean<ResourceUrlEncodingFilter> registration = new FilterRegistrationBean<>(new PagesOnly());
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ERROR);
        return registration;
    }

    /** The filter for everything but {@code /api/}. */
    static final class PagesOnly extends ResourceUrlEncodingFilter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws ServletException, IOException {
            if (request instanceof HttpServletRequest http && http.getRequestURI().startsWith("/api/", http.getContextPath().length())) {
                chain.doFilter(request, response);
                return;
            }
            super.doFilter(request, response, chain);
        }
    }
}
