package dev.lanyard.ops;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.boot.system.ApplicationHome;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Run from a jar, Lanyard also reads {@code application.yml} (or {@code .yaml}, {@code .properties}) from the jar's
 * folder and from its {@code config/} folder, as Spring Boot reads them from the working directory, which still wins
 * where both set a value. The README says to put the file next to the jar; started from another directory, it was
 * silently ignored and an empty database made (outside review AJ). Runs before Boot reads the files, by giving them
 * as {@code spring.config.location}: Boot's own locations with the jar's folder between the class path and the
 * working directory. A {@code spring.config.location} the operator gives is kept as it is; tests and IDE runs (no
 * jar) are left alone.
 */
class ConfigNextToJar implements EnvironmentPostProcessor, Ordered {
    static final String LOCATION = "spring.config.location";
    private static final List<String> NAMES = List.of("application.properties", "application.yml", "application.yaml");
    private final Log log;

    ConfigNextToJar(DeferredLogFactory logs) {
        this.log = logs.getLog(ConfigNextToJar.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.containsProperty(LOCATION) || application.getMainApplicationClass() == null) return;
        Optional<Path> jar = Optional.ofNullable(new ApplicationHome(application.getMainApplicationClass()).getSource())
                .filter(File::isFile).map(File::toPath).filter(source -> source.getFileName().toString().endsWith(".jar"));
        if (jar.isEmpty()) return;
        Path working = Path.of("").toAbsolutePath();
        Optional<String> locations = locations(jar.get().toAbsolutePath().getParent(), working);
        locations.ifPresent(value -> environment.getPropertySources().addLast(new MapPropertySource("lanyard-config-next-to-jar", Map.of(LOCATION, value))));
        List<Path> read = new ArrayList<>();
        if (locations.isPresent()) read.addAll(files(jar.get().toAbsolutePath().getParent()));
        read.addAll(files(working));
        log.info(read.isEmpty() ? "No configuration file next to the jar or in the working directory; the built-in defaults apply"
                : "Configuration files read (the working directory's win): " + read);
    }

    /**
     * Boot's default config locations with {@code jarFolder} and its {@code config/} folder between the class path
     * and {@code working}'s, so that the working directory's files still win; empty when the two folders are the same.
     */
    static Optional<String> locations(Path jarFolder, Path working) {
        if (jarFolder.normalize().equals(working.normalize())) return Optional.empty();
        String jar = jarFolder.normalize().toString().replace('\\', '/');
        return Optional.of("optional:classpath:/;optional:classpath:/config/,"
                + "optional:file:" + jar + "/;optional:file:" + jar + "/config/,"
                + "optional:file:./;optional:file:./config/;optional:file:./config/*/");
    }

    private static List<Path> files(Path folder) {
        List<Path> found = new ArrayList<>();
        for (Path dir : List.of(folder, folder.resolve("config")))
            for (String name : NAMES)
                if (Files.isRegularFile(dir.resolve(name))) found.add(dir.resolve(name));
        return found;
    }

    @Override
    public int getOrder() {
        // Before Spring Boot's ConfigDataEnvironmentPostProcessor (HIGHEST_PRECEDENCE + 10), which reads the location.
        return Ordered.HIGHEST_PRECEDENCE + 5;
    }
}
