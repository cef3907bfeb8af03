package dev.lanyard.device;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import nl.basjes.collections.PrefixMap;
import nl.basjes.collections.prefixmap.StringPrefixMap;
import nl.basjes.parse.useragent.AbstractUserAgentAnalyzerDirect;

/**
 * Yauaa's analyzer made smaller once it is built, on the thread that builds it and before any
 * request can use it (decisions 45 and 77): the index from each path into a parsed user agent to the
 * rules that want to hear about it is {@linkplain PathIndex packed}, and the steps that look a value
 * up by its prefix share one trie per lookup table instead of building one each.
 *
 * <p>Once built, Yauaa only reads both (a map lookup and the set's iterator; a trie's longest or
 * shortest match), so the analyzer parses exactly as before: {@code RuleIndexTest} parses Yauaa's own
 * test cases before and after. Both are private fields of Yauaa's, reached by reflection: if a Yauaa
 * upgrade renames or reshapes them, nothing is changed, the analyzer is used as built, and the test
 * fails.
 */
final class RuleIndex {
    private static final List<String> ACTION_LISTS = List.of("variableActions", "dynamicActions", "fixedStringActions");

    private RuleIndex() {
    }

    /** Packs the analyzer's index; the number of paths packed (0 if it was already), or -1 if the index was not found as expected. */
    static int compact(AbstractUserAgentAnalyzerDirect analyzer) {
        try {
            Object matchMaker = read(analyzer, AbstractUserAgentAnalyzerDirect.class, "matchMaker");
            if (matchMaker == null) return -1;
            Field field = field(matchMaker.getClass(), "informMatcherActions");
            if (!(field.get(matchMaker) instanceof Map<?, ?> index)) return -1;
            if (index instanceof PathIndex) return 0;
            PathIndex packed = PathIndex.of(cast(index));
            field.set(matchMaker, packed);
            return packed.size();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Makes every step that looks a value up by prefix in the same table (the same entries, the same
     * case sensitivity) use one trie. Yauaa builds a trie per step: 87 of them over 24 tables for
     * Lanyard's fields, ≈ 12 MiB where one each is ≈ 3. Returns the number of steps given a shared
     * trie, or -1 if the steps were not found as expected.
     */
    static int shareLookups(AbstractUserAgentAnalyzerDirect analyzer) {
        try {
            Object matchMaker = read(analyzer, AbstractUserAgentAnalyzerDirect.class, "matchMaker");
            if (!(matchMaker != null && read(matchMaker, matchMaker.getClass(), "allMatchers") instanceof Collection<?> matchers)) return -1;
            Map<List<Object>, StringPrefixMap<?>> shared = new HashMap<>();
            int replaced = 0;
            for (Object step : steps(matchers)) {
                for (Field field : step.getClass().getDeclaredFields()) {
                    if (Modifier.isStatic(field.getModifiers()) || !PrefixMap.class.isAssignableFrom(field.getType())) continue;
                    field.setAccessible(true);
                    if (!(field.get(step) instanceof StringPrefixMap<?> trie)) continue;
                    List<Object> content = List.of(read(trie, StringPrefixMap.class, "caseSensitive"),
                            read(trie, StringPrefixMap.class, "allPrefixes"));
                    StringPrefixMap<?> first = shared.putIfAbsent(content, trie);
                    if (first != null && first != trie) {
                        field.set(step, first);
                        replaced++;
                    }
                }
            }
            return replaced;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /** Every step of every matcher's actions' tree walks. */
    private static List<Object> steps(Collection<?> matchers) throws ReflectiveOperationException {
        List<Object> steps = new ArrayList<>();
        for (Object matcher : matchers) {
            for (String list : ACTION_LISTS) {
                if (!(read(matcher, matcher.getClass(), list) instanceof Collection<?> actions)) continue;
                for (Object action : actions) {
                    Object evaluator = read(action, action.getClass(), "evaluator");
                    Object walkList = evaluator == null ? null : read(evaluator, evaluator.getClass(), "walkList");
                    if (walkList != null && read(walkList, walkList.getClass(), "steps") instanceof Collection<?> walk) steps.addAll(walk);
                }
            }
        }
        return steps;
    }

    private static Object read(Object owner, Class<?> type, String name) throws ReflectiveOperationException {
        return field(type, name).get(owner);
    }

    /** The field of that name declared by the type or the nearest of its superclasses. */
    private static Field field(Class<?> type, String name) throws ReflectiveOperationException {
        for (Class<?> declaring = type; declaring != null; declaring = declaring.getSuperclass()) {
            for (Field field : declaring.getDeclaredFields()) {
                if (!field.getName().equals(name)) continue;
                field.setAccessible(true);
                return field;
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Set<?>> cast(Map<?, ?> index) {
        return (Map<String, Set<?>>) index;
    }
}
