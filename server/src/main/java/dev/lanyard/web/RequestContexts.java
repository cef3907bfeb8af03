package dev.lanyard.web;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.RequestContextFilter;

/**
 * Keeps Spring Boot from registering its {@link RequestContextFilter}, which exposes the request and its
 * locale to the thread ({@code RequestContextHolder}, {@code LocaleContextHolder}) for every filter after
 * it. No filter Lanyard runs reads them; what does (the handlers, the views, the error advice) runs
 * inside the {@code DispatcherServlet}, which exposes the same two for the length of its own work, for
 * every dispatch. The filter's cost was its own per-request bookkeeping (decision 46).
 */
@Configuration(proxyBeanMethods = false)
class RequestContexts {

    @Bean
    FilterRegistrationBean<RequestContextFilter> noRequestContextFilter() {
        FilterRegistrationBean<RequestContextFilter> registration = new FilterRegistrationBean<>(new RequestContextFilter());
        registration.setEnabled(false);
        return registration;
    }
}
