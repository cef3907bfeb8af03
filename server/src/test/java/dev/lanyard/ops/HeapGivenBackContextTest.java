package dev.lanyard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import dev.lanyard.web.LanyardSpringTest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@LanyardSpringTest
class HeapGivenBackContextTest {

    @Autowired
    List<BackgroundLoad> loads;

    @Test
    void theUserAgentRulesAndTheIspTableAreWaitedForThenTheRatiosAreSet() throws Exception {
        assertThat(loads).extracting(load -> load.getClass().getSimpleName()).contains("UserAgentParser", "MmdbGeoLocator");
        for (BackgroundLoad load : loads) load.loaded().handle((done, failed) -> null).get(2, TimeUnit.MINUTES);

        // The build starts the tests' JVM without either ratio, so the first context's component sets both.
        HotSpotDiagnosticMXBean diagnostics = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            VMOption min = diagnostics.getVMOption(HeapGivenBack.MIN_FREE);
            assertThat(min.getOrigin()).isNotEqualTo(VMOption.Origin.DEFAULT);
            if (min.getOrigin() == VMOption.Origin.MANAGEMENT) {
                assertThat(min.getValue()).isEqualTo(HeapGivenBack.MIN_FREE_PERCENT);
                assertThat(diagnostics.getVMOption(HeapGivenBack.MAX_FREE).getValue()).isEqualTo(HeapGivenBack.MAX_FREE_PERCENT);
            }
        });
    }
}
