package dev.lanyard.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Yauaa's path index packed (decision 77) answers every lookup as the map it was packed from. */
class PathIndexTest {

    @Test
    void everyPathFindsItsRulesInTheirOrderAndNoOtherPathFindsAny() {
        Map<String, Set<?>> built = new LinkedHashMap<>();
        Random random = new Random(77);
        for (int i = 0; i < 20_000; i++) {
            Set<Object> rules = new LinkedHashSet<>();
            for (int r = random.nextInt(4) + 1; r > 0; r--) rules.add("rule " + random.nextInt(500));
            built.put("agent.(" + i + ")product.name=\"" + Integer.toString(random.nextInt(), 36) + "\"", rules);
        }
        built.put("", Set.of("the empty path"));
        built.put("ä.é=\"ø\"", Set.of("Latin-1"));
        built.put("agent.name=\"浏览器\"", Set.of("wider than Latin-1"));
        built.put("Aa", Set.of("Aa"));
        built.put("BB", Set.of("BB")); // the same String hash as "Aa"

        PathIndex packed = PathIndex.of(built);

        assertThat(packed).hasSize(built.size());
        for (Map.Entry<String, Set<?>> entry : built.entrySet()) {
            assertThat(new ArrayList<>(packed.get(new String(entry.getKey())))).as(entry.getKey())
                    .containsExactlyElementsOf(entry.getValue());
        }
        for (String absent : List.of("agent.(1)product.name", "aa", "B", "agent.name=\"浏览\"", "Aa ", "ä.é=\"o\"")) {
            assertThat(packed.get(absent)).as(absent).isNull();
            assertThat(packed.containsKey(absent)).isFalse();
        }
        assertThat(packed.get(42)).isNull();
    }

    @Test
    void iteratesAsTheMapItWasPackedFromAndClears() {
        Map<String, Set<?>> built = new LinkedHashMap<>();
        built.put("one", new LinkedHashSet<>(List.of("a")));
        built.put("two", new LinkedHashSet<>(List.of("b", "c")));
        built.put("zwei=\"二\"", new LinkedHashSet<>(List.of("d")));
        PathIndex packed = PathIndex.of(built);

        assertThat(new HashMap<>(packed)).isEqualTo(new HashMap<>(built));

        packed.clear();
        assertThat(packed).isEmpty();
        assertThat(packed.get("one")).isNull();
        assertThat(packed.get("zwei=\"二\"")).isNull();
    }
}
