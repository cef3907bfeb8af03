package dev.lanyard.web;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.webmvc.actuate.endpoint.web.AbstractWebMvcEndpointHandlerMapping;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The actuator's endpoints (health, info, prometheus) are looked up after Lanyard's own handlers,
 * not before them. Spring Boot orders the actuator's handler mapping first (-100), so every API
 * request and page was first tried against each actuator path, and on no match the mapping worked
 * out why none matched (a 405 or a 406 for an actuator path): about 4% of the CPU of
 * {@code /api/v1/sessions/current} (issue 13). Ordered just after Lanyard's handlers (0), before
 * the static resources and the welcome page, a request for the actuator is answered as before, as
 * long as no Lanyard handler maps a path under {@code /actuator/}, which
 * {@code HandlerMappingOrderTest} checks.
 */
@Configuration(proxyBeanMethods = false)
class HandlerMappingOrder {
    /** Just after {@code RequestMappingHandlerMapping}'s 0, before the welcome page (2), router functions (3) and resources. */
    static final int ACTUATOR_ORDER = 1;

    @Bean
    static BeanPostProcessor actuatorAfterLanyardHandlers() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof AbstractWebMvcEndpointHandlerMapping mapping) mapping.setOrder(ACTUATOR_ORDER);
                return bean;
            }
        };
    }
}
