package dev.lanyard.ops;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;

import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * A build older than the database's schema refuses to start, before it migrates or serves anything. Flyway by itself
 * only warns ("newer than the latest available migration") and the old build then runs on a schema it does not know:
 * it would read the newer audit entries as tampered with, write entries the newer build must treat as old, and bring
 * back whatever the newer build fixed (outside QA of upgrades). {@link NewerSchemaFailureAnalyzer} reports it in a few lines.
 *
 * <p>Lanyard's settings are bound (and so checked) before the migration too: a newer build started with a typo in its
 * configuration would otherwise migrate the schema and then refuse to start, leaving a database the older build
 * refuses (outside QA). So are the components that check a setting as they are made ({@link CheckedBeforeMigration}).
 * Where there is a web server, {@link SettingsBoundFirst} has checked both before it started.
 */
@Configuration(proxyBeanMethods = false)
class NewerSchema {

    @Bean
    FlywayMigrationStrategy migrateUnlessNewer(ConfigurableListableBeanFactory beans) {
        return flyway -> {
            bindSettings(beans);
            MigrationInfo[] all = flyway.info().all();
            Optional<MigrationInfo> newest = Arrays.stream(all)
                    .filter(m -> m.getState() == MigrationState.FUTURE_SUCCESS || m.getState() == MigrationState.FUTURE_FAILED)
                    .max(Comparator.comparing(MigrationInfo::getVersion));
            if (newest.isPresent()) {
                MigrationVersion known = Arrays.stream(all).filter(m -> m.getState().isResolved()).map(MigrationInfo::getVersion)
                        .max(Comparator.naturalOrder()).orElse(MigrationVersion.EMPTY);
                throw new Newer(newest.get().getVersion().getVersion(), known.getVersion());
            }
            flyway.migrate();
        };
    }

    /**
     * Creates Lanyard's {@code @ConfigurationProperties} records, each checking its values as it is bound (and its
     * durations' units, {@link DurationUnits}), and the components that check a setting as they are made.
     */
    private static void bindSettings(ConfigurableListableBeanFactory beans) {
        Environment environment = beans.getBean(Environment.class);
        for (String name : beans.getBeanNamesForAnnotation(ConfigurationProperties.class)) {
            Class<?> type = beans.getType(name, false);
            if (type == null || !type.getPackageName().startsWith("dev.lanyard")) continue;
            DurationUnits.require(type, environment);
            beans.getBean(name);
        }
        // Names by declared type only: no factory bean is made early to learn what it makes.
        for (String name : beans.getBeanNamesForType(CheckedBeforeMigration.class, false, false)) beans.getBean(name);
    }

    /** The database was migrated by a newer build of Lanyard than this one. */
    static final class Newer extends IllegalStateException {
        private final String schema;
        private final String known;

        Newer(String schema, String known) {
            super("The database's schema is at version " + schema + ", written by a newer Lanyard; this build knows versions up to " + known);
            this.schema = schema;
            this.known = known;
        }

        String schema() {
            return schema;
        }

        String known() {
            return known;
        }
    }
}
