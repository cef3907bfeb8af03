package dev.lanyard.ops;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Locale;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code lanyard.*} keys of a settings record, as they are written ({@code lanyard.session.history-retention}). */
final class SettingKeys {
    private SettingKeys() {
    }

    /** A record component's key and its type. */
    record Key(String name, Class<?> type) {
    }

    /** The keys of {@code settings}; none when it is not a record bound under {@code lanyard.}. */
    static List<Key> of(Class<?> settings) {
        ConfigurationProperties bound = settings.getAnnotation(ConfigurationProperties.class);
        String prefix = bound == null ? "" : bound.value().isEmpty() ? bound.prefix() : bound.value();
        if (!settings.isRecord() || !prefix.startsWith("lanyard.")) return List.of();
        return java.util.Arrays.stream(settings.getRecordComponents()).map(c -> new Key(prefix + "." + kebab(c), c.getType())).toList();
    }

    private static String kebab(RecordComponent component) {
        return component.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
