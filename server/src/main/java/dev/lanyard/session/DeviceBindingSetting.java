package dev.lanyard.session;

import dev.lanyard.ops.CheckedBeforeMigration;
import dev.lanyard.ops.InvalidSetting;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * {@code lanyard.session.device-binding}: whether supporting browsers are asked to bind their sessions to a device
 * key (DBSC, decision 50). {@code true} or {@code false}; anything else stops the start before the migration.
 */
@Component
class DeviceBindingSetting implements CheckedBeforeMigration {
    static final String PROPERTY = "lanyard.session.device-binding";
    private final boolean enabled;

    DeviceBindingSetting(Environment environment) {
        this.enabled = InvalidSetting.flag(PROPERTY, environment.getProperty(PROPERTY), true);
    }

    boolean enabled() {
        return enabled;
    }
}
