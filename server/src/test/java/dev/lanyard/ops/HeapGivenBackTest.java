package dev.lanyard.ops;

import static org.assertj.core.api.Assertions.assertThat;

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
    }

    private final int[] collections = {0};

    @Test
    void withTheJvmsOwnRatiosTheSmallerOnesAreSetMinimumFirstPeriodicCollectionsOnAndTheHeapCollectedOnce() {
        Options vm = new Options();

        assertThat(HeapGivenBack.giveBack(vm, () -> collections[0]++)).isTrue();

        assertThat(vm.set).containsExactly("MinHeapFreeRatio=10", "MaxHeapFreeRatio=30", "G1PeriodicGCInterval=60000");
        assertThat(collections[0]).isEqualTo(1);
    }

    @Test
    void anOperatorWhoChoseEitherRatioIsLeftAlone() {
        for (String chosen : List.of(HeapGivenBack.MIN_FREE, HeapGivenBack.MAX_FREE)) {
            Options vm = new Options(chosen);

            assertThat(HeapGivenBack.giveBack(vm, () -> collections[0]++)).isFalse();

            assertThat(vm.set).isEmpty();
        }
        assertThat(collections[0]).isZero();
    }

    @Test
    void aPeriodicIntervalTheOperatorSetIsKept() {
        Options vm = new Options(HeapGivenBack.PERIODIC);

        HeapGivenBack.giveBack(vm, () -> collections[0]++);

        assertThat(vm.set).containsExactly("MinHeapFreeRatio=10", "MaxHeapFreeRatio=30");
        assertThat(collections[0]).isEqualTo(1);
    }

    @Test
    void anotherCollectorGetsTheRatiosOnly() {
        Options vm = new Options();
        vm.values.put("UseG1GC", "false");

        HeapGivenBack.giveBack(vm, () -> collections[0]++);

        assertThat(vm.set).containsExactly("MinHeapFreeRatio=10", "MaxHeapFreeRatio=30");
        assertThat(collections[0]).isEqualTo(1);
    }

    @Test
    void withExplicitCollectionsDisabledNoneIsAskedFor() {
        Options vm = new Options();
        vm.values.put("DisableExplicitGC", "true");

        assertThat(HeapGivenBack.giveBack(vm, () -> collections[0]++)).isTrue();

        assertThat(vm.set).containsExactly("MinHeapFreeRatio=10", "MaxHeapFreeRatio=30", "G1PeriodicGCInterval=60000");
        assertThat(collections[0]).isZero();
    }
}
