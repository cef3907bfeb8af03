package dev.lanyard.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import javax.management.ObjectName;

import org.junit.jupiter.api.Test;

/** The C heap given back through the JVM's own command (decision 75, addendum). */
class NativeHeapTrimTest {

    @Test
    void trimsThroughTheJvmsCommandWhereItHasOne() throws Exception {
        boolean known = Arrays.stream(ManagementFactory.getPlatformMBeanServer()
                        .getMBeanInfo(new ObjectName("com.sun.management:type=DiagnosticCommand")).getOperations())
                .anyMatch(op -> op.getName().equals("systemTrimNativeHeap"));
        assumeTrue(known, "this JDK has no System.trim_native_heap");
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "only glibc trims");

        assertThat(NativeHeapTrim.trim()).hasValueSatisfying(said -> assertThat(said).startsWith("Trim native heap: RSS+Swap: ")
                .doesNotContain("\n"));
    }

    @Test
    void aCommandThatCannotTrimIsNothing() {
        assertThat(NativeHeapTrim.trim(() -> null)).isEmpty();
        assertThat(NativeHeapTrim.trim(() -> "Not available.\n")).isEmpty();
        assertThat(NativeHeapTrim.trim(() -> "Trim native heap: RSS+Swap: 439M->383M (-57344K)\n"))
                .hasValue("Trim native heap: RSS+Swap: 439M->383M (-57344K)");
    }
}
