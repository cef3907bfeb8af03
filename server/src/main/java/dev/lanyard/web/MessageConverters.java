package dev.lanyard.web;

import java.util.List;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.cbor.JacksonCborHttpMessageConverter;
import org.springframework.http.converter.xml.Jaxb2RootElementHttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The API speaks JSON only ({@link ApiRequestGuard} refuses other request bodies with 415), yet Spring MVC
 * registers a converter for every format whose library happens to be on the class path: CBOR (Jackson 3),
 * YAML (Jackson 2, brought by the OpenAPI tooling) and XML (JAXB, brought by a dependency). Each JSON answer
 * asked every one of them whether it could write the body, and the YAML converter's answer builds a Jackson 2
 * serializer provider each time, the XML one scans the body's class for annotations: a few percent of a
 * request's CPU (issue 13). None of them is ever chosen, so they are removed.
 */
@Configuration(proxyBeanMethods = false)
class MessageConverters implements WebMvcConfigurer {

    @Override
    @SuppressWarnings("deprecation")
    public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
        converters.removeIf(MessageConverters::unused);
    }

    static boolean unused(HttpMessageConverter<?> converter) {
        return converter instanceof JacksonCborHttpMessageConverter
                || converter instanceof Jaxb2RootElementHttpMessageConverter
                || converter.getClass().getName().startsWith("org.springframework.http.converter.yaml.");
    }
}
