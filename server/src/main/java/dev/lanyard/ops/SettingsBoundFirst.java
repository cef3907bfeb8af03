package dev.lanyard.ops;

import java.util.Arrays;
import java.util.stream.Stream;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.server.WebServerFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Binds Lanyard's settings records once their bean definitions are known and before any bean is made, so that a value a
 * record refuses ({@code lanyard.session.sweep-interval=0s}) stops the start in Boot's short report alone. Made as beans,
 * they were first needed by a filter while Tomcat started its context: the report came after a 1.2 KB "Error starting
 * Tomcat context" line and Tomcat's warnings of the connection pool's threads, opened for the same filters (outside
 * review). Each record is bound as {@link NewerSchema} binds it later (its durations' units first, {@link DurationUnits}),
 * from the {@code Environment} alone; definitions are read by their declared class, so no factory is made to learn what
 * it makes. The components that check a setting as they are made ({@link CheckedBeforeMigration}), beans themselves, are
 * made before the web server's factory (its {@code dependsOn}), for the same report ({@code device-binding=maybe}).
 */
@Component
class SettingsBoundFirst implements BeanFactoryPostProcessor {

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beans) {
        Environment environment = beans.getBean(Environment.class);
        Binder binder = Binder.get(environment);
        for (String name : beans.getBeanDefinitionNames()) {
            BeanDefinition definition = beans.getBeanDefinition(name);
            if (!(definition instanceof AbstractBeanDefinition declared) || !declared.hasBeanClass()) continue;
            Class<?> type = declared.getBeanClass();
            ConfigurationProperties settings = AnnotatedElementUtils.findMergedAnnotation(type, ConfigurationProperties.class);
            if (settings == null || !type.getPackageName().startsWith("dev.lanyard")) continue;
            DurationUnits.require(type, environment);
            binder.bindOrCreate(settings.prefix().isEmpty() ? settings.value() : settings.prefix(), Bindable.of(type));
        }
        // Beans that check a setting as they are made come before the web server, whose filters open the pool.
        String[] checks = beans.getBeanNamesForType(CheckedBeforeMigration.class, false, false);
        for (String server : beans.getBeanNamesForType(WebServerFactory.class, false, false)) {
            BeanDefinition definition = beans.getBeanDefinition(server);
            String[] before = definition.getDependsOn() == null ? new String[0] : definition.getDependsOn();
            definition.setDependsOn(Stream.concat(Arrays.stream(before), Arrays.stream(checks))
                    .distinct().toArray(String[]::new));
        }
    }
}
