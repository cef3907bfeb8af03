package dev.lanyard.device;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Yauaa's index from each path into a parsed user agent to the rules that want to hear about it,
 * packed once the analyzer is built (decisions 45 and 77). As built it is a {@code LinkedHashMap} of
 * about 200,000 paths such as {@code agent.(1)product.(1)name="chrome"}: a map entry, a
 * {@code String} and its array per path, ≈ 35 MiB with the rule sets. Here the paths' characters
 * lie one after another in one array (they are Latin-1; any other path is kept in a small map of its
 * own), found through an open-addressing table of their hashes, and a path's rules are its one rule
 * or an immutable array of them, in Yauaa's order: ≈ 17 MiB.
 *
 * <p>Immutable but for {@link #clear()}, which Yauaa calls when an analyzer is destroyed. After its
 * build Yauaa only asks {@link #get}, {@link #size} and {@link #clear}; the rest of {@link Map}
 * works (iteration builds each path's {@code String}), so nothing that reads the map otherwise breaks.
 */
final class PathIndex extends AbstractMap<String, Set<Object>> {
    private byte[] characters;
    private int[] starts;
    private int[] hashes;
    /** A path's one rule, or its {@link Rules} when it has any other number. */
    private Object[] rules;
    /** Each slot holds a path's number plus one, 0 when empty; a power of two, at most half full. */
    private int[] slots;
    private Map<String, Set<Object>> wide;

    private PathIndex(Map<String, ? extends Set<?>> index) {
        int latin = 0;
        long length = 0;
        wide = new HashMap<>();
        for (Map.Entry<String, ? extends Set<?>> entry : index.entrySet()) {
            if (isLatin1(entry.getKey())) {
                latin++;
                length += entry.getKey().length();
            } else {
                wide.put(entry.getKey(), rulesOf(packed(entry.getValue())));
            }
        }
        if (length > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("paths too long to pack: " + length);
        characters = new byte[(int) length];
        starts = new int[latin + 1];
        hashes = new int[latin];
        rules = new Object[latin];
        slots = new int[Math.max(2, Integer.highestOneBit(Math.max(1, latin)) << 2)];
        int path = 0;
        int at = 0;
        for (Map.Entry<String, ? extends Set<?>> entry : index.entrySet()) {
            String key = entry.getKey();
            if (!isLatin1(key)) continue;
            for (int i = 0; i < key.length(); i++) characters[at + i] = (byte) key.charAt(i); // Latin-1, checked above
            starts[path] = at;
            at += key.length();
            hashes[path] = key.hashCode();
            rules[path] = packed(entry.getValue());
            int slot = firstSlot(hashes[path]);
            while (slots[slot] != 0) slot = (slot + 1) & (slots.length - 1);
            slots[slot] = path + 1;
            path++;
        }
        starts[latin] = at;
    }

    /** The index packed; every path keeps its rules, in the order the given sets iterate them. */
    static PathIndex of(Map<String, ? extends Set<?>> index) {
        return new PathIndex(index);
    }

    @Override
    public Set<Object> get(Object key) {
        if (!(key instanceof String path)) return null;
        int hash = path.hashCode();
        for (int slot = firstSlot(hash); ; slot = (slot + 1) & (slots.length - 1)) {
            int found = slots[slot] - 1;
            if (found < 0) return wide.isEmpty() ? null : wide.get(path);
            if (hashes[found] == hash && isPath(found, path)) return rulesOf(rules[found]);
        }
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public int size() {
        return hashes.length + wide.size();
    }

    @Override
    public void clear() {
        characters = new byte[0];
        starts = new int[1];
        hashes = new int[0];
        rules = new Object[0];
        slots = new int[2];
        wide = new HashMap<>();
    }

    @Override
    public Set<Map.Entry<String, Set<Object>>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, Set<Object>>> iterator() {
                Iterator<Map.Entry<String, Set<Object>>> others = wide.entrySet().iterator();
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < hashes.length || others.hasNext();
                    }

                    @Override
                    public Map.Entry<String, Set<Object>> next() {
                        if (next >= hashes.length) return others.next();
                        int path = next++;
                        String key = new String(characters, starts[path], starts[path + 1] - starts[path], StandardCharsets.ISO_8859_1);
                        return new SimpleImmutableEntry<>(key, rulesOf(rules[path]));
                    }
                };
            }

            @Override
            public int size() {
                return PathIndex.this.size();
            }
        };
    }

    private int firstSlot(int hash) {
        return (hash ^ (hash >>> 16)) & (slots.length - 1);
    }

    private boolean isPath(int path, String candidate) {
        int start = starts[path];
        if (starts[path + 1] - start != candidate.length()) return false;
        for (int i = 0; i < candidate.length(); i++) {
            if ((characters[start + i] & 0xFF) != candidate.charAt(i)) return false;
        }
        return true;
    }

    private static boolean isLatin1(String key) {
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) > 0xFF) return false;
        }
        return true;
    }

    private static Object packed(Set<?> set) {
        return set.size() == 1 ? set.iterator().next() : new Rules<>(set.toArray());
    }

    @SuppressWarnings("unchecked")
    private static Set<Object> rulesOf(Object packed) {
        return packed instanceof Rules<?> several ? (Set<Object>) several : Collections.singleton(packed);
    }

    /** An immutable set of distinct elements, in the order they were given. */
    private static final class Rules<E> extends AbstractSet<E> {
        private final E[] elements;

        Rules(E[] elements) {
            this.elements = elements;
        }

        @Override
        public Iterator<E> iterator() {
            return new Iterator<>() {
                private int next;

                @Override
                public boolean hasNext() {
                    return next < elements.length;
                }

                @Override
                public E next() {
                    if (next >= elements.length) throw new NoSuchElementException();
                    return elements[next++];
                }
            };
        }

        @Override
        public int size() {
            return elements.length;
        }

        @Override
        public String toString() {
            return Arrays.toString(elements);
        }
    }
}
