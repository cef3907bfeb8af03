package dev.lanyard.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document's title and the two ways to authenticate: bearer token or session cookie. */
@Configuration(proxyBeanMethods = false)
class ApiDocs {

    @Bean
    OpenAPI lanyardApi() {
        return new OpenAPI()
                .info(new Info().title("Lanyard API").version("v1").description("""
                        Where am I signed in, and can I end it — now? Errors are application/problem+json \
                        with a stable type (urn:lanyard:problem:<code>). Requests authenticated by the \
                        session cookie must send JSON bodies and no foreign Origin; bearer requests need neither."""))
                .components(new Components()
                        .addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .description("A session token from POST /api/v1/login with {\"tokenType\":\"bearer\"}"))
                        .addSecuritySchemes("cookie", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.COOKIE).name("lanyard_session")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"))
                .addSecurityItem(new SecurityRequirement().addList("cookie"));
    }
}
