package dev.lanyard.ops;

import java.time.Duration;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Every {@code lanyard.*} duration must say its unit. Spring reads a bare number as milliseconds, so
 * {@code history-retention=90} purged the history after 90 ms and {@code active-window=5} showed no one active, and
 * each started (outside review AJ). Checked once for every settings record, on the value as written (the record
 * only sees the {@link Duration} it became), before the migration; 0 is the same in every unit and stays allowed.
 */
public final class DurationUnits {
    private static final Pattern BARE_NUMBER = Pattern.compile("[-+]?\\d+");

    private DurationUnits() {
    }

    /** Refuses a {@link Duration} of the {@code lanyard.*} record {@code settings} written in {@code environment} as a bare number other than 0. */
    public static void require(Class<?> settings, Environment environment) {
        Binder binder = Binder.get(environment);
        for (SettingKeys.Key key : SettingKeys.of(settings)) {
            if (key.type() == Duration.class) binder.bind(key.name(), String.class).ifBound(value -> requireUnit(key.name(), value));
        }
    }

    static void requireUnit(String property, String value) {
        String written = value.strip();
        if (!BARE_NUMBER.matcher(written).matches() || written.replaceAll("[-+0]", "").isEmpty()) return;
        throw new InvalidSetting(property, "'" + value + "' has no unit, and a bare number would be read as milliseconds.",
                "Give a unit, e.g. " + written + "d (or ms, s, m, h, d).");
    }
}
