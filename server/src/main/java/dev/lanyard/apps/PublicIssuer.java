package dev.lanyard.apps;

import java.util.Map;

import dev.lanyard.ops.ServedPath;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * The OpenID Connect issuer is {@code lanyard.web.public-url} when that is set and the issuer is not: the authorization
 * server otherwise takes it from each request as the container sees it ({@code http://127.0.0.1:8080} behind a
 * proxy), and an app then finds tokens of an issuer it was never told of. An issuer set explicitly
 * ({@code spring.security.oauth2.authorizationserver.issuer}) wins. Runs after the configuration files are read.
 */
class PublicIssuer implements EnvironmentPostProcessor, Ordered {
    static final String ISSUER = "spring.security.oauth2.authorizationserver.issuer";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String publicUrl = environment.getProperty("lanyard.web.public-url");
        if (!StringUtils.hasText(publicUrl) || StringUtils.hasText(environment.getProperty(ISSUER))) return;
        String origin = publicUrl.strip();
        // A public URL that is no URL is left for its own check to report (ProxySettings), under its own name.
        if (!origin.startsWith("http://") && !origin.startsWith("https://")) return;
        // Served at a path (server.servlet.context-path), the endpoints are under it, and so is the issuer they name.
        String issuer = ServedPath.under(origin, environment);
        environment.getPropertySources().addLast(new MapPropertySource("lanyard-public-issuer", Map.of(ISSUER, issuer)));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
