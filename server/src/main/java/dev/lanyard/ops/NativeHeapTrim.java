package dev.lanyard.ops;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the C heap's free memory back to the system (decision 75, addendum): glibc keeps what a thread freed in that
 * thread's arena, so the JIT compilers' work areas at their peak, the password hashes' 19 MiB each and the
 * user-agent rules' build stay resident after they are done, ≈ 55 MiB on a node after start-up and 50 sign-ins. The JVM
 * asks glibc to release it ({@code System.trim_native_heap}, {@code malloc_trim}) once after start-up's loads and then
 * every {@link #INTERVAL}; JDK 21 and later can do the same by itself ({@code -XX:TrimNativeHeapInterval}), and when an
 * operator set that, Lanyard leaves it to the JVM. Where the command does not exist (an older JDK) or does nothing (a C
 * library other than glibc), nothing is done.
 */
final class NativeHeapTrim {
    static final Duration INTERVAL = Duration.ofSeconds(60);
    private static final String OPERATION = "systemTrimNativeHeap";
    private static final Logger log = LoggerFactory.getLogger(NativeHeapTrim.class);

    private NativeHeapTrim() {
    }

    /** Trims now and every {@link #INTERVAL} on a daemon thread, unless the JVM cannot or trims by itself; what the first trim said. */
    static Optional<String> startTrimming() {
        if (jvmTrimsItself()) return Optional.empty();
        Optional<String> first = trim();
        if (first.isEmpty()) return first;
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "native-heap-trim");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> trim().ifPresent(said -> log.debug("{}", said)),
                INTERVAL.toSeconds(), INTERVAL.toSeconds(), TimeUnit.SECONDS);
        return first;
    }

    /** Asks the JVM to trim the C heap: its answer ("Trim native heap: RSS+Swap: 439M->383M (-57344K)"), or empty where it cannot. */
    static Optional<String> trim() {
        return trim(() -> {
            try {
                MBeanServer server = ManagementFactory.getPlatformMBeanServer();
                ObjectName commands = new ObjectName("com.sun.management:type=DiagnosticCommand");
                boolean known = Arrays.stream(server.getMBeanInfo(commands).getOperations()).anyMatch(op -> op.getName().equals(OPERATION));
                return known ? String.valueOf(server.invoke(commands, OPERATION, null, null)) : null;
            } catch (JMException | RuntimeException e) {
                return null;
            }
        });
    }

    /** The answer of {@code command}, trimmed of its line breaks; empty for none or where trimming is not supported. */
    static Optional<String> trim(Supplier<String> command) {
        String said = command.get();
        if (said == null || said.isBlank() || said.toLowerCase(Locale.ROOT).contains("not available")) return Optional.empty();
        return Optional.of(said.strip());
    }

    /** Whether the operator turned on the JVM's own periodic trim (JDK 21+: {@code TrimNativeHeapInterval} above 0). */
    private static boolean jvmTrimsItself() {
        try {
            String interval = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption("TrimNativeHeapInterval").getValue();
            return !"0".equals(interval);
        } catch (IllegalArgumentException noSuchOption) {
            return false;
        }
    }
}
