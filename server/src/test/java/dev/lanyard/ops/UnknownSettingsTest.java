package dev.lanyard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** A misspelt lanyard.* key was silently ignored (outside review AJ): it is named at start with the nearest known one. */
class UnknownSettingsTest {
    private static final List<String> KNOWN = known();

    @Test
    void aMisspeltKeyIsNamedWithTheNearestKnownOne() {
        assertThat(UnknownSettings.warnings(KNOWN, environment(Map.of("lanyard.session.sweep-intervall", "5s"))))
                .containsExactly("Unknown setting lanyard.session.sweep-intervall is ignored; did you mean lanyard.session.sweep-interval?");
    }

    @Test
    void knownKeysListItemsAndOtherPrefixesAreNotWarnedOf() {
        assertThat(UnknownSettings.warnings(KNOWN, environment(Map.of("lanyard.session.sweep-interval", "5s",
                "lanyard.passkeys.origins[0]", "https://a.example", "lanyard.session.device-binding", "false",
                "spring.whatever", "x", "lanyardish", "y")))).isEmpty();
    }

    @Test
    void environmentVariablesAreMatchedAsSpringBindsThem() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of("LANYARD_SESSION_SWEEPINTERVAL", "5s", "LANYARD_SESSION_SWEEPINTERVALL", "5s")));
        assertThat(UnknownSettings.warnings(KNOWN, environment)).singleElement().asString()
                .contains("lanyard.session.sweepintervall").contains("lanyard.session.sweep-interval");
    }

    private static List<String> known() {
        List<String> known = new ArrayList<>(UnknownSettings.READ_DIRECTLY);
        for (String name : List.of("session.SessionSettings", "passkeys.PasskeySettings", "factors.FactorSettings")) {
            try {
                known.addAll(UnknownSettings.keysOf(Class.forName("dev.lanyard." + name)));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return known;
    }

    private static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("given", properties));
        return environment;
    }
}
