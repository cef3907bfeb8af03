package dev.lanyard.web;

import java.util.Set;

import dev.lanyard.ops.RequestMetrics;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * The answer to a request Spring Security's firewall refuses. A method it does not take ({@link #METHODS}: a WebDAV
 * {@code PROPFIND}, {@code TRACE}, anything made up) is {@code 405} with the methods the path does take in
 * {@code Allow}, as Spring MVC's own 405 names them: problem+json in the API, the error page elsewhere; at a static
 * file, {@code GET, HEAD}, as the resource handler's own 405 for a {@code DELETE} names them; {@code 404} where no
 * handler takes the path and no file is served. Anything else it refuses (a path, a header, a parameter) is a
 * {@code 400}. Each is written at once ({@link RefusedRequests}), not by the error dispatch, which read the request's
 * headers again: a {@code PROPFIND} with a control character in its {@code Accept} was refused a second time there and
 * answered without a body. Either way the refusal is recorded as the request's failure ({@link RequestMetrics}).
 *
 * <p>{@code TRACE} reaches the firewall like any other method: Tomcat's own refusal (its {@code allowTrace}) answered
 * before any filter, with every method the servlet has in its {@code Allow}. Nothing answers {@code TRACE} with the
 * request: the firewall refuses it before any handler, and were it ever let through, Spring MVC would look for a
 * handler ({@code spring.mvc.dispatch-trace-request}) instead of the servlet's echo.
 */
@Configuration(proxyBeanMethods = false)
class RefusedMethods {
    /** The methods the firewall lets through: its own defaults, named here so the answer above cannot drift from them. */
    static final Set<String> METHODS = Set.of("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT");

    @Bean
    RequestRejectedHandler requestRejectedHandler(HandlerPaths handlers, RefusedRequests refusals) {
        return (request, response, rejected) -> {
            RequestMetrics.failed(request, rejected);
            if (METHODS.contains(request.getMethod())) {
                refusals.refuse(request, response, rejected);
            } else {
                refusals.refuseMethod(request, response, handlers.methods(request));
            }
        };
    }

    /** {@code TRACE} is refused by the firewall with every other method it does not take, not by Tomcat first. */
    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> traceToTheFirewall() {
        return factory -> factory.addConnectorCustomizers(connector -> connector.setAllowTrace(true));
    }
}
