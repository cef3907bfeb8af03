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
 * (outside review AJ). A public URL that is no web address is refused here under its own name (it was reported as
 * this setting), also where ProxySettings is not bound (the operator's reset-link). Runs after the files are read.
 */
class MailBaseUrl implements EnvironmentPostProcessor, Ordered {
    static final String PROPERTY = "lanyard.mail.base-url";
    static final String DEFAULT = "http://localhost:8080";
    static final String PUBLIC_URL = "lanyard.web.public-url";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (StringUtils.hasText(environment.getProperty(PROPERTY))) return;
        String publicUrl = environment.getProperty(PUBLIC_URL, "").strip();
        if (!publicUrl.isEmpty() && !InvalidSetting.webAddress(publicUrl))
            throw new InvalidSetting(PUBLIC_URL, "'" + publicUrl + "' is not an http or https URL with a host.",
                    "Set " + PUBLIC_URL + " like https://lanyard.example.com (http or https, a host, an optional port), or leave it unset.");
        String resolved = publicUrl.isEmpty() ? DEFAULT : publicUrl;
        environment.getPropertySources().addFirst(new MapPropertySource("lanyard-mail-base-url", Map.of(PROPERTY, resolved)));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
