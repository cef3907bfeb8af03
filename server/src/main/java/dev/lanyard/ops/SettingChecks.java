package dev.lanyard.ops;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.Environment;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * The checks the server makes of Lanyard's settings at start ({@link DurationUnits}, {@link UnknownSettings}), for an
 * operator's command that runs with the server's settings but without its beans ({@code reset-link}): a configuration
 * the server would refuse, or one with a misspelt key, is said so by the command too, not only at the next start.
 */
public final class SettingChecks {
    private SettingChecks() {
    }

    /**
     * Refuses ({@link InvalidSetting}, as the server does) a {@code lanyard.*} duration written as a bare number;
     * answers a warning for each {@code lanyard.*} key no settings record of Lanyard reads, worded as the server's.
     */
    public static List<String> check(Environment environment) {
        List<Class<?>> records = settingsRecords();
        for (Class<?> settings : records) DurationUnits.require(settings, environment);
        return UnknownSettings.warnings(UnknownSettings.known(records), environment);
    }

    /** Lanyard's settings records, found as the server's {@code @ConfigurationPropertiesScan} finds them. */
    static List<Class<?>> settingsRecords() {
        ClassPathScanningCandidateComponentProvider scan = new ClassPathScanningCandidateComponentProvider(false);
        scan.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        List<Class<?>> records = new ArrayList<>();
        for (BeanDefinition found : scan.findCandidateComponents("dev.lanyard")) {
            records.add(ClassUtils.resolveClassName(found.getBeanClassName(), SettingChecks.class.getClassLoader()));
        }
        return records;
    }
}
