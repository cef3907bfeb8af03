package dev.lanyard.account;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

import dev.lanyard.ops.InvalidSetting;
import dev.lanyard.ops.ServedPath;

/**
 * {@code lanyard.mail.base-url} unset or empty is {@code lanyard.web.public-url}, else where this server listens
 * ({@link #listening}: {@code http://localhost:8080} as run by default, the port of {@code server.port} and the host of a
 * specific {@code server.address}), for every reader: the mail links ({@link MailSettings}), the SSF issuer where neither a
 * request nor a stream names one, and the receivers' check read the same property. Set empty, it once gave links to
 * localhost and an SSF issuer of "" although a public URL was set (outside review AJ). A public URL that is no web
 * address is refused here under its own name (it was reported as this setting), also where ProxySettings is not bound
 * (the operator's reset-link). Runs after the files are read.
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
        // Links lead to Lanyard's pages, under its own path when it has one (server.servlet.context-path).
        String resolved = ServedPath.under(publicUrl.isEmpty() ? listening(environment) : publicUrl, environment);
        environment.getPropertySources().addFirst(new MapPropertySource("lanyard-mail-base-url", Map.of(PROPERTY, resolved)));
    }

    /**
     * {@code http://HOST:PORT} where this server listens: the port of {@code server.port} (8080 when unset, or 0 for any
     * free one, which is not known yet), the host of a {@code server.address} that names one address, else
     * {@code localhost} (unset, loopback, or every address: {@link #onEveryAddress}, where no one name reaches it).
     * A link to localhost:8080 from a server started with {@code --server.port=9090} opened nothing (outside review AO).
     */
    static String listening(org.springframework.core.env.Environment environment) {
        String port = environment.getProperty("server.port", "8080").strip();
        if (!port.matches("[1-9][0-9]{0,4}") || Integer.parseInt(port) > 65535) port = "8080";
        String address = environment.getProperty("server.address", "").strip();
        String host = "localhost";
        if (!address.isEmpty() && !onEveryAddress(address) && !loopback(address))
            host = address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
        return "http://" + host + ":" + port;
    }

    /** Whether {@code server.address} is every address of the machine ({@code 0.0.0.0}, {@code ::}). */
    static boolean onEveryAddress(String address) {
        String bare = address.replace("[", "").replace("]", "");
        return bare.equals("0.0.0.0") || bare.matches("[0:]*::[0:]*") || bare.equals("::");
    }

    private static boolean loopback(String address) {
        String bare = address.replace("[", "").replace("]", "");
        return bare.startsWith("127.") || bare.equals("::1") || bare.equalsIgnoreCase("localhost");
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
