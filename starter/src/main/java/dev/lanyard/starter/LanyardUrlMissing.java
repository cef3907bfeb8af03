package dev.lanyard.starter;

import java.util.List;
import java.util.Map;

import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The starter without {@code lanyard.url}: it switches nothing on (an app may have it on the class path for a profile that
 * does not use Lanyard), but never without a word. If other properties of the starter are set, the app meant to use
 * Lanyard and its start stops, naming the missing property; otherwise the log says that the app is not protected by Lanyard.
 */
@AutoConfiguration(after = LanyardAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnMissingBean(LanyardEndpoints.class)
public class LanyardUrlMissing {
    /**
     * The starter's properties besides the URL. Only these count: an environment may hold other {@code LANYARD_*}
     * variables (Kubernetes gives every pod {@code LANYARD_PORT} and {@code LANYARD_SERVICE_HOST} for a service named
     * lanyard), which say nothing of this app.
     */
    private static final List<String> STARTERS_OWN = List.of("lanyard.client-id", "lanyard.client-secret", "lanyard.scopes",
            "lanyard.audiences", "lanyard.clock-skew", "lanyard.signals");

    public LanyardUrlMissing(Environment environment) {
        Binder binder = Binder.get(environment);
        List<String> given = STARTERS_OWN.stream().filter(name -> name.endsWith(".signals")
                ? !binder.bind(name, Bindable.mapOf(String.class, Object.class)).orElse(Map.of()).isEmpty()
                : binder.bind(name, String.class).isBound()).toList();
        if (!given.isEmpty()) {
            throw new IllegalStateException("lanyard.url is not set, but " + given
                    + " are: set lanyard.url to Lanyard's address (such as https://lanyard.example.com) for the starter to sign people "
                    + "in through Lanyard");
        }
        LoggerFactory.getLogger(LanyardUrlMissing.class).warn("The Lanyard starter is on the class path but lanyard.url is not set: "
                + "this app does not sign people in through Lanyard");
    }
}
