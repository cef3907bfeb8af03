package dev.lanyard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class HeapGivenBackTest {

    /** A JVM's options as the component sees them, recording what it sets. */
    private static final class Options implements HeapGivenBack.VmOptions {
        final Set<String> chosen;
        final Map<String, String> values = new HashMap<>(Map.of("UseG1GC", "true", "DisableExplicitGC", "false"));
        final List<String> set = new ArrayList<>();
        /** Full collections made; while {@code held} is above zero, a request is dropped (a native call holds the heap). */
        long full;
        int held;
        /** False for a collector that names no full collections (the component cannot tell whether one happened). */
        boolean counted = true;

        Options(String... chosenByOperator) {
            this.chosen = Set.of(chosenByOperator);
        }

        @Override
        public boolean isDefault(String name) {
            return !chosen.contains(name);
        }

        @Override
        public String value(String name) {
            return values.getOrDefault(name, "");
        }

        @Override
        public void set(String name, String value) {
            set.add(name + "=" + value);
        }

        @Override
        public long committedHeap() {
            return 600L << 20;
        }

        @Override
        public long fullCollections() {
            return counted ? full : -1;
        }

        /** System.gc as the JVM answers it: a full collection, unless a native call holds the heap. */
        void collect() {
            collections++;
            if (held > 0) held--;
            else full++;
        }

        int collections;
    }


    private static boolean giveBack(HeapGivenBack.VmOptions vm, Runnable collect) {
        return HeapGivenBack.giveBack(vm, collect, Duration.ZERO);
    }

    @Test
    void aCollectionTheJvmDroppedIsAskedForAgainUntilOneHappened() {
        Options vm = new Options();
        vm.held = 2;

        assertThat(giveBack(vm, vm::collect)).isTrue();

        assertThat(vm.collections).isEqualTo(3);
        assertThat(vm.full).isEqualTo(1);
    }

    @Test
    void aHeapHeldAtEveryTryIsAskedForAtMostTriesTimes() {
        Options vm = new Options();
        vm.held = Integer.MAX_VALUE;

        assertThat(giveBack(vm, vm::collect)).isTrue();

        assertThat(vm.collections).isEqualTo(HeapGivenBack.TRIES);
        assertThat(vm.full).isZero();
    }

    @Test
    void aCollectorThatDoesNotCountFullCollectionsIsAskedOnce() {
        Options vm = new Options();
        vm.counted = false;
        vm.held = 5;

        giveBack(vm, vm::collect);

        assertThat(vm.collections).isEqualTo(1);
    }

    @Test
    void withTheJvmsOwnRatiosTheSmallerOnesAreSetMinimumFirstPeriodicCollectionsOnAndTheHeapCollectedOnce() {
        Options vm = new Options();

        assertThat(giveBack(vm, vm::collect)).isTrue();

        assertThat(vm.set).containsExactly("MinHeapFreeRatio=10", "MaxHeapFreeRatio=30", "G1PeriodicGCInterval=60000");
        assertThat(vm.collections).isEqualTo(1);
    }

    @Test
    void anOperatorWhoChoseEitherRatioIsLeftAlone() {
        for (String chosen : List.of(HeapGivenBack.MIN_FREE, HeapGivenBack.MAX_FREE)) {
            Options vm = new Options(chosen);

            assertThat(giveBack(vm, vm::collect)).isFalse();

            assertThat(vm.set).isEmpty();
            assertThat(vm.collections).isZero();
        }
    }

    @Test
    void aPeriodicIntervalTheOperatorSetIsKept() {
        Options vm = new Options(HeapGivenBack.PERIODIC);

        giveBack(vm, vm::collect);

        assertThat(vm.set).containsExactly("MinHeapFreeRatio=10", "MaxHeapFreeRatio=30");
        assertThat(vm.collections).isEqualTo(1);
    }

    @Test
    void anotherCollectorGetsTheRatiosOnly() {
        Options vm = new Options();
        vm.values.put("UseG1GC", "false");

        giveBack(vm, vm::collect);

        assertThat(vm.set).containsExactly("MinHeapFreeRatio=10", "MaxHeapFreeRatio=30");
        assertThat(vm.collections).isEqualTo(1);
    }

    @Test
    void withExplicitCollectionsDisabledNoneIsAskedFor() {
        Options vm = new Options();
        vm.values.put("DisableExplicitGC", "true");

        assertThat(giveBack(vm, vm::collect)).isTrue();

        assertThat(vm.set).containsExactly("MinHeapFreeRatio=10", "MaxHeapFreeRatio=30", "G1PeriodicGCInterval=60000");
        assertThat(vm.collections).isZero();
    }
}
