package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.webmvc.actuate.endpoint.web.AbstractWebMvcEndpointHandlerMapping;
import org.springframework.context.ApplicationContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

@LanyardSpringTest
class HandlerMappingOrderTest {
    @Autowired
    ApplicationContext context;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping lanyard;
    @Autowired
    MockMvc mvc;

    @Test
    void theActuatorIsLookedUpAfterLanyardsHandlersAndNoLanyardHandlerShadowsIt() throws Exception {
        Map<String, AbstractWebMvcEndpointHandlerMapping> actuator = context.getBeansOfType(AbstractWebMvcEndpointHandlerMapping.class);
        assertThat(actuator).isNotEmpty();
        assertThat(actuator.values()).allSatisfy(m -> assertThat(m.getOrder()).isEqualTo(HandlerMappingOrder.ACTUATOR_ORDER).isGreaterThan(lanyard.getOrder()));
        assertThat(lanyard.getHandlerMethods().keySet()).isNotEmpty()
                .allSatisfy(info -> assertThat(info.getPatternValues()).noneMatch(p -> p.startsWith("/actuator") || p.startsWith("/**") || p.startsWith("/{")));

        mvc.perform(get("/actuator/health")).andExpect(status().isOk());
        mvc.perform(get("/actuator/health/liveness")).andExpect(status().isOk());
        mvc.perform(get("/actuator/health/readiness")).andExpect(status().isOk());
        mvc.perform(get("/api/v1/sessions/current")).andExpect(status().isUnauthorized());
    }
}
