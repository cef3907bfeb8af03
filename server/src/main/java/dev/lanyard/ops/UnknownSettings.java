package dev.lanyard.ops;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Warns at start, before the migration, of each {@code lanyard.*} setting Lanyard does not read, naming the nearest one
 * it does: a misspelt key ({@code lanyard.session.sweep-intervall}) was silently ignored and its default used
 * (outside review AJ). A warning, not a refusal: a configuration shared by two builds, or kept for a newer one, holds
 * keys this build does not know, and stopping it would turn an upgrade or a rollback into an outage.
 * The known keys are the components of Lanyard's {@code lanyard.*} settings records and the few read directly.
 */
@Component
class UnknownSettings implements CheckedBeforeMigration {
    /** Read from the {@code Environment} by a component, not bound to a record. */
    static final List<String> READ_DIRECTLY = List.of("lanyard.session.device-binding", "lanyard.signals.private-networks",
            "lanyard.startup-steps");

    UnknownSettings(ConfigurableListableBeanFactory beans, Environment environment) {
        List<Class<?>> records = new ArrayList<>();
        for (String name : beans.getBeanNamesForAnnotation(ConfigurationProperties.class)) {
            Class<?> type = beans.getType(name, false);
            if (type != null && type.getPackageName().startsWith("dev.lanyard")) records.add(type);
        }
        for (String warning : warnings(known(records), environment)) LoggerFactory.getLogger(UnknownSettings.class).warn(warning);
    }

    /** The keys Lanyard reads: those of the settings records {@code records} and those {@link #READ_DIRECTLY}. */
    static List<String> known(List<Class<?>> records) {
        List<String> known = new ArrayList<>(READ_DIRECTLY);
        for (Class<?> settings : records) known.addAll(keysOf(settings));
        return known;
    }

    /** The {@code lanyard.*} keys of the settings record {@code settings}. */
    static List<String> keysOf(Class<?> settings) {
        return SettingKeys.of(settings).stream().map(SettingKeys.Key::name).toList();
    }

    /** A warning for each {@code lanyard.*} key set in {@code environment} that is none of {@code known} nor inside one (a list's item). */
    static List<String> warnings(List<String> known, Environment environment) {
        List<ConfigurationPropertyName> names = known.stream().map(ConfigurationPropertyName::of).toList();
        ConfigurationPropertyName lanyard = ConfigurationPropertyName.of("lanyard");
        Set<String> unknown = new TreeSet<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) continue;
            iterable.stream().filter(lanyard::isAncestorOf)
                    .filter(name -> names.stream().noneMatch(k -> k.equals(name) || k.isAncestorOf(name)))
                    .forEach(name -> unknown.add(name.toString()));
        }
        List<String> warnings = new ArrayList<>();
        for (String key : unknown) {
            String nearest = known.stream().min(Comparator.comparingInt(k -> distance(k, key))).orElse("");
            warnings.add("Unknown setting " + key + " is ignored; did you mean " + nearest + "?");
        }
        return warnings;
    }

    /** Levenshtein distance, ignoring dashes (an environment variable's key has none). */
    private static int distance(String a, String b) {
        a = a.replace("-", "");
        b = b.replace("-", "");
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) previous[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++)
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
