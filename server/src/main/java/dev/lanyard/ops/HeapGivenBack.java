package dev.lanyard.ops;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Gives back the heap Lanyard does not use: once start-up's background loads are done, and whenever the server has
 * been idle for a minute (decision 75). Building the user-agent rules allocates several times what they keep, and with
 * the JVM's defaults the collector keeps what it grew for good: about 600 MiB of heap committed for 130 MiB live.
 * Unless the operator chose the heap's free ratios, Lanyard takes those {@code scripts/run.sh} sets (10% and 30%), asks
 * for one full collection once the loads are done, and on G1 turns on its periodic collection (JEP 346), which runs a
 * concurrent cycle after a minute without any collection and shrinks the heap to what stays live plus 30%. The heap grows
 * again as load needs it. An operator who set either ratio (as {@code run.sh} does) is left alone, and so is a periodic
 * interval set on the command line. The C heap's free memory is given back too ({@link NativeHeapTrim}).
 */
@Component
class HeapGivenBack {
    static final String MIN_FREE = "MinHeapFreeRatio";
    static final String MAX_FREE = "MaxHeapFreeRatio";
    static final String PERIODIC = "G1PeriodicGCInterval";
    static final String MIN_FREE_PERCENT = "10";
    static final String MAX_FREE_PERCENT = "30";
    static final String PERIODIC_MILLIS = "60000";
    /**
     * A full collection asked for while a thread is inside a native call holding the heap still (SQLite's driver does
     * that while it copies bytes) is dropped by the JVM without a word; it is asked for again, a second apart, this often.
     */
    static final int TRIES = 10;
    /** The collectors whose collections are full ones: G1's, the serial collector's and the parallel one's. */
    private static final Set<String> FULL_COLLECTORS = Set.of("G1 Old Generation", "MarkSweepCompact", "PS MarkSweep");

    private static final Logger log = LoggerFactory.getLogger(HeapGivenBack.class);
    /** One heap per JVM: a test run starts several contexts, and one collection serves them all. */
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private final List<BackgroundLoad> loads;

    HeapGivenBack(List<BackgroundLoad> loads) {
        this.loads = List.copyOf(loads);
    }

    @EventListener(ApplicationReadyEvent.class)
    void giveBackOnceLoaded() {
        if (!STARTED.compareAndSet(false, true)) return;
        CompletableFuture<?>[] pending = loads.stream().map(BackgroundLoad::loaded).toArray(CompletableFuture[]::new);
        // On its own thread: neither a loader's thread nor the caller of a load's future waits for the collection.
        Thread waiter = new Thread(() -> {
            CompletableFuture.allOf(pending).handle((done, failed) -> null).join();
            giveBack(new HotSpotOptions(), System::gc, Duration.ofSeconds(1));
            NativeHeapTrim.startTrimming().ifPresent(said -> log.info("C heap given back after start-up's loads ({}); again every {} s; decision 75",
                    said, NativeHeapTrim.INTERVAL.toSeconds()));
        }, "heap-given-back");
        waiter.setDaemon(true);
        waiter.start();
    }

    /** The JVM's options as far as this class reads and writes them; a test gives its own. */
    interface VmOptions {
        /** True when {@code name} has the JVM's own value: nobody set it on the command line or in the environment. */
        boolean isDefault(String name);

        String value(String name);

        void set(String name, String value);

        long committedHeap();

        /** How many full collections this JVM has made so far, or -1 when its collector does not say. */
        long fullCollections();
    }

    /**
     * Sets run.sh's free ratios, G1's periodic collection and collects once (asking again {@code retryAfter} later while
     * the JVM dropped the request), if the operator chose neither ratio; true when it did.
     */
    static boolean giveBack(VmOptions vm, Runnable collect, Duration retryAfter) {
        if (!vm.isDefault(MIN_FREE) || !vm.isDefault(MAX_FREE)) {
            log.debug("The heap's free ratios were set when Java was started; the heap is left as it is");
            return false;
        }
        // The minimum first: the JVM refuses a maximum below the current minimum (40% by default).
        vm.set(MIN_FREE, MIN_FREE_PERCENT);
        vm.set(MAX_FREE, MAX_FREE_PERCENT);
        boolean periodic = "true".equals(vm.value("UseG1GC")) && vm.isDefault(PERIODIC);
        if (periodic) vm.set(PERIODIC, PERIODIC_MILLIS);
        long before = vm.committedHeap();
        String collection = "not collected (explicit collections are disabled)";
        if (!"true".equals(vm.value("DisableExplicitGC"))) {
            long start = System.nanoTime();
            int tries = collect(vm, collect, retryAfter);
            long millis = (System.nanoTime() - start) / 1_000_000;
            collection = tries > TRIES ? "not collected: a native call held the heap at each of " + TRIES + " tries"
                    : "was " + (before >> 20) + " MiB (one full collection, " + millis + " ms"
                    + (tries > 1 ? " with the waits; asked " + tries + " times, as a native call held the heap" : "") + ")";
        }
        log.info("Heap after start-up's background loads: {} MiB committed, {}; free ratios {}% to {}%{}; decision 75",
                vm.committedHeap() >> 20, collection, MIN_FREE_PERCENT, MAX_FREE_PERCENT,
                periodic ? ", a concurrent collection after " + Long.parseLong(PERIODIC_MILLIS) / 1000 + " s without one" : "");
        return true;
    }

    /** Asks for a full collection until one happened, at most {@link #TRIES} times; the tries it took, or TRIES + 1. */
    private static int collect(VmOptions vm, Runnable collect, Duration retryAfter) {
        long full = vm.fullCollections();
        for (int tries = 1; tries <= TRIES; tries++) {
            collect.run();
            if (full < 0 || vm.fullCollections() != full) return tries;
            try {
                Thread.sleep(retryAfter.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return TRIES + 1;
            }
        }
        return TRIES + 1;
    }

    /** This JVM's options, through its diagnostic bean. */
    static final class HotSpotOptions implements VmOptions {
        private final HotSpotDiagnosticMXBean diagnostics = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

        @Override
        public boolean isDefault(String name) {
            return diagnostics.getVMOption(name).getOrigin() == VMOption.Origin.DEFAULT;
        }

        @Override
        public String value(String name) {
            return diagnostics.getVMOption(name).getValue();
        }

        @Override
        public void set(String name, String value) {
            diagnostics.setVMOption(name, value);
        }

        @Override
        public long committedHeap() {
            return memory.getHeapMemoryUsage().getCommitted();
        }

        @Override
        public long fullCollections() {
            long count = -1;
            for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (FULL_COLLECTORS.contains(collector.getName())) count = Math.max(count, 0) + collector.getCollectionCount();
            }
            return count;
        }
    }
}
