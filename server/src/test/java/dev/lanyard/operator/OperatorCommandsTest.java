package dev.lanyard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.OperatorCommand;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.support.SpringFactoriesLoader;

/** {@code java -jar lanyard.jar reset-link …} reaches the command: Lanyard's main finds it in spring.factories by its name. */
class OperatorCommandsTest {

    @Test
    void theJarFindsResetLinkByItsName() {
        assertThat(SpringFactoriesLoader.loadFactories(OperatorCommand.class, getClass().getClassLoader()))
                .filteredOn(command -> command.name().equals("reset-link")).singleElement().isInstanceOf(ResetLinkCommand.class);
    }
}
