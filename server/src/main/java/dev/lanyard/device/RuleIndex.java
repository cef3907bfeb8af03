package dev.lanyard.device;

import java.lang.reflect.Field;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import nl.basjes.parse.useragent.AbstractUserAgentAnalyzerDirect;

/**
 * Yauaa's index from each path into a parsed user agent to the rules that want to hear about it,
 * made compact once the analyzer is built (decision 45). For the fields Lanyard shows, the index
 * has about 200,000 paths, and each holds its rules in a {@code LinkedHashSet} of its own (a set, a
 * map, a table and an entry: ≈ 190 bytes), although four in five hold a single rule: ≈ 37 MiB of the
 * ≈ 103 MiB the analyzer keeps (bench/RESULTS.md, issue 13). Each set is replaced by an immutable one
 * with the same elements in the same order: a singleton, or an array.
 *
 * <p>Once built, Yauaa only reads the index (a map lookup, then the set's iterator), so the
 * analyzer parses exactly as before: {@code RuleIndexTest} parses Yauaa's own test cases before and
 * after. The index is a private field of Yauaa's, reached by reflection: if a Yauaa upgrade renames
 * or reshapes it, nothing is changed, the analyzer is used as built, and the test fails.
 */
final class RuleIndex {
    private RuleIndex() {
    }

    /** Makes the analyzer's index compact; the number of rule sets replaced, or -1 if the index was not found as expected. */
    static int compact(AbstractUserAgentAnalyzerDirect analyzer) {
        Map<String, Set<Object>> index;
        try {
            Object matchMaker = read(analyzer, AbstractUserAgentAnalyzerDirect.class, "matchMaker");
            index = matchMaker == null ? null : cast(read(matchMaker, matchMaker.getClass(), "informMatcherActions"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
        if (index == null) return -1;
        int replaced = 0;
        for (Map.Entry<String, Set<Object>> entry : index.entrySet()) {
            // Yauaa's own sets are LinkedHashSets: the array keeps their order. Anything else was replaced already.
            if (!(entry.getValue() instanceof HashSet<Object> rules)) continue;
            entry.setValue(switch (rules.size()) {
                case 0 -> Set.of();
                case 1 -> Collections.singleton(rules.iterator().next());
                default -> new Frozen<>(rules.toArray());
            });
            replaced++;
        }
        return replaced;
    }

    private static Object read(Object owner, Class<?> type, String name) throws ReflectiveOperationException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Set<Object>> cast(Object index) {
        return index instanceof Map<?, ?> map ? (Map<String, Set<Object>>) map : null;
    }

    /** An immutable set of distinct elements, in the order they were given. */
    private static final class Frozen<E> extends AbstractSet<E> {
        private final E[] elements;

        Frozen(E[] elements) {
            this.elements = elements;
        }

        @Override
        public Iterator<E> iterator() {
            return Arrays.asList(elements).iterator(); // its remove() is unsupported
        }

        @Override
        public int size() {
            return elements.length;
        }
    }
}
