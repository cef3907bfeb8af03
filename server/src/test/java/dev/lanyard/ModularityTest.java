package dev.lanyard;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

class ModularityTest {

    @Test
    void modulesDependOnEachOtherOnlyThroughTheirPublicTypesAndWithoutCycles() {
        ApplicationModules.of(Lanyard.class).verify();
    }
}
