package dev.lanyard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The files next to the jar are read between the built-in ones and the working directory's (outside review AJ). */
class ConfigNextToJarTest {

    @Test
    void theJarsFolderComesBetweenTheClassPathAndTheWorkingDirectorySoThatTheWorkingDirectoryWins() {
        assertThat(ConfigNextToJar.locations(Path.of("/opt/lanyard"), Path.of("/home/ops"))).contains(
                "optional:classpath:/;optional:classpath:/config/,optional:file:/opt/lanyard/;optional:file:/opt/lanyard/config/,"
                        + "optional:file:./;optional:file:./config/;optional:file:./config/*/");
    }

    @Test
    void startedFromTheJarsOwnFolderNothingIsAdded() {
        assertThat(ConfigNextToJar.locations(Path.of("/opt/lanyard"), Path.of("/opt/lanyard/."))).isEmpty();
    }
}
