package dev.lanyard.account;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

import dev.lanyard.ops.InvalidSetting;

/**
 * {@code lanyard.mail.base-url} unset or empty is {@code lanyard.web.public-url}, else {@code http://localhost:8080},
 * for every reader: the mail links ({@link MailSettings}), the SSF issuer and the receivers' check read the same
 * property. Set empty, it once gave links to localhost and an SSF issuer of "" although a public URL was set
 * (outside review AJ). A public URL that is no web address is left for its own check (ProxySettings) to report under
 * its own name, rather than as this setting. Runs after the configuration files are read.
 */
class MailBaseUrl implements EnvironmentPostProcessor, Ordered {
    static final String PROPERTY = "lanyard.mail.base-url";
    static final String DEFAULT = "http://localhost:8080";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (StringUtils.hasText(environment.getProperty(PROPERTY))) return;
        String publicUrl = environment.getProperty("lanyard.web.public-url", "").strip();
        String resolved = InvalidSetting.webAddress(publicUrl) ? publicUrl : DEFAULT;
        environment.getPropertySources().addFirst(new MapPropertySource("lanyard-mail-base-url", Map.of(PROPERTY, resolved)));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
