package dev.lanyard.starter;

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
 * does not use Lanyard), but never without a word. If other {@code lanyard.*} properties are set, the app meant to use
 * Lanyard and its start stops, naming the missing property; otherwise the log says that the app is not protected by Lanyard.
 */
@AutoConfiguration(after = LanyardAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnMissingBean(LanyardEndpoints.class)
public class LanyardUrlMissing {

    public LanyardUrlMissing(Environment environment) {
        Map<String, Object> given = Binder.get(environment).bind("lanyard", Bindable.mapOf(String.class, Object.class)).orElse(Map.of());
        if (!given.isEmpty()) {
            throw new IllegalStateException("lanyard.url is not set, but " + given.keySet().stream().sorted().map(k -> "lanyard." + k).toList()
                    + " are: set lanyard.url to Lanyard's address (such as https://lanyard.example.com) for the starter to sign people "
                    + "in through Lanyard");
        }
        LoggerFactory.getLogger(LanyardUrlMissing.class).warn("The Lanyard starter is on the class path but lanyard.url is not set: "
                + "this app does not sign people in through Lanyard");
    }
}
